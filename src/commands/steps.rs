//! `align-link steps`: the 24 steps, as the guide numbers them.

use crate::steps::STEPS;

pub fn run() -> i32 {
    println!("{:>2}  {:<10}  {:<9}  title", "#", "side", "how");
    for step in &STEPS {
        println!(
            "{:>2}  {:<10}  {:<9}  {}",
            step.number,
            step.side.label(),
            step.mode.label(),
            step.title
        );
    }
    println!();
    println!(
        "With keys.source = \"align\", Jira Align runs the handshake: steps 17-20 are guided."
    );
    println!("With a PAT or Basic connector (connector.auth), steps 13-20 are skipped.");
    0
}
