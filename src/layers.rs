//! The crate's layers, lowest first, and the test that holds the code to them.
//!
//! A module may use modules of its own layer or below, never above; and no file
//! may reach itself again through `crate::` or `super::` paths (an import loop).
//! Test code (`tests.rs`, `*_tests.rs`, `#[cfg(test)] mod ... { }`) is left out:
//! a test may drive its subject through a higher layer. A parent module naming its
//! own children (`mod keys; keys::run()`) is not an import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Lowest first; modules on one line are peers.
pub const LAYERS: &[&[&str]] = &[
    // Every difference between the operating systems.
    &["platform"],
    &["util"],
    &["domain"],
    // The OAuth protocol: signing, token answers, problem reports.
    &["oauth"],
    // The HTTP client and its typed errors (which carry OAuth problems).
    &["http"],
    // `AppError`: what the user sees, built from the client errors.
    &["error"],
    &["keys", "callback", "browser", "ui", "state"],
    &["config", "prompt", "answers", "jira"],
    &["store", "align", "model", "sandbox"],
    &["context"],
    &["steps"],
    &["doctor"],
    &["ops"],
    &["commands"],
    &["cli"],
];

/// One source file: its module path (`steps::keys`) and its non-test text.
struct Source {
    module: Vec<String>,
    text: String,
}

/// Reads every `.rs` file under `dir` but the test-only ones.
fn sources(dir: &Path) -> Vec<Source> {
    let mut found = Vec::new();
    walk(dir, dir, &mut found);
    found
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<Source>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if path.is_dir() {
            if name != "tests" {
                walk(root, &path, found);
            }
            continue;
        }
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        // This file is a test, and its examples name modules in strings.
        if stem == "tests" || stem.ends_with("_tests") || path.ends_with("src/layers.rs") {
            continue;
        }
        let relative = path.parent().unwrap().strip_prefix(root).unwrap();
        let mut module: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_str().unwrap().to_string())
            .collect();
        if !matches!(stem, "mod" | "lib" | "main") {
            module.push(stem.to_string());
        }
        let text = std::fs::read_to_string(&path).unwrap();
        found.push(Source {
            module,
            text: without_tests(&without_comments(&text)),
        });
    }
}

fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.trim_start().starts_with("//") {
            true => "",
            false => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Drops each `#[cfg(test)]` item: a `mod name;` line or a braced block.
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let brace = after.find('{');
        let semicolon = after.find(';');
        rest = match (brace, semicolon) {
            (_, Some(semi)) if brace.is_none_or(|b| semi < b) => &after[semi + 1..],
            (Some(open), _) => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (i, c) in after[open..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                &after[end..]
            }
            _ => "",
        };
    }
    out.push_str(rest);
    out
}

/// Every module path a file names through `crate::` or `super::`, as written
/// from the crate root (`super::` resolved against the file's module). A
/// `{a, b::c}` group yields one path per item.
fn paths(source: &Source) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let text = &source.text;
    for (prefix, base) in [
        ("crate::", Vec::new()),
        (
            "super::",
            source.module[..source.module.len().saturating_sub(1)].to_vec(),
        ),
    ] {
        let mut from = 0;
        while let Some(at) = text[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut path = base.clone();
            // `super::super::`
            let mut tail = &text[from..];
            while let Some(rest) = tail.strip_prefix("super::") {
                path.pop();
                tail = rest;
            }
            collect(tail, path, &mut found);
        }
    }
    found
}

/// Reads `a::b::{c, d::e}` at the start of `text` onto `path`.
fn collect(text: &str, mut path: Vec<String>, found: &mut Vec<Vec<String>>) {
    let mut rest = text;
    loop {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if word.is_empty() {
            if let Some(group) = rest.strip_prefix('{') {
                let end = matching_brace(group);
                for item in split_top_level(&group[..end]) {
                    let item = item.trim();
                    if !item.is_empty() && item != "self" {
                        collect(item, path.clone(), found);
                    }
                }
                if path.is_empty() {
                    return;
                }
            }
            break;
        }
        rest = &rest[word.len()..];
        // A macro (`crate::outln!`) is no module.
        if rest.starts_with('!') {
            return;
        }
        path.push(word);
        match rest.strip_prefix("::") {
            Some(next) => rest = next,
            None => break,
        }
    }
    if !path.is_empty() {
        found.push(path);
    }
}

fn matching_brace(text: &str) -> usize {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    text.len()
}

fn split_top_level(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}

/// The file a path lands in: the longest prefix that is a file's module. A name
/// re-exported at the crate root (`crate::AppError`) lands in `lib.rs`, which is
/// resolved through its `pub use` lines.
fn file_of<'a>(path: &[String], modules: &'a BTreeSet<Vec<String>>) -> Option<&'a Vec<String>> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get(&path[..n].to_vec()))
}

fn layer_of(top: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&top))
}

/// Upward imports and file loops in `sources`, as messages; empty when clean.
fn violations(sources: &[Source]) -> Vec<String> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let root_exports = root_exports(sources);
    let mut problems = Vec::new();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for source in sources {
        let Some(top) = source.module.first() else {
            continue; // lib.rs: the crate root declares every module.
        };
        let Some(own_layer) = layer_of(top) else {
            problems.push(format!(
                "module `{top}` is in no layer: add it to LAYERS in src/layers.rs"
            ));
            continue;
        };
        for mut path in paths(source) {
            if let Some(module) = root_exports.get(&path[0]) {
                path = vec![module.clone()];
            }
            let Some(target) = file_of(&path, &modules) else {
                continue;
            };
            // Its own file, or an ancestor's (a child using `super::` items).
            if target.is_empty() || source.module.starts_with(target) {
                if *target != source.module && !target.is_empty() {
                    edges
                        .entry(source.module.clone())
                        .or_default()
                        .insert(target.clone());
                }
                continue;
            }
            let Some(their_layer) = layer_of(&target[0]) else {
                continue; // reported for that module itself
            };
            if their_layer > own_layer {
                problems.push(format!(
                    "{} uses {} (`{}`), a layer above it",
                    source.module.join("::"),
                    target.join("::"),
                    path.join("::")
                ));
            }
            edges
                .entry(source.module.clone())
                .or_default()
                .insert(target.clone());
        }
    }
    for cycle in cycles(&edges) {
        let names: Vec<String> = cycle.iter().map(|m| m.join("::")).collect();
        problems.push(format!("import loop between files: {}", names.join(" -> ")));
    }
    problems.sort();
    problems.dedup();
    problems
}

/// `pub use module::{A, B}` in lib.rs: root names and the module they come from.
fn root_exports(sources: &[Source]) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    for source in sources.iter().filter(|s| s.module.is_empty()) {
        for line in source.text.lines() {
            let Some(rest) = line.trim().strip_prefix("pub use ") else {
                continue;
            };
            let Some((module, items)) = rest.split_once("::") else {
                continue;
            };
            let items = items.trim_end_matches(';').trim_matches(['{', '}']);
            for item in items.split(',') {
                exports.insert(item.trim().to_string(), module.to_string());
            }
        }
    }
    exports
}

/// Each strongly connected group of two or more files, as one loop through it.
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    let mut loops = Vec::new();
    let mut reported: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in edges.keys() {
        if reported.contains(start) {
            continue;
        }
        if let Some(path) = path_back(start, edges) {
            reported.extend(path.iter().cloned());
            loops.push(path);
        }
    }
    loops
}

/// A path from `start` back to itself, breadth first (so the shortest).
fn path_back(
    start: &Vec<String>,
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> Option<Vec<Vec<String>>> {
    let mut came_from: BTreeMap<&Vec<String>, &Vec<String>> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for next in edges.get(at).into_iter().flatten() {
            if next == start {
                let mut path = vec![start.clone()];
                let mut back = at;
                while back != start {
                    path.insert(1, back.clone());
                    back = came_from[back];
                }
                path.push(start.clone());
                return Some(path);
            }
            if !came_from.contains_key(next) {
                came_from.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    None
}

#[test]
fn no_module_uses_one_above_it_and_no_file_loops() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = violations(&sources(&src));
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn the_check_sees_an_upward_use_and_a_loop() {
    let source = |module: &str, text: &str| Source {
        module: module.split("::").map(String::from).collect(),
        text: without_tests(&without_comments(text)),
    };
    let sources = [
        source("util", "use crate::steps::{self, keys::run};\n"),
        source("steps", "pub fn run() {}\n"),
        source("steps::keys", "use super::run;\nuse crate::steps::access::x;\n"),
        source("steps::access", "use crate::steps::keys::y;\n"),
        source(
            "ui",
            "// crate::cli is only mentioned\n#[cfg(test)]\nmod tests {\n    use crate::cli::X;\n}\n",
        ),
        source("cli", "crate::outln!(\"\");\n"),
    ];
    assert_eq!(
        violations(&sources),
        [
            "import loop between files: steps::access -> steps::keys -> steps::access",
            "util uses steps (`steps`), a layer above it",
            "util uses steps::keys (`steps::keys::run`), a layer above it",
        ]
    );
}
