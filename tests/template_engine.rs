//! The patched template engine (`vendor/tera`, see its PATCHES.md) renders as Tera does:
//! dotted and bracketed lookups, escaping written straight into the output or through the
//! escape function, `if` on strings that need escaping, shared parent contexts.

use std::sync::Arc;

use serde_json::json;
use tera::{Context, Tera};

/// dvk's escaping (`& < > " '`), as `src/render/mod.rs` sets it.
fn engine(escape_into_output: bool) -> Tera {
    let mut tera = Tera::default();
    tera.add_raw_templates(vec![
        (
            "page.html",
            concat!(
                "{% import \"m.html\" as m %}",
                "1:{{ a.b.c }}|2:{{ a.list.1.n }}|3:{{ a.list[1].n }}|4:{{ a[\"b\"].c }}|",
                "5:{% if a.b.c %}yes{% endif %}|6:{% if a.missing %}y{% else %}n{% endif %}|",
                "7:{{ a.b.c | safe }}|8:{% for i in a.list %}{{ i.n }}{{ i.s }}{% endfor %}|",
                "9:{{ m::show(v=a.b.c) }}|10:{{ t.nav.home }}|11:{{ a.list.0.s }}|",
                "12:{% if not a.b.empty %}empty{% endif %}|13:{{ a.b.c ~ \"&\" }}|",
                "14:{{ a.b.c | upper }}|15:{% set x = a.b %}{{ x.c }}|16:{{ a.list | length }}",
            ),
        ),
        ("m.html", "{% macro show(v) %}[{{ v }}]{% endmacro show %}"),
    ])
    .unwrap();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(dvk::content::markdown::html_escape);
    if escape_into_output {
        tera.set_escape_write_fn(dvk::content::markdown::html_escape_into);
    }
    tera
}

fn context() -> Context {
    let mut globals = Context::new();
    globals.insert("t", &json!({"nav": {"home": "Trang chủ & tin"}}));
    let mut ctx = Context::with_parent(Arc::new(globals));
    ctx.insert_value(
        "a",
        json!({
            "b": {"c": "x<y \"q\" 'a'", "empty": ""},
            "list": [{"n": 1, "s": "<"}, {"n": 2, "s": ">"}],
        }),
    );
    ctx
}

#[test]
fn lookups_escaping_and_conditions_render_as_expected() {
    let expected = concat!(
        "1:x&lt;y &quot;q&quot; &#39;a&#39;|2:2|3:2|4:x&lt;y &quot;q&quot; &#39;a&#39;|",
        "5:yes|6:n|7:x<y \"q\" 'a'|8:1&lt;2&gt;|",
        "9:[x&lt;y &quot;q&quot; &#39;a&#39;]|10:Trang chủ &amp; tin|11:&lt;|",
        // Tera does not escape a `~` concatenation (as upstream).
        "12:empty|13:x<y \"q\" 'a'&|",
        "14:X&lt;Y &quot;Q&quot; &#39;A&#39;|15:x&lt;y &quot;q&quot; &#39;a&#39;|16:2",
    );
    for escape_into_output in [true, false] {
        let page = engine(escape_into_output)
            .render("page.html", &context())
            .unwrap();
        assert_eq!(page, expected, "escape into output: {escape_into_output}");
    }
}

#[test]
fn a_missing_variable_is_still_an_error() {
    let mut tera = Tera::default();
    tera.add_raw_template("x.html", "{{ a.nope.deeper }}")
        .unwrap();
    let err = tera.render("x.html", &context()).unwrap_err();
    assert!(format!("{err:?}").contains("a.nope.deeper"), "{err:?}");
}

// Constant folding (`Tera::fold_constants`, vendor/tera/src/fold.rs).

fn fold_globals() -> Arc<Context> {
    let mut g = Context::new();
    g.insert(
        "t",
        &json!({"a": {"b": "Xin chào"}, "amp": "A & B", "n": 3}),
    );
    g.insert("base", "/danvan/");
    Arc::new(g)
}

fn fold_page() -> Context {
    let mut c = Context::with_parent(fold_globals());
    c.insert("x", "<b>");
    c
}

/// Renders `name` before and after folding `t` and `base`.
fn render_folded(templates: &[(&str, &str)], name: &str, page: &Context) -> (String, String) {
    let mut tera = Tera::default();
    tera.add_raw_templates(templates.to_vec()).unwrap();
    tera.set_escape_fn(dvk::content::markdown::html_escape);
    tera.set_escape_write_fn(dvk::content::markdown::html_escape_into);
    let plain = tera.render(name, page).unwrap();
    tera.fold_constants(&fold_globals(), &["t", "base"]);
    let folded = tera.render(name, page).unwrap();
    (plain, folded)
}

#[test]
fn folded_templates_render_the_same() {
    let tpls = [
        (
            "base.html",
            "<a href=\"{{ base }}\">{{ t.a.b }}</a>{{ t.amp }}{{ t.n }}{{ x }}{% block c %}{% endblock c %}",
        ),
        (
            "page.html",
            "{% extends \"base.html\" %}{% import \"m.html\" as m %}{% block c %}{{ t.a.b }}|{{ m::f(t=x) }}|{{ m::g() }}|{{ super() }}{% endblock c %}",
        ),
        (
            "m.html",
            "{% macro f(t) %}{{ t }}{% endmacro f %}{% macro g() %}{{ t.a.b }}{% set base = 1 %}{{ base }}{% endmacro g %}",
        ),
    ];
    let (plain, folded) = render_folded(&tpls, "page.html", &fold_page());
    assert_eq!(plain, folded);
    assert_eq!(
        folded,
        "<a href=\"/danvan/\">Xin chào</a>A &amp; B3&lt;b&gt;Xin chào|&lt;b&gt;|Xin chào1|"
    );
}

#[test]
fn only_plain_constant_strings_are_folded() {
    let mut tera = Tera::default();
    tera.set_escape_fn(dvk::content::markdown::html_escape);
    tera.add_raw_template(
        "p.html",
        "{{ t.a.b }}{{ t.amp }}{{ t.n }}{{ t.a.b | upper }}{{ x }}",
    )
    .unwrap();
    tera.fold_constants(&fold_globals(), &["t"]);
    let ast = &tera.templates["p.html"].ast;
    // Folded: `t.a.b`. Kept: `t.amp` (escaping would change it), `t.n` (a number), a filter,
    // a page value.
    assert!(matches!(&ast[0], tera::ast::Node::Text(s) if s == "Xin chào"));
    assert_eq!(ast.len(), 5);
}

#[test]
fn a_key_bound_in_any_template_outside_macros_is_never_folded() {
    // The included template sees the loop's `t`, not the global one.
    let tpls = [
        (
            "page.html",
            "{% for t in list %}{% include \"inc.html\" %}{% endfor %}",
        ),
        ("inc.html", "[{{ t.a.b }}]"),
    ];
    let mut page = fold_page();
    page.insert("list", &json!([{"a": {"b": "vòng lặp"}}]));
    let (plain, folded) = render_folded(&tpls, "page.html", &page);
    assert_eq!(plain, "[vòng lặp]");
    assert_eq!(folded, plain);
}
