//! syntect's syntax set costs tens of milliseconds and megabytes: a site without fenced code
//! must never load it, and a site with code must highlight it. (Own test binary: the check
//! reads a process-wide flag.)

mod common;
use common::{model, Fixture};

#[test]
fn syntect_loads_only_for_sites_with_code_blocks() {
    let plain = Fixture::new(None);
    plain.write(
        "content/models/a.md",
        &model(
            "Không có mã",
            2020,
            "Bến Tre",
            None,
            "Kinh tế",
            "",
            "Chỉ có chữ.\n\n    thụt lề, không có ngôn ngữ",
        ),
    );
    let report = dvk::build(&dvk::BuildOptions::new(plain.root())).expect("build");
    assert_eq!(report.models, 1);
    assert!(
        !dvk::content::markdown::syntect_loaded(),
        "syntect was loaded for a site without fenced code"
    );

    let code = Fixture::new(None);
    code.write(
        "content/models/a.md",
        &model(
            "Có mã",
            2020,
            "Bến Tre",
            None,
            "Kinh tế",
            "",
            "```yaml\nyear: 2024\n```",
        ),
    );
    dvk::build(&dvk::BuildOptions::new(code.root())).expect("build");
    assert!(dvk::content::markdown::syntect_loaded());
    let html = code.read("mo-hinh/co-ma/index.html");
    assert!(html.contains("hl-"), "highlighted spans");
    assert!(
        html.contains("code.css"),
        "the page links the code stylesheet"
    );
    assert!(code.exists("code.css"));
}
