//! No import loop between files anywhere in the workspace. Cargo holds the layers
//! (align-link-core < align-link-sides < align-link); inside a crate a file may name
//! any other through `crate::` or `super::` paths, but none that leads back to it.
//! Test code (`tests.rs`, `*_tests.rs`, `#[cfg(test)]` items) is left out, and a
//! parent naming its own children (`keys::run()`) is no import. syn reads the files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};

/// A file as its crate and module path (`src`, `steps::keys`).
type File = (String, Vec<String>);

/// Every non-test `.rs` file under `dir`, with the module paths it names.
fn sources(krate: &str, root: &Path, dir: &Path, found: &mut Vec<(File, Vec<Vec<String>>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        if path.is_dir() {
            sources(krate, root, &path, found);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !(stem == "tests" || stem.ends_with("_tests") || stem == "import_loops")
        {
            let folder = path.parent().unwrap().strip_prefix(root).unwrap();
            let mut module: Vec<String> = folder
                .iter()
                .map(|c| c.to_str().unwrap().to_string())
                .collect();
            if !matches!(stem, "mod" | "lib" | "main") {
                module.push(stem.to_string());
            }
            let names = names(&module, &std::fs::read_to_string(&path).unwrap());
            found.push(((krate.to_string(), module), names));
        }
    }
}

/// The module paths (from the crate root) that a file's non-test code names
/// through `crate::` or `super::`.
fn names(module: &[String], text: &str) -> Vec<Vec<String>> {
    let mut names = Names {
        module,
        found: Vec::new(),
    };
    names.visit_file(&syn::parse_file(text).unwrap());
    names.found
}

struct Names<'a> {
    module: &'a [String],
    found: Vec<Vec<String>>,
}

impl Names<'_> {
    fn add(&mut self, words: &[String]) {
        let (mut path, rest) = match words.split_first() {
            Some((first, rest)) if first == "crate" => (Vec::new(), rest),
            Some((first, _)) if first == "super" => (self.module.to_vec(), words),
            _ => return,
        };
        for word in rest {
            match word.as_str() {
                "super" => {
                    path.pop();
                }
                _ => path.push(word.clone()),
            }
        }
        self.found.push(path);
    }

    fn use_tree(&mut self, mut prefix: Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
            }
            syn::UseTree::Name(syn::UseName { ident })
            | syn::UseTree::Rename(syn::UseRename { ident, .. }) => {
                prefix.push(ident.to_string());
                self.add(&prefix);
            }
            syn::UseTree::Glob(_) => self.add(&prefix),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix.clone(), tree);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Names<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(item) => &item.attrs,
            syn::Item::Fn(item) => &item.attrs,
            syn::Item::Use(item) => &item.attrs,
            syn::Item::Impl(item) => &item.attrs,
            _ => return visit::visit_item(self, item),
        };
        let test = |attr: &syn::Attribute| {
            attr.path().is_ident("cfg")
                && attr.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
        };
        if !attrs.iter().any(test) {
            visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let words: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.add(&words);
        visit::visit_path(self, path);
    }

    /// A macro's arguments, when they are expressions (`format!`, `assert!`, ...).
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        visit::visit_macro(self, mac);
        let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        for expr in mac.parse_body_with(parser).into_iter().flatten() {
            self.visit_expr(&expr);
        }
    }
}

/// The first loop between files found, as the files around it.
fn find_loop(sources: &[(File, Vec<Vec<String>>)]) -> Option<String> {
    let files: BTreeSet<&File> = sources.iter().map(|(file, _)| file).collect();
    let mut edges: BTreeMap<&File, BTreeSet<&File>> = BTreeMap::new();
    for (file, names) in sources {
        for path in names {
            // The file a path lands in: the longest prefix that is a file's module,
            // unless that is the file itself or an ancestor (`super::` items).
            let target = (1..=path.len())
                .rev()
                .find_map(|n| files.get(&(file.0.clone(), path[..n].to_vec())).copied());
            if let Some(target) = target.filter(|t| !file.1.starts_with(&t.1)) {
                edges.entry(file).or_default().insert(target);
            }
        }
    }
    fn walk<'a>(
        at: &'a File,
        edges: &BTreeMap<&'a File, BTreeSet<&'a File>>,
        stack: &mut Vec<&'a File>,
        seen: &mut BTreeSet<&'a File>,
    ) -> Option<Vec<&'a File>> {
        if let Some(start) = stack.iter().position(|file| *file == at) {
            return Some([&stack[start..], &[at]].concat());
        }
        if !seen.insert(at) {
            return None;
        }
        stack.push(at);
        let found = (edges.get(at).into_iter().flatten()).find_map(|n| walk(n, edges, stack, seen));
        stack.pop();
        found
    }
    let mut seen = BTreeSet::new();
    let cycle = edges
        .keys()
        .find_map(|start| walk(start, &edges, &mut Vec::new(), &mut seen))?;
    let names: Vec<String> = (cycle.iter())
        .map(|(krate, module)| format!("{krate}:{}", module.join("::")))
        .collect();
    Some(format!("import loop between files: {}", names.join(" -> ")))
}

#[test]
fn no_file_in_the_workspace_imports_itself_back() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for krate in [
        "src",
        "crates/core/src",
        "crates/sides/src",
        "crates/standins/src",
        "crates/test-support/src",
    ] {
        let root = workspace.join(krate);
        sources(krate, &root, &root, &mut found);
    }
    assert!(found.len() > 100, "the crates' files were read");
    assert_eq!(find_loop(&found), None);
}

#[test]
fn the_check_sees_a_loop_through_a_group_super_and_a_macro() {
    let source = |module: &str, text: &str| {
        let module: Vec<String> = module.split("::").map(String::from).collect();
        (("src".to_string(), module.clone()), names(&module, text))
    };
    let sources = [
        source("steps", "pub fn run() {}\n"),
        source(
            "steps::keys",
            "use super::run;\nuse crate::{util, steps::access::x};\n",
        ),
        source(
            "steps::access",
            "fn f() { println!(\"{}\", super::super::steps::keys::y()); }\n",
        ),
        source("util", "// crate::steps::keys is only mentioned\n"),
        source(
            "ui",
            "#[cfg(test)]\nmod tests {\n    use crate::cli::X;\n}\ncrate::outln!();\n",
        ),
        source("cli", "use crate::ui::out;\n"),
    ];
    assert_eq!(
        find_loop(&sources).as_deref(),
        Some(
            "import loop between files: src:steps::access -> src:steps::keys -> src:steps::access"
        )
    );
    // Without the macro's argument, there is none.
    let mut sources = sources.to_vec();
    sources[2] = source("steps::access", "fn f() { g(); }\n");
    assert_eq!(find_loop(&sources), None);
}
