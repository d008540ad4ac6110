//! Tests of `content::markdown`: rendering, links, anchors, limits and the sanitizer.
use super::*;

fn md(text: &str) -> (Rendered, Vec<Diagnostic>) {
    let mut d = vec![];
    let links: HashMap<PathBuf, String> = [(
        PathBuf::from("content/models/b.md"),
        "/mo-hinh/b/".to_string(),
    )]
    .into();
    let r = render(
        Path::new("/nonexistent"),
        Path::new("content/models/a.md"),
        &Body {
            markdown: text.into(),
            line_offset: 5,
            ..Body::default()
        },
        &links,
        &mut d,
    );
    (r, d)
}

/// Each start tag of `html` with its attributes (names and values, sorted), in order.
fn tags(html: &str) -> Vec<String> {
    let tag =
        regex_lite::Regex::new(r#"<([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*/?>"#).unwrap();
    let attr = regex_lite::Regex::new(r#"([a-z-]+)(?:="([^"]*)")?"#).unwrap();
    tag.captures_iter(html)
        .map(|c| {
            let mut attrs: Vec<String> = attr
                .captures_iter(&c[2])
                .map(|a| format!("{}={}", &a[1], a.get(2).map_or("", |v| v.as_str())))
                .collect();
            attrs.sort();
            format!("{} {}", &c[1], attrs.join(" "))
        })
        .collect()
}

/// A body without raw HTML is not run through the sanitizer; what it gives instead holds
/// nothing the sanitizer would take out: cleaning it keeps every tag, attribute and
/// address. (Highlighted code is spliced in after either way, so it is left out here.)
#[test]
fn bodies_the_sanitizer_would_not_change_skip_it() {
    let bodies = [
        "Đoạn **đậm**, *nghiêng*, `mã`, ~~gạch~~ và \"ngoặc\" & <ký hiệu> 'đơn'.",
        "## Tiêu đề {#muc-1 .lop}\n\n### Khác {#x onclick=alert(1)}\n\nChữ.",
        "- một\n- hai\n\n1. ba\n2. bốn\n\n> trích dẫn\n\n---\n\nhết  \ndòng mới",
        "[trang](/mo-hinh/x/ \"tựa\") [ngoài](https://example.org/?a=1&b=2) [thư](mailto:a@b.vn) [gọi](tel:0123) <https://x.vn> [neo](#muc) [tương đối](b.md)",
        "![ảnh](https://example.org/a.jpg \"tựa ảnh\") ![không tựa](/anh/a.jpg)",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
        "Chú thích[^1].\n\n[^1]: Nội dung chú thích.",
    ];
    for body in bodies {
        let (r, d) = md(body);
        assert!(d.is_empty(), "{body}: {d:?}");
        let cleaned = sanitizer().clean(&r.html).to_string();
        assert_eq!(
            tags(&r.html),
            tags(&cleaned),
            "{body}\n{}\n{cleaned}",
            r.html
        );
        assert!(!tags(&r.html).is_empty(), "{}", r.html);
    }
}

/// What the sanitizer would change still goes through it: raw HTML, addresses with other
/// schemes or with characters browsers read differently; aligned table columns come out
/// without the `style` the allow-list would strip.
#[test]
fn bodies_the_sanitizer_would_change_go_through_it() {
    for (body, gone) in [
        ("<b onclick=\"x()\">a</b>", "onclick"),
        ("[a](javascript:alert(1))", "javascript"),
        ("[a](JavaScript:alert(1))", "JavaScript"),
        ("[a](<java\tscript:alert(1)>)", "\tscript"),
        ("![a](data:image/svg+xml,x)", "data:"),
        ("[a](vbscript:x)", "vbscript"),
        ("| a |\n|:-:|\n| 1 |", "style"),
    ] {
        let (r, _) = md(body);
        assert!(!r.html.contains(gone), "{body}: {}", r.html);
    }
    assert!(allowed_url("https://x.vn/a:b"));
    assert!(allowed_url("a/b:c"));
    assert!(allowed_url("HTTPS://x.vn"));
    assert!(!allowed_url("java\nscript:x"));
    assert!(!allowed_url("\\\\evil.example/x"));
}

#[test]
fn tables_footnotes_strikethrough_and_anchors() {
    let (r, d) = md("## Kết quả đạt được\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~cũ~~ mới[^1]\n\n[^1]: ghi chú\n\n## Kết quả đạt được\n");
    assert!(d.is_empty(), "{d:?}");
    assert!(
        r.html.contains("<h2 id=\"ket-qua-dat-duoc\">"),
        "{}",
        r.html
    );
    assert!(
        r.html.contains("<h2 id=\"ket-qua-dat-duoc-2\">"),
        "{}",
        r.html
    );
    assert!(r.html.contains("<table>"));
    assert!(r.html.contains("<del>cũ</del>"));
    assert!(r.html.contains("footnote-definition"), "{}", r.html);
}

#[test]
fn raw_html_is_sanitised() {
    let (r, _) = md("<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">x</a> <b onclick=\"x()\">đậm</b>\n");
    assert!(!r.html.contains("<script"), "{}", r.html);
    assert!(!r.html.contains("onerror"), "{}", r.html);
    assert!(!r.html.contains("javascript:"), "{}", r.html);
    assert!(!r.html.contains("onclick"), "{}", r.html);
    assert!(r.html.contains("<b>đậm</b>"), "{}", r.html);
}

#[test]
fn links_to_content_files_become_urls_and_broken_ones_are_errors() {
    let (r, d) = md("Xem [mô hình B](b.md#ket-qua).\n\nVà [mất](khong-co.md).\n");
    assert!(
        r.html.contains("href=\"/mo-hinh/b/#ket-qua\""),
        "{}",
        r.html
    );
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].line, d[0].column), (8, 4));
    assert!(d[0].message.contains("khong-co.md"));
}

#[test]
fn lead_and_text_are_plain() {
    let (r, _) = md("Mô hình **hiến đất** mở đường\nliên thôn.\n\nĐoạn hai.\n");
    assert_eq!(r.lead, "Mô hình hiến đất mở đường liên thôn.");
    assert!(r.text.contains("Đoạn hai."));
}

#[test]
fn html_escape_replaces_the_five_specials_and_keeps_the_rest() {
    assert_eq!(
        html_escape(r#"Đảng <b a="1">'x' & y</b>"#),
        "Đảng &lt;b a=&quot;1&quot;&gt;&#39;x&#39; &amp; y&lt;/b&gt;"
    );
    assert_eq!(html_escape("không có gì"), "không có gì");
    assert_eq!(html_escape("&"), "&amp;");
    assert_eq!(html_escape(""), "");
    for text in [r#"Đảng <b a="1">'x' & y</b>"#, "", "&&", "không có gì", "<"] {
        let mut written = Vec::new();
        html_escape_into(text, &mut written).unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), html_escape(text));
    }
}

#[test]
fn fenced_code_is_highlighted_and_escaped() {
    let (r, _) = md("```rust\nfn main() { let x = \"<b>\"; }\n```\n");
    assert!(r.has_code);
    assert!(r.html.contains("hl-"), "{}", r.html);
    assert!(!r.html.contains("<b>"), "{}", r.html);
    let (plain, _) = md("```\n<b>x</b>\n```\n");
    assert!(!plain.has_code);
    assert!(plain.html.contains("&lt;b&gt;"), "{}", plain.html);
}

#[test]
fn heading_attributes_keep_only_id_and_class() {
    let (r, d) = md("## Hai {#hai .lon onfocus=alert(3) autofocus tabindex=1}\n");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(r.html.trim(), "<h2 id=\"hai\" class=\"lon\">Hai</h2>");
}

#[test]
fn unclosed_comments_and_raw_text_elements_are_errors_once() {
    for (text, line) in [
        ("a\n\n<!-- x\n\nb\n", 8),
        ("<style>\np {}\n", 6),
        ("a <script> b\n\n<script>\n", 6),
        ("<PlainText>x</plaintext>\n", 6),
    ] {
        let (_, d) = md(text);
        assert_eq!(d.len(), 1, "{text:?}: {d:?}");
        assert_eq!(d[0].line, line, "{text:?}");
    }
    for text in [
        "<!-- a --> <!-- b -->\n",
        "<script>x</script>\n\n<style>y</STYLE>\n",
        "<scripts> <stylesheet>\n",
        "`<script>` and\n\n```\n<!--\n```\n",
    ] {
        let (_, d) = md(text);
        assert!(d.is_empty(), "{text:?}: {d:?}");
    }
}
