//! deploy/web.config (IIS 10 with URL Rewrite 2.1). There is no IIS on this project's machines
//! (Linux), so the file is not served here: it is parsed as XML (well-formed, the elements IIS
//! reads) and its rewrite rules are evaluated on request URLs with their own patterns, the way
//! URL Rewrite applies them (first matching inbound rule; outbound rules on the response).
//! docs/xuat-ban.md says that this is all that is checked for IIS.

mod common;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// An XML element: name, attributes, children.
#[derive(Debug, Default)]
struct El {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<El>,
}

impl El {
    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn child(&self, name: &str) -> &El {
        self.children
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name))
    }

    fn all(&self, name: &str) -> Vec<&El> {
        self.children.iter().filter(|c| c.name == name).collect()
    }

    fn path(&self, path: &str) -> &El {
        path.split('/').fold(self, |e, n| e.child(n))
    }
}

fn element(e: &BytesStart) -> El {
    El {
        name: e.name().as_ref().to_string(),
        attrs: e
            .attributes()
            .map(|a| {
                let a = a.expect("well-formed attribute");
                (
                    a.key.as_ref().to_string(),
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .expect("attribute value")
                        .into_owned(),
                )
            })
            .collect(),
        children: Vec::new(),
    }
}

/// The document element of a well-formed XML text (panics on any XML error).
fn parse(xml: &str) -> El {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![El::default()];
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(element(&e)),
            Event::Empty(e) => stack.last_mut().unwrap().children.push(element(&e)),
            Event::End(_) => {
                let done = stack.pop().unwrap();
                stack.last_mut().expect("balanced tags").children.push(done);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(stack.len(), 1, "unclosed elements");
    let mut top = stack.pop().unwrap().children;
    assert_eq!(top.len(), 1, "one document element");
    top.pop().unwrap()
}

fn web_config() -> El {
    let text = std::fs::read_to_string(common::repo().join("deploy/web.config")).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    parse(&text)
}

fn matches(pattern: &str, text: &str) -> bool {
    regex_lite::Regex::new(pattern)
        .unwrap_or_else(|e| panic!("pattern {pattern}: {e}"))
        .is_match(text)
}

/// The inbound rewrite of `url` (IIS matches the path without its leading slash) for a client
/// sending `accept`, when every `IsFile` condition holds: the rewritten path and the
/// Content-Encoding set, or None when no rule applies.
fn inbound(rules: &El, url: &str, accept: &str) -> Option<(String, String)> {
    for rule in rules.all("rule") {
        let pattern = rule.child("match").attr("url").unwrap();
        let Some(caps) = regex_lite::Regex::new(pattern).unwrap().captures(url) else {
            continue;
        };
        let conditions_hold = rule.child("conditions").all("add").iter().all(|c| {
            match (c.attr("input").unwrap(), c.attr("matchType")) {
                ("{HTTP_ACCEPT_ENCODING}", None) => matches(c.attr("pattern").unwrap(), accept),
                (_, Some("IsFile")) => true,
                (input, t) => panic!("condition not simulated: {input} {t:?}"),
            }
        });
        if !conditions_hold {
            continue;
        }
        let action = rule.child("action");
        assert_eq!(action.attr("type"), Some("Rewrite"));
        let target = action
            .attr("url")
            .unwrap()
            .replace("{R:1}", caps.get(1).map_or("", |m| m.as_str()));
        let encoding = rule
            .child("serverVariables")
            .all("set")
            .iter()
            .find(|s| s.attr("name") == Some("RESPONSE_Content_Encoding"))
            .and_then(|s| s.attr("value"))
            .expect("the rule sets Content-Encoding")
            .to_string();
        assert_eq!(
            rule.attr("stopProcessing"),
            Some("true"),
            "{:?}",
            rule.attr("name")
        );
        return Some((target, encoding));
    }
    None
}

#[test]
fn web_config_is_well_formed_and_has_what_the_guide_promises() {
    let config = web_config();
    assert_eq!(config.name, "configuration");
    let ws = config.child("system.webServer");

    // The 404 page, index.html for folders, hidden files, no compression on top of .br/.gz.
    let e404 = ws
        .child("httpErrors")
        .all("error")
        .into_iter()
        .find(|e| e.attr("statusCode") == Some("404"))
        .expect("a 404 error page");
    assert_eq!(e404.attr("path"), Some("/404.html"));
    assert_eq!(e404.attr("responseMode"), Some("ExecuteURL"));
    assert_eq!(
        ws.child("httpErrors").attr("existingResponse"),
        Some("Replace")
    );
    assert!(ws
        .path("defaultDocument/files")
        .all("add")
        .iter()
        .any(|a| a.attr("value") == Some("index.html")));
    assert!(ws
        .path("security/requestFiltering/hiddenSegments")
        .all("add")
        .iter()
        .any(|a| a.attr("segment") == Some(".dvk-build")));
    assert_eq!(
        ws.child("urlCompression").attr("doStaticCompression"),
        Some("false")
    );
    assert_eq!(
        ws.path("staticContent/clientCache")
            .attr("cacheControlMaxAge"),
        Some("00:05:00")
    );

    // Security headers and Vary.
    let headers = ws.path("httpProtocol/customHeaders").all("add");
    let header = |name: &str| {
        headers
            .iter()
            .find(|h| h.attr("name") == Some(name))
            .and_then(|h| h.attr("value"))
            .unwrap_or_else(|| panic!("no {name} header"))
    };
    let csp = header("Content-Security-Policy");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(header("Strict-Transport-Security").contains("max-age="));
    assert_eq!(header("X-Content-Type-Options"), "nosniff");
    assert!(!header("Referrer-Policy").is_empty());
    assert_eq!(header("Vary"), "Accept-Encoding");
}

#[test]
fn web_config_rewrites_serve_the_precompressed_copies() {
    let config = web_config();
    let rewrite = config.path("system.webServer/rewrite");
    let rules = rewrite.child("rules");
    let both = "gzip, deflate, br";
    for (url, file) in [
        ("", "index.html"),
        ("nam/2024/", "nam/2024/index.html"),
        ("index.html", "index.html"),
        ("style.0123456789.css", "style.0123456789.css"),
        ("du-lieu/mo-hinh.json", "du-lieu/mo-hinh.json"),
        ("sitemap.xml", "sitemap.xml"),
    ] {
        assert_eq!(
            inbound(rules, url, both),
            Some((format!("{file}.br"), "br".into())),
            "/{url} with brotli accepted"
        );
        assert_eq!(
            inbound(rules, url, "gzip, deflate"),
            Some((format!("{file}.gz"), "gzip".into())),
            "/{url} with gzip accepted"
        );
        assert_eq!(inbound(rules, url, "identity"), None, "/{url} plain");
    }
    // Not text: served as it is.
    assert_eq!(inbound(rules, "anh/a/b.jpg", both), None);
    // "br" inside another word is not brotli.
    assert_eq!(inbound(rules, "index.html", "sbrx"), None);

    // Outbound: a compressed answer gets its file's type, whether IIS reports the URL asked
    // for or the rewritten one; photos and fingerprinted assets are cached for a year.
    let outbound = rewrite.child("outboundRules");
    let pre = outbound
        .child("preConditions")
        .all("preCondition")
        .into_iter()
        .find(|p| p.attr("name") == Some("dvk-compressed"))
        .expect("dvk-compressed precondition");
    assert!(matches(pre.child("add").attr("pattern").unwrap(), "br"));
    assert!(matches(pre.child("add").attr("pattern").unwrap(), "gzip"));
    let type_of = |url: &str| -> Vec<&str> {
        outbound
            .all("rule")
            .into_iter()
            .filter(|r| r.attr("preCondition") == Some("dvk-compressed"))
            .filter(|r| r.child("match").attr("serverVariable") == Some("RESPONSE_Content_Type"))
            .filter(|r| {
                r.child("conditions")
                    .all("add")
                    .iter()
                    .all(|c| matches(c.attr("pattern").unwrap(), url))
            })
            .map(|r| r.child("action").attr("value").unwrap())
            .collect()
    };
    for (ext, mime) in [
        ("html", "text/html"),
        ("css", "text/css"),
        ("js", "text/javascript"),
        ("json", "application/json"),
        ("xml", "application/xml"),
        ("svg", "image/svg+xml"),
        ("csv", "text/csv"),
        ("txt", "text/plain"),
    ] {
        for url in [
            format!("/a/b.{ext}"),
            format!("/a/b.{ext}.br"),
            format!("/a/b.{ext}.gz"),
        ] {
            let types = type_of(&url);
            assert_eq!(types.len(), 1, "{url}: {types:?}");
            assert!(types[0].starts_with(mime), "{url}: {types:?}");
        }
    }
    let immutable = outbound
        .all("rule")
        .into_iter()
        .find(|r| r.child("match").attr("serverVariable") == Some("RESPONSE_Cache_Control"))
        .expect("a Cache-Control rule");
    assert_eq!(
        immutable.child("action").attr("value"),
        Some("public, max-age=31536000, immutable")
    );
    let year = |uri: &str| {
        immutable
            .child("conditions")
            .all("add")
            .iter()
            .any(|c| matches(c.attr("pattern").unwrap(), uri))
    };
    for uri in [
        "/anh/2024/a.jpg",
        "/tim-kiem/i/w/0.Ab3_.bin",
        "/style.0123456789.css",
        "/app.abcdef0123.js",
    ] {
        assert!(year(uri), "{uri} should be cached for a year");
    }
    for uri in ["/", "/index.html", "/style.css", "/nam/2024/"] {
        assert!(!year(uri), "{uri} should not be cached for a year");
    }
}
