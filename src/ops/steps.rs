//! `steps`: the 24 steps, as the guide numbers them.

use serde_json::{json, Value};

use super::print_json;
use crate::outln;
use crate::steps::{Step, STEPS};

pub fn list(as_json: bool) -> i32 {
    if as_json {
        let steps: Vec<_> = STEPS.iter().map(about).collect();
        print_json(json!({"steps": steps}));
        return 0;
    }
    outln!("{:>2}  {:<10}  {:<9}  title", "#", "side", "how");
    for step in &STEPS {
        let (number, side, how) = (step.number, step.side.label(), step.mode.label());
        outln!("{number:>2}  {side:<10}  {how:<9}  {}", step.title);
    }
    outln!();
    crate::ui::info(
        "With keys.source = \"align\", Jira Align runs the handshake: steps 17-20 are guided.\n\
         With a PAT or Basic connector (connector.auth), steps 13-20 are skipped.",
    );
    0
}

/// A step as `--json` describes it (`status` adds how far it got).
pub fn about(step: &Step) -> Value {
    json!({
        "number": step.number,
        "side": step.side.label(),
        "how": step.mode.label(),
        "title": step.title,
    })
}
