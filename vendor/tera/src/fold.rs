//! dvk patch: constant folding. A site generator renders the same templates thousands of times
//! with values that never change between pages (the theme's strings, the site's title, its base
//! path). [`Tera::fold_constants`] writes such values into the templates once, as text, so no
//! render looks them up again. Tested in dvk's `tests/template_engine.rs` (this crate's own
//! tests do not run in dvk's workspace).

use std::collections::HashSet;

use serde_json::Value;

use crate::context::dotted_pointer;
use crate::parser::ast::{ExprVal, Node};
use crate::{Context, Tera};

impl Tera {
    /// Replaces every `{{ key.a.b }}` (a plain dotted name, no filter, no `not`) whose root is
    /// one of `keys` by the text of its value in `constants`, when that value is a string that
    /// the escape function leaves as it is (so the text is the same whether the rendered
    /// template escapes or not). Adjacent texts are then joined.
    ///
    /// The caller promises that every later render sees the same values for `keys` (for
    /// example: `constants` is the parent of every context it renders with, and no context
    /// overrides these keys). A key is left alone wherever a template could bind it to
    /// something else: everywhere, if a template binds it (`set`, `set_global`, `for`) outside
    /// a macro, or in a macro that includes a template; inside a macro that binds it (argument,
    /// `set` or `for`), there.
    pub fn fold_constants(&mut self, constants: &Context, keys: &[&str]) {
        let mut blocked: HashSet<String> = HashSet::new();
        for tpl in self.templates.values() {
            let mut includes = false;
            bound_names(&tpl.ast, false, &mut blocked, &mut includes);
            for m in tpl.macros.values() {
                let mut names: HashSet<String> = m.args.keys().cloned().collect();
                let mut includes = false;
                bound_names(&m.body, true, &mut names, &mut includes);
                if includes {
                    blocked.extend(names);
                }
            }
        }
        let keys: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| !blocked.contains(*k))
            .collect();
        if keys.is_empty() {
            return;
        }
        let escape = *self.get_escape_fn();
        let folder = Folder {
            constants,
            keys: &keys,
            escape,
        };
        for tpl in self.templates.values_mut() {
            let none = HashSet::new();
            folder.fold(&mut tpl.ast, &none);
            for block in tpl.blocks.values_mut() {
                folder.fold(&mut block.body, &none);
            }
            for definitions in tpl.blocks_definitions.values_mut() {
                for (_, block) in definitions.iter_mut() {
                    folder.fold(&mut block.body, &none);
                }
            }
            for m in tpl.macros.values_mut() {
                let mut names: HashSet<String> = m.args.keys().cloned().collect();
                bound_names(&m.body, true, &mut names, &mut false);
                folder.fold(&mut m.body, &names);
            }
        }
    }
}

/// Adds the names `nodes` bind (`set`, `set_global`, `for`) to `out`, and notes whether they
/// include a template. Macro definitions are skipped unless `in_macro` (their bodies are
/// looked at one macro at a time).
fn bound_names(nodes: &[Node], in_macro: bool, out: &mut HashSet<String>, includes: &mut bool) {
    for node in nodes {
        match node {
            Node::Set(_, set) => {
                out.insert(set.key.clone());
            }
            Node::Forloop(_, f, _) => {
                out.insert(f.value.clone());
                if let Some(k) = &f.key {
                    out.insert(k.clone());
                }
                bound_names(&f.body, in_macro, out, includes);
                if let Some(body) = &f.empty_body {
                    bound_names(body, in_macro, out, includes);
                }
            }
            Node::Block(_, b, _) => bound_names(&b.body, in_macro, out, includes),
            Node::FilterSection(_, f, _) => bound_names(&f.body, in_macro, out, includes),
            Node::If(i, _) => {
                for (_, _, body) in &i.conditions {
                    bound_names(body, in_macro, out, includes);
                }
                if let Some((_, body)) = &i.otherwise {
                    bound_names(body, in_macro, out, includes);
                }
            }
            Node::Include(..) => *includes = true,
            _ => {}
        }
    }
}

struct Folder<'c> {
    constants: &'c Context,
    keys: &'c [&'c str],
    escape: crate::tera::EscapeFn,
}

impl Folder<'_> {
    /// The text of `{{ ident }}`, if it can be folded where `bound` names are bound.
    fn text_of(&self, ident: &str, bound: &HashSet<String>) -> Option<String> {
        let plain = ident.split('.').all(|seg| {
            !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        });
        if !plain {
            return None;
        }
        let (root, rest) = ident.split_once('.').unwrap_or((ident, ""));
        if !self.keys.contains(&root) || bound.contains(root) {
            return None;
        }
        match dotted_pointer(self.constants.get(root)?, rest)? {
            Value::String(s) if (self.escape)(s) == *s => Some(s.clone()),
            _ => None,
        }
    }

    fn fold(&self, nodes: &mut Vec<Node>, bound: &HashSet<String>) {
        for node in nodes.iter_mut() {
            match node {
                Node::VariableBlock(_, expr) if expr.filters.is_empty() && !expr.negated => {
                    if let ExprVal::Ident(ident) = &expr.val {
                        if let Some(text) = self.text_of(ident, bound) {
                            *node = Node::Text(text);
                        }
                    }
                }
                Node::Forloop(_, f, _) => {
                    self.fold(&mut f.body, bound);
                    if let Some(body) = &mut f.empty_body {
                        self.fold(body, bound);
                    }
                }
                Node::Block(_, b, _) => self.fold(&mut b.body, bound),
                Node::FilterSection(_, f, _) => self.fold(&mut f.body, bound),
                Node::If(i, _) => {
                    for (_, _, body) in &mut i.conditions {
                        self.fold(body, bound);
                    }
                    if let Some((_, body)) = &mut i.otherwise {
                        self.fold(body, bound);
                    }
                }
                _ => {}
            }
        }
        // Adjacent texts become one.
        let mut joined: Vec<Node> = Vec::with_capacity(nodes.len());
        for node in nodes.drain(..) {
            match (joined.last_mut(), node) {
                (Some(Node::Text(prev)), Node::Text(next)) => prev.push_str(&next),
                (_, node) => joined.push(node),
            }
        }
        *nodes = joined;
    }
}
