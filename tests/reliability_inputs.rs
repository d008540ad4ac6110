//! Hostile input, part 2: whole builds of extreme files, each run by the `dvk` binary with a
//! time limit and its peak memory measured (wait4's ru_maxrss, what `/usr/bin/time -f %M`
//! prints). Deep nesting, 1 MB bodies (the limit), a 100,000-item YAML list, YAML alias bombs, invalid
//! UTF-8, a BOM, CRLF line ends: each gives a clear error at the right place, or the right
//! output, in bounded time and memory. Figures go to RELIABILITY.md.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod reliability_support;

use reliability_support::*;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// Front matter of a valid model, to which a case adds keys or a body.
const HEAD: &str = "---\ntitle: \"Mô hình thử\"\nyear: 2024\nprovince: \"Bến Tre\"\ndistrict: \"Châu Thành\"\nfield: \"Kinh tế\"\nhost: \"Hội Nông dân\"\nslug: thu\n";

/// Memory any case may use: generous, far below what the quadratic and explosive cases took.
const MAX_RSS_MB: u64 = 1200;

struct Case {
    name: &'static str,
    /// Seconds allowed in a release build (debug builds get more).
    secs: u64,
    write: fn(&Path),
    check: fn(&Path, &Run),
}

fn md(site: &Path, text: impl AsRef<[u8]>) {
    write(&site.join("content/models/thu.md"), text);
}

fn errors(r: &Run) -> Vec<&str> {
    r.stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect()
}

fn expect_error(r: &Run, at: &str, message: &str) {
    assert_eq!(r.code, Some(1), "{}", r.describe());
    let errs = errors(r);
    assert!(
        errs.iter()
            .any(|e| e.starts_with(at) && e.contains(message)),
        "want an error at {at} saying {message:?}, got {:?}",
        errs.iter().take(5).collect::<Vec<_>>()
    );
}

fn page(site: &Path) -> String {
    fs::read_to_string(site.join("public/mo-hinh/thu/index.html")).unwrap()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "100,000 nested block quotes (`>`)",
            secs: 10,
            write: |s| md(s, format!("{HEAD}---\n\n{} sâu\n", ">".repeat(100_000))),
            check: |_, r| {
                expect_error(
                    r,
                    "content/models/thu.md:11:",
                    "nested more than 128 levels",
                )
            },
        },
        Case {
            name: "80,000 nested <div> in a body",
            secs: 10,
            write: |s| {
                md(
                    s,
                    format!(
                        "{HEAD}---\n\n{}x{}\n",
                        "<div>".repeat(80_000),
                        "</div>".repeat(80_000)
                    ),
                )
            },
            check: |_, r| {
                expect_error(
                    r,
                    "content/models/thu.md:11:",
                    "nested more than 128 levels",
                )
            },
        },
        Case {
            name: "lists nested 600 deep (0.4 MB)",
            secs: 20,
            write: |s| {
                let mut t = format!("{HEAD}---\n\n");
                for i in 0..600 {
                    let _ = writeln!(t, "{}- mục {i}", "  ".repeat(i));
                }
                md(s, t)
            },
            check: |_, r| expect_error(r, "content/models/thu.md:", "nested more than 128 levels"),
        },
        Case {
            name: "100,000 unclosed links `[a](`",
            secs: 20,
            write: |s| md(s, format!("{HEAD}---\n\n{}\n", "[a](".repeat(100_000))),
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                assert!(page(s).contains("[a]("));
            },
        },
        Case {
            name: "emphasis 50,000 deep (`*` × 100,000, x, `*` × 100,000)",
            secs: 20,
            write: |s| {
                md(
                    s,
                    format!(
                        "{HEAD}---\n\n{}x{}\n",
                        "*".repeat(100_000),
                        "*".repeat(100_000)
                    ),
                )
            },
            check: |_, r| {
                expect_error(
                    r,
                    "content/models/thu.md:11:",
                    "nested more than 128 levels",
                )
            },
        },
        Case {
            name: "1 MB body of prose (the limit is 1 MiB)",
            secs: 30,
            write: |s| {
                let para = "Mô hình dân vận khéo ở xã Phú Túc vận động nhân dân hiến đất, mở rộng đường giao thông nông thôn. ".repeat(20);
                let n = 1_000_000 / (para.len() + 2);
                let mut t = format!("{HEAD}---\n\n");
                for i in 0..n {
                    let _ = write!(t, "{para}{i}\n\n");
                }
                t.push_str("Đoạn cuối cùng.\n");
                md(s, t)
            },
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                assert!(page(s).contains("<p>Đoạn cuối cùng.</p>"));
            },
        },
        Case {
            name: "1 MB body of 160 code blocks",
            secs: 60,
            write: |s| {
                let block = format!(
                    "```rust\n{}```\n\n",
                    "fn main() { let x = \"<b>đậm</b>\"; println!(\"{x}\"); }\n".repeat(100)
                );
                md(s, format!("{HEAD}---\n\n{}Hết.\n", block.repeat(160)))
            },
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                let p = page(s);
                // Highlighted up to the budget (256 KB of source), plain after it.
                assert_eq!(p.matches("<pre").count(), 160);
                let highlighted = p.matches("<pre class=\"code\"").count();
                assert!(
                    (30..=60).contains(&highlighted),
                    "{highlighted} blocks highlighted"
                );
                assert!(p.len() < 40_000_000, "a {} MB page", p.len() / 1_000_000);
                assert!(
                    !p.contains("dvk-code-"),
                    "a code block placeholder was left in the page"
                );
                assert!(!p.contains("<b>đậm</b>"), "code was not escaped");
            },
        },
        Case {
            name: "20,000 headings with the same text",
            secs: 20,
            write: |s| {
                md(
                    s,
                    format!("{HEAD}---\n\n{}", "## Kết quả\n\nĐoạn.\n\n".repeat(20_000)),
                )
            },
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                let p = page(s);
                assert!(
                    p.contains("id=\"ket-qua\"")
                        && p.contains("id=\"ket-qua-20000\"")
                        && !p.contains("id=\"ket-qua-20001\"")
                );
            },
        },
        Case {
            name: "1 MB of decomposed (NFD) Vietnamese",
            secs: 30,
            write: |s| {
                use unicode_normalization::UnicodeNormalization;
                let para: String = "Người dân hiến đất, góp công xây dựng nông thôn mới. "
                    .repeat(40)
                    .nfd()
                    .collect();
                let n = 1_000_000 / (para.len() + 2);
                md(
                    s,
                    format!("{HEAD}---\n\n{}", format!("{para}\n\n").repeat(n)),
                )
            },
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                assert!(
                    page(s).contains("Người dân hiến đất"),
                    "the text should be NFC in the page"
                );
            },
        },
        Case {
            name: "a 200,000-item `tags` list (3 MB, under the 4 MiB file limit)",
            secs: 120,
            write: |s| {
                let mut t = format!("{HEAD}tags:\n");
                for i in 0..200_000 {
                    let _ = writeln!(t, "  - thẻ {i}");
                }
                md(s, format!("{t}---\n\nNội dung.\n"))
            },
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                assert!(page(s).contains("thẻ 199999"));
            },
        },
        Case {
            name: "a 100,000-item YAML models list (1.7 MB), every item wrong",
            secs: 120,
            write: |s| {
                let mut t = String::new();
                for i in 0..100_000 {
                    let _ = writeln!(t, "- mô hình {i}");
                }
                write(&s.join("content/models/danh-sach.yaml"), t);
                md(s, format!("{HEAD}---\n\nx\n"));
            },
            check: |_, r| {
                assert_eq!(r.code, Some(1), "{}", r.describe());
                let errs = errors(r);
                assert_eq!(errs.len(), 100_000, "one error per item");
                assert!(
                    errs[0].starts_with("content/models/danh-sach.yaml:1:3: error:"),
                    "{}",
                    errs[0]
                );
                assert!(
                    errs[99_999].starts_with("content/models/danh-sach.yaml:100000:3: error:"),
                    "{}",
                    errs[99_999]
                );
            },
        },
        Case {
            name: "a 4,000-model YAML list file (valid)",
            secs: 60,
            write: |s| {
                let mut t = String::new();
                for i in 0..4000 {
                    let _ = writeln!(t, "- {{ title: \"Mô hình {i}\", year: 2023, province: \"Lâm Đồng\", district: \"Lâm Hà\", field: kinh te, host: \"Hội\" }}");
                }
                write(&s.join("content/models/danh-sach.yaml"), t);
                md(s, format!("{HEAD}---\n\nx\n"));
            },
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                assert!(s.join("public/mo-hinh/mo-hinh-3999/index.html").exists());
            },
        },
        Case {
            name: "100,000 unknown keys in one front matter",
            secs: 60,
            write: |s| {
                let mut t = HEAD.to_string();
                for i in 0..100_000 {
                    let _ = writeln!(t, "khoa{i}: x");
                }
                md(s, format!("{t}---\n\nx\n"))
            },
            check: |_, r| {
                assert_eq!(r.code, Some(1), "{}", r.describe());
                let errs = errors(r);
                assert_eq!(errs.len(), 100_000);
                assert!(
                    errs.iter().any(|e| e.starts_with(
                        "content/models/thu.md:100008:1: error: unknown key `khoa99999`"
                    )),
                    "{:?}",
                    errs.last()
                );
            },
        },
        Case {
            name: "YAML alias bomb (15 KB expanding to 9 million items)",
            secs: 10,
            write: |s| {
                let items = vec!["x"; 3000].join(",");
                let aliases = vec!["*a"; 3000].join(",");
                md(
                    s,
                    format!("{HEAD}tags: &a [{items}]\nsummary: [{aliases}]\n---\n\nx\n"),
                )
            },
            check: |_, r| {
                expect_error(
                    r,
                    "content/models/thu.md:10:",
                    "aliases (`*name`) here repeat content too many times",
                )
            },
        },
        Case {
            name: "YAML nested 100,000 deep (`[[[…`)",
            secs: 10,
            write: |s| {
                md(
                    s,
                    format!(
                        "{HEAD}tags: {}{}\n---\n\nx\n",
                        "[".repeat(100_000),
                        "]".repeat(100_000)
                    ),
                )
            },
            check: |_, r| expect_error(r, "content/models/thu.md:9:", "nested more than 64 levels"),
        },
        Case {
            name: "invalid UTF-8 in the body",
            secs: 10,
            write: |s| {
                let mut b = format!("{HEAD}---\n\nDòng một.\nHai ").into_bytes();
                b.extend_from_slice(&[0xff, 0xfe]);
                b.extend_from_slice(" tiếp.\n".as_bytes());
                md(s, b)
            },
            check: |_, r| expect_error(r, "content/models/thu.md:12:5:", "not UTF-8"),
        },
        Case {
            name: "a byte-order mark",
            secs: 10,
            write: |s| md(s, format!("\u{feff}{HEAD}---\n\nCó BOM.\n")),
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                assert!(page(s).contains("<title>Mô hình thử ·"));
                assert!(!fs::read_to_string(s.join("public/du-lieu/mo-hinh.json"))
                    .unwrap()
                    .contains('\u{feff}'));
            },
        },
        Case {
            name: "CRLF line ends, with an error at line 9",
            secs: 10,
            write: |s| {
                md(
                    s,
                    format!("{HEAD}yaer: 2024\n---\n\nDòng *một*.\nDòng hai.\n")
                        .replace('\n', "\r\n"),
                )
            },
            check: |_, r| {
                expect_error(
                    r,
                    "content/models/thu.md:9:1:",
                    "unknown key `yaer`. Did you mean `year`?",
                )
            },
        },
        Case {
            name: "CRLF line ends (valid)",
            secs: 10,
            write: |s| {
                md(
                    s,
                    format!("{HEAD}---\n\nDòng *một*.\nDòng hai.\n\n## Mục\n")
                        .replace('\n', "\r\n"),
                )
            },
            check: |s, r| {
                assert!(r.ok(), "{}", r.describe());
                let p = page(s);
                assert!(p.contains("Dòng <em>một</em>.") && p.contains("<h2 id=\"muc\">Mục</h2>"));
                assert!(!p.contains('\r'), "a carriage return reached the page");
            },
        },
        Case {
            name: "a 65 MB file",
            secs: 10,
            write: |s| md(s, format!("{HEAD}---\n\n{}", "x".repeat(65 * 1024 * 1024))),
            check: |_, r| expect_error(r, "content/models/thu.md:1:1:", "over the 4 MB limit"),
        },
    ]
}

#[test]
fn extreme_files_give_clear_errors_or_correct_output_in_bounded_time_and_memory() {
    // The checks read the English messages; this is the file's only test, so the variable is
    // set before any thread or child process starts.
    std::env::set_var("DVK_LANG", "en");
    let only = std::env::var("DVK_INPUT_CASE").ok();
    let mut table = Vec::new();
    for case in cases() {
        if only.as_deref().is_some_and(|o| !case.name.contains(o)) {
            continue;
        }
        let site = empty_site();
        (case.write)(site.path());
        let r = build(site.path(), &[], limit(case.secs));
        assert!(
            !r.timed_out,
            "{}: no answer within {} s (killed)",
            case.name,
            limit(case.secs).as_secs()
        );
        assert!(
            r.signal.is_none() && !r.stderr.contains("panicked"),
            "{}: crashed: {}",
            case.name,
            r.describe()
        );
        (case.check)(site.path(), &r);
        let mb = r.max_rss_kb / 1024;
        assert!(mb <= MAX_RSS_MB, "{}: {mb} MB peak memory", case.name);
        let outcome = match errors(&r).first() {
            Some(e) => format!(
                "exit {}: {}",
                r.code.unwrap_or(-1),
                e.replace("content/models/", "")
                    .chars()
                    .take(110)
                    .collect::<String>()
            ),
            None => "built".to_string(),
        };
        table.push(format!(
            "| {} | {outcome} | {:.2} s | {mb} MB |",
            case.name,
            r.elapsed.as_secs_f64()
        ));
    }
    println!(
        "| input | outcome | time | peak RSS |\n|---|---|---|---|\n{}",
        table.join("\n")
    );
}
