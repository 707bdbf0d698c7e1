//! The workspace's structure as tests: what ARCHITECTURE.md promises about the
//! crates, checked by `cargo test` rather than by a reader.
//!
//! - No module cycles: within each crate, the modules under one parent depend
//!   on each other in one direction only; a child may use its parent (and the
//!   parent its children), but siblings never reach each other both ways. A
//!   dependency is a path the compiler resolves (`use crate::…`, `super::…`, a
//!   path in an expression or a type, re-exports followed to where the item
//!   lives); doc links and the generated code's `quote!` templates are not.
//! - The schema reader stays light (no parser or generator crates), and
//!   integrators compile no generator: `qiyuesuo`'s default build, build
//!   scripts included, has none of the generator's crates.
//!
//! `QYS_MODULE_GRAPH=1 cargo test -p qiyuesuo-tests --test it architecture`
//! prints each crate's graph of sibling modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The crates a package depends on (`cargo tree`, by name, each once), for
/// the given kinds of dependency (`normal`, `build`), default features.
fn dependencies(package: &str, kinds: &str) -> BTreeSet<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let output = std::process::Command::new(cargo)
        .args(["tree", "--offline", "--locked", "--prefix", "none", "--edges", kinds, "--package", package])
        .arg("--manifest-path")
        .arg(&manifest)
        .output()
        .unwrap_or_else(|e| panic!("cargo tree: {e}"));
    assert!(output.status.success(), "cargo tree -p {package}: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let names: BTreeSet<String> =
        text.lines().filter_map(|line| line.split_whitespace().next()).map(str::to_owned).collect();
    assert!(names.contains("serde_json"), "cargo tree -p {package} was not read: {text}");
    names
}

#[test]
fn the_schema_reader_depends_on_no_parser_or_generator() {
    let found = dependencies("qiyuesuo-schema", "normal");
    let heavy: Vec<&String> =
        found.iter().filter(|name| ["syn", "quote", "typify", "prettyplease"].contains(&name.as_str())).collect();
    assert!(heavy.is_empty(), "qiyuesuo-schema must stay light (the mock and qys read it at run time): {heavy:?}");
}

#[test]
fn integrators_compile_no_generator() {
    let found = dependencies("qiyuesuo", "normal,build");
    let generator: Vec<&String> = found
        .iter()
        .filter(|name| ["qiyuesuo-codegen", "typify", "prettyplease", "schemars"].contains(&name.as_str()))
        .collect();
    assert!(generator.is_empty(), "qiyuesuo's default build must not build the generator: {generator:?}");
    assert!(found.contains("qiyuesuo-runtime"), "the tree of qiyuesuo lists its runtime: {found:?}");
    // The same look finds the generator where it is.
    assert!(dependencies("qiyuesuo-codegen", "normal").contains("typify"));
}

/// The crates whose modules are checked, by directory, with their root file.
const CRATES: &[(&str, &str)] = &[
    ("schema", "src/lib.rs"),
    ("runtime", "src/lib.rs"),
    ("mock", "src/lib.rs"),
    ("codegen", "src/lib.rs"),
    ("cli", "src/main.rs"),
    ("generated", "src/lib.rs"),
];

type ModPath = Vec<String>;

/// One crate's modules: what each one's `use` items name, and which paths each
/// one's code refers to.
#[derive(Default)]
struct Crate {
    modules: BTreeSet<ModPath>,
    /// `uses[m][name]`: the absolute path `name` stands for inside `m`.
    uses: BTreeMap<ModPath, BTreeMap<String, ModPath>>,
    /// Globs: `m` sees everything the named module holds.
    globs: BTreeMap<ModPath, Vec<ModPath>>,
    /// Every absolute path referred to from within `m`.
    refs: BTreeMap<ModPath, Vec<ModPath>>,
}

struct Reader<'c> {
    krate: &'c mut Crate,
    dir: PathBuf,
    module: ModPath,
}

impl Reader<'_> {
    /// A path as written in module `self.module`, made absolute (within the
    /// crate), or `None` when it starts elsewhere (another crate, a local).
    fn absolute(&self, segments: &[String]) -> Option<ModPath> {
        let (first, rest) = segments.split_first()?;
        match first.as_str() {
            "crate" => Some(rest.to_vec()),
            "self" => Some(self.module.iter().cloned().chain(rest.iter().cloned()).collect()),
            "super" => {
                let mut base = self.module.clone();
                base.pop();
                let mut rest = rest;
                while let Some(("super", more)) = rest.split_first().map(|(s, m)| (s.as_str(), m)) {
                    base.pop();
                    rest = more;
                }
                Some(base.into_iter().chain(rest.iter().cloned()).collect())
            }
            // A name brought in by a `use` of this module, or a child module.
            _ => {
                let mut child = self.module.clone();
                child.push(first.clone());
                if self.krate.modules.contains(&child) || self.declares_child(first) {
                    return Some(child.into_iter().chain(rest.iter().cloned()).collect());
                }
                let target = self.krate.uses.get(&self.module)?.get(first)?;
                Some(target.iter().cloned().chain(rest.iter().cloned()).collect())
            }
        }
    }

    fn declares_child(&self, name: &str) -> bool {
        let mut child = self.module.clone();
        child.push(name.to_owned());
        self.krate.modules.contains(&child)
    }

    fn record_use(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.record_use(&path.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let ident = name.ident.to_string();
                let mut full = prefix.clone();
                if ident != "self" {
                    full.push(ident.clone());
                }
                let alias = if ident == "self" { prefix.last().cloned().unwrap_or_default() } else { ident };
                self.bind(alias, &full);
            }
            syn::UseTree::Rename(rename) => {
                let mut full = prefix.clone();
                if rename.ident != "self" {
                    full.push(rename.ident.to_string());
                }
                self.bind(rename.rename.to_string(), &full);
            }
            syn::UseTree::Glob(_) => {
                if let Some(target) = self.absolute(prefix) {
                    self.krate.globs.entry(self.module.clone()).or_default().push(target.clone());
                    self.krate.refs.entry(self.module.clone()).or_default().push(target);
                }
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.record_use(tree, prefix);
                }
            }
        }
    }

    fn bind(&mut self, alias: String, full: &[String]) {
        if let Some(target) = self.absolute(full) {
            self.krate.refs.entry(self.module.clone()).or_default().push(target.clone());
            self.krate.uses.entry(self.module.clone()).or_default().insert(alias, target);
        }
    }
}

/// Which pass a walk makes: first the module tree and each module's `use`
/// items, then every path in code, made absolute.
#[derive(Clone, Copy, PartialEq)]
enum Pass {
    Uses,
    Refs,
}

struct Walker<'r, 'c> {
    reader: &'r mut Reader<'c>,
    pass: Pass,
}

impl<'ast> Visit<'ast> for Walker<'_, '_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if self.pass == Pass::Uses {
            self.reader.record_use(&item.tree, &mut Vec::new());
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let rooted = segments.len() > 1 || segments.first().is_some_and(|s| s == "crate" || s == "super");
        if self.pass == Pass::Refs
            && rooted
            && let Some(target) = self.reader.absolute(&segments)
        {
            self.reader.krate.refs.entry(self.reader.module.clone()).or_default().push(target);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // Templates of generated code name the generated crate, not this one.
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if self.pass == Pass::Uses
            || matches!(name.as_str(), "quote" | "quote_spanned" | "parse_quote" | "format_ident")
        {
            return;
        }
        let args = mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated);
        if let Ok(args) = args {
            args.iter().for_each(|arg| self.visit_expr(arg));
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        let name = item.ident.to_string();
        let mut child = self.reader.module.clone();
        child.push(name.clone());
        self.reader.krate.modules.insert(child.clone());
        let outer = std::mem::replace(&mut self.reader.module, child);
        match &item.content {
            Some((_, items)) => items.iter().for_each(|item| self.visit_item(item)),
            None => {
                if let Some((file, dir)) = module_file(&self.reader.dir, &name) {
                    let outer_dir = std::mem::replace(&mut self.reader.dir, dir);
                    let parsed = parse(&file);
                    self.visit_file(&parsed);
                    self.reader.dir = outer_dir;
                }
            }
        }
        self.reader.module = outer;
    }
}

/// Where `mod name;` inside directory `dir` lives, and the directory its own
/// children live in. Generated code (`src/generated/`, an `include!`) is not
/// a module file and is not read.
fn module_file(dir: &Path, name: &str) -> Option<(PathBuf, PathBuf)> {
    let flat = dir.join(format!("{name}.rs"));
    let nested = dir.join(name).join("mod.rs");
    if flat.is_file() {
        Some((flat, dir.join(name)))
    } else if nested.is_file() {
        Some((nested, dir.join(name)))
    } else {
        None
    }
}

fn parse(file: &Path) -> syn::File {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn read_crate(dir: &str, root: &str) -> Crate {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    let root_file = base.join(root);
    let parsed = parse(&root_file);
    let mut krate = Crate::default();
    krate.modules.insert(Vec::new());
    let src = root_file.parent().map(Path::to_path_buf).unwrap_or_default();
    // Uses first, twice: a `use` may name a module declared further down.
    for _ in 0..2 {
        let mut reader = Reader { krate: &mut krate, dir: src.clone(), module: Vec::new() };
        Walker { reader: &mut reader, pass: Pass::Uses }.visit_file(&parsed);
    }
    krate.refs.clear();
    let mut reader = Reader { krate: &mut krate, dir: src, module: Vec::new() };
    Walker { reader: &mut reader, pass: Pass::Uses }.visit_file(&parsed);
    Walker { reader: &mut reader, pass: Pass::Refs }.visit_file(&parsed);
    krate
}

impl Crate {
    /// The module an absolute path's item lives in, following re-exports.
    fn home(&self, path: &[String]) -> ModPath {
        let mut path = path.to_vec();
        for _ in 0..16 {
            let mut module: ModPath = Vec::new();
            let mut rerouted = None;
            for (i, segment) in path.iter().enumerate() {
                let mut child = module.clone();
                child.push(segment.clone());
                if self.modules.contains(&child) {
                    module = child;
                    continue;
                }
                if let Some(target) = self.uses.get(&module).and_then(|u| u.get(segment))
                    && target.as_slice() != &path[..=i]
                {
                    rerouted = Some(target.iter().chain(&path[i + 1..]).cloned().collect::<ModPath>());
                }
                break;
            }
            match rerouted {
                Some(next) => path = next,
                None => return module,
            }
        }
        Vec::new()
    }

    /// For each parent module, the dependencies between its children: a child
    /// depends on a sibling when code anywhere inside it refers to an item
    /// anywhere inside the sibling.
    fn sibling_edges(&self) -> BTreeMap<ModPath, BTreeSet<(String, String)>> {
        let mut edges: BTreeMap<ModPath, BTreeSet<(String, String)>> = BTreeMap::new();
        for (from, targets) in &self.refs {
            for target in targets {
                let to = self.home(target);
                let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
                if let (Some(a), Some(b)) = (from.get(common), to.get(common)) {
                    edges.entry(from[..common].to_vec()).or_default().insert((a.clone(), b.clone()));
                }
            }
        }
        edges
    }
}

/// The strongly connected groups of more than one module (Tarjan's, small).
fn cycles(edges: &BTreeSet<(String, String)>) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.iter().flat_map(|(a, b)| [a, b]).collect();
    let reach = |start: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.clone()];
        while let Some(node) = stack.pop() {
            for (a, b) in edges {
                if *a == node && seen.insert(b.clone()) {
                    stack.push(b.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> = nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut placed = BTreeSet::new();
    for node in &nodes {
        if placed.contains(*node) {
            continue;
        }
        let group: Vec<String> = nodes
            .iter()
            .filter(|other| reachable[node].contains(**other) && reachable[**other].contains(*node))
            .map(|n| (*n).clone())
            .collect();
        if group.len() > 1 {
            placed.extend(group.iter().cloned());
            groups.push(group);
        }
    }
    groups
}

fn name(module: &[String]) -> String {
    if module.is_empty() { "crate".to_owned() } else { module.join("::") }
}

#[test]
fn no_crate_has_a_module_cycle() {
    let print = std::env::var_os("QYS_MODULE_GRAPH").is_some();
    let mut found = Vec::new();
    for (dir, root) in CRATES {
        let krate = read_crate(dir, root);
        assert!(krate.modules.len() > 3, "{dir}: the module tree was not read ({:?})", krate.modules);
        for (parent, edges) in krate.sibling_edges() {
            if print {
                println!("{dir} {}:", name(&parent));
                for (a, b) in &edges {
                    println!("  {a} -> {b}");
                }
            }
            for group in cycles(&edges) {
                found.push(format!("{dir}, in {}: {}", name(&parent), group.join(" ↔ ")));
            }
        }
    }
    assert!(found.is_empty(), "module cycles (siblings that use each other):\n{}", found.join("\n"));
}

/// The checker's own parts: a cycle is found, and a parent/child pair is not one.
#[test]
fn the_cycle_check_finds_a_cycle_and_allows_the_tree() {
    let edges: BTreeSet<(String, String)> =
        [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")].iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(cycles(&edges), vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]);
    let mut krate = Crate::default();
    for m in [vec![], vec!["a".to_owned()], vec!["a".to_owned(), "x".to_owned()], vec!["b".to_owned()]] {
        krate.modules.insert(m);
    }
    // a::x uses its parent and b; b uses a::x through a's re-export.
    krate
        .uses
        .entry(vec!["a".to_owned()])
        .or_default()
        .insert("X".to_owned(), vec!["a".into(), "x".into(), "X".into()]);
    krate.refs.insert(vec!["a".into(), "x".into()], vec![vec!["a".into(), "f".into()], vec!["b".into(), "g".into()]]);
    krate.refs.insert(vec!["b".into()], vec![vec!["a".into(), "X".into()]]);
    let edges = krate.sibling_edges();
    let top = &edges[&Vec::new()];
    assert!(top.contains(&("a".to_owned(), "b".to_owned())) && top.contains(&("b".to_owned(), "a".to_owned())));
    assert_eq!(cycles(top).len(), 1);
    assert!(!edges.contains_key(&vec!["a".to_owned()]), "a child using its parent is not a sibling edge: {edges:?}");
}
