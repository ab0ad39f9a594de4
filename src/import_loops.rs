//! No import loop between files anywhere in the workspace. The layers themselves
//! are crates (align-link-core < align-link-sides < align-link), which cargo holds;
//! inside a crate, a file may name any other through `crate::` or `super::`
//! paths, but never one that leads back to itself. Test code (`tests.rs`,
//! `*_tests.rs`, `#[cfg(test)]` items) is left out: a test may drive its subject
//! from anywhere. A parent naming its own children (`keys::run()`) is no import.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// Each crate's source root, from the CLI's manifest directory.
const CRATES: &[&str] = &[
    "src",
    "crates/core/src",
    "crates/sides/src",
    "crates/standins/src",
];

/// A file as its crate and module path (`src`, `steps::keys`).
type File = (String, Vec<String>);

/// Every non-test `.rs` file under `dir`, with its non-test text.
fn sources(krate: &str, root: &Path, dir: &Path, found: &mut Vec<(File, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if path.is_dir() {
            sources(krate, root, &path, found);
            continue;
        }
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        if stem == "tests" || stem.ends_with("_tests") || stem == "import_loops" {
            continue;
        }
        let folder = path.parent().unwrap().strip_prefix(root).unwrap();
        let mut module: Vec<String> = folder
            .components()
            .map(|c| c.as_os_str().to_str().unwrap().to_string())
            .collect();
        if !matches!(stem, "mod" | "lib" | "main") {
            module.push(stem.to_string());
        }
        let text = std::fs::read_to_string(&path).unwrap();
        found.push(((krate.to_string(), module), without_tests(&text)));
    }
}

/// The text without comment lines and without each `#[cfg(test)]` item (a
/// `mod name;` line or a braced block).
fn without_tests(text: &str) -> String {
    let text: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect();
    let (mut out, mut rest) = (String::new(), &*text.join("\n"));
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        rest = match (item.find('{'), item.find(';')) {
            (open, Some(semi)) if open.is_none_or(|open| semi < open) => &item[semi + 1..],
            (Some(open), _) => &item[open + 1 + closing(&item[open + 1..])..],
            _ => "",
        };
    }
    out + rest
}

/// Where the brace closing an opened group ends, in `text` after the `{`.
fn closing(text: &str) -> usize {
    let mut depth = 1;
    for (i, c) in text.char_indices() {
        depth += match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
        };
        if depth == 0 {
            return i + 1;
        }
    }
    text.len()
}

/// Every module path `text` names through `crate::` or `super::`, from the crate
/// root (`super::` resolved against `module`); a `{a, b::c}` group gives one each.
fn paths(module: &[String], text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let parent = &module[..module.len().saturating_sub(1)];
    for (prefix, base) in [("crate::", &[][..]), ("super::", parent)] {
        for (start, _) in text.match_indices(prefix) {
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let (mut path, mut tail) = (base.to_vec(), &text[start + prefix.len()..]);
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
fn collect(mut text: &str, mut path: Vec<String>, found: &mut Vec<Vec<String>>) {
    loop {
        let word = text
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(text, |end| &text[..end]);
        text = &text[word.len()..];
        if word.is_empty() {
            if let Some(group) = text.strip_prefix('{') {
                let group = &group[..closing(group) - 1];
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in group.char_indices().chain([(group.len(), ',')]) {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            let item = group[start..i].trim();
                            if !item.is_empty() && item != "self" {
                                collect(item, path.clone(), found);
                            }
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
            }
            break;
        }
        // A macro (`crate::outln!`) is no module.
        if text.starts_with('!') {
            return;
        }
        path.push(word.to_string());
        match text.strip_prefix("::") {
            Some(next) => text = next,
            None => break,
        }
    }
    if !path.is_empty() {
        found.push(path);
    }
}

/// Each loop between files, as one cycle through it (shortest first found).
fn loops(sources: &[(File, String)]) -> Vec<String> {
    let files: BTreeSet<&File> = sources.iter().map(|(file, _)| file).collect();
    let mut edges: BTreeMap<&File, BTreeSet<&File>> = BTreeMap::new();
    for ((krate, module), text) in sources {
        for path in paths(module, text) {
            // The file a path lands in: the longest prefix that is a file's module.
            let target = (1..=path.len()).rev().find_map(|n| {
                let candidate = (krate.clone(), path[..n].to_vec());
                files.get(&candidate).copied()
            });
            // Its own file or an ancestor's (a child using `super::` items).
            if let Some(target) = target.filter(|t| !module.starts_with(&t.1)) {
                edges
                    .entry(files.get(&(krate.clone(), module.clone())).unwrap())
                    .or_default()
                    .insert(target);
            }
        }
    }
    let mut reported: BTreeSet<&File> = BTreeSet::new();
    let mut problems = Vec::new();
    for &start in edges.keys() {
        if reported.contains(start) {
            continue;
        }
        // Breadth first from `start` until a path comes back to it.
        let mut came_from: BTreeMap<&File, &File> = BTreeMap::new();
        let mut queue = VecDeque::from([start]);
        'search: while let Some(at) = queue.pop_front() {
            for &next in edges.get(at).into_iter().flatten() {
                if next == start {
                    let mut cycle = vec![start, at];
                    while *cycle.last().unwrap() != start {
                        cycle.push(came_from[cycle.last().unwrap()]);
                    }
                    cycle.reverse();
                    reported.extend(cycle.iter().copied());
                    let names: Vec<String> = cycle
                        .iter()
                        .map(|(krate, module)| format!("{krate}:{}", module.join("::")))
                        .collect();
                    problems.push(format!("import loop between files: {}", names.join(" -> ")));
                    break 'search;
                }
                if next != start && !came_from.contains_key(next) {
                    came_from.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
    }
    problems
}

#[test]
fn no_file_in_the_workspace_imports_itself_back() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for krate in CRATES {
        let root = workspace.join(krate);
        sources(krate, &root, &root, &mut found);
    }
    let problems = loops(&found);
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn the_check_sees_a_loop_through_a_group_and_super() {
    let source = |module: &str, text: &str| {
        let module = module.split("::").map(String::from).collect();
        (("src".to_string(), module), without_tests(text))
    };
    let sources = [
        source("steps", "pub fn run() {}\n"),
        source(
            "steps::keys",
            "use super::run;\nuse crate::{util, steps::access::x};\n",
        ),
        source("steps::access", "use super::super::steps::keys::y;\n"),
        source("util", "// crate::steps::keys is only mentioned\n"),
        source(
            "ui",
            "#[cfg(test)]\nmod tests {\n    use crate::cli::X;\n}\ncrate::outln!();\n",
        ),
        source("cli", "use crate::ui::out;\n"),
    ];
    assert_eq!(
        loops(&sources),
        ["import loop between files: src:steps::access -> src:steps::keys -> src:steps::access"]
    );
}
