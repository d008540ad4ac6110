//! A small writer of Word files (Office Open XML, `.docx`) for the yearly report: the blocks
//! of an official document (the issuing body and the national or Party heading side by side,
//! the number and date line, the title, numbered sections with paragraphs and tables, "Nơi
//! nhận:" beside the signature), on A4 with the layout's margins, in Times New Roman.
//!
//! Only what a report needs is written: `[Content_Types].xml`, the package and document
//! relationships, `word/styles.xml` (the default font and size), `word/document.xml` and
//! `docProps/core.xml` (the title). The zip entries carry a fixed date, so the same report gives
//! the same bytes (an unchanged site keeps its files).

use std::fmt::Write as _;
use std::io::{self, Write};

/// Font size of body text, in half-points (14 pt, as Hướng dẫn 36 and Nghị định 30 allow 13–14).
pub const BODY_HALF_POINTS: u32 = 28;

/// Page margins in millimetres: top, bottom, left, right (both layouts: 20–25, 20–25, 30–35,
/// 15–20).
pub const MARGINS_MM: [u32; 4] = [20, 20, 30, 15];

/// One block of the report's content.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A section heading ("I. TỔNG HỢP CHUNG").
    Heading(String),
    /// A justified paragraph, first line indented.
    Para(String),
    /// A bold line (a model's name in a list).
    Strong(String),
    /// A table: the header row, then the rows; the last row is bold when `total_row`.
    Table {
        /// Column headings.
        head: Vec<String>,
        /// The rows.
        rows: Vec<Vec<String>>,
        /// The last row is a total.
        total_row: bool,
    },
}

/// A report to write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// True for the state layout (Nghị định 30/2020/NĐ-CP), false for the Party's (Hướng dẫn 36).
    pub state_layout: bool,
    /// The body above the issuing one ("TỈNH ỦY BẾN TRE"), in capitals.
    pub parent: String,
    /// The issuing body ("BAN DÂN VẬN"), in capitals.
    pub name: String,
    /// "Số 125-BC/BDVTU" or the blank line for the office.
    pub number_line: String,
    /// "Bến Tre, ngày 30 tháng 12 năm 2024".
    pub date_line: String,
    /// "BÁO CÁO".
    pub title: String,
    /// What it reports on.
    pub subject: String,
    /// The content.
    pub blocks: Vec<Block>,
    /// "Nơi nhận:" lines, as printed ("- Lưu VP.").
    pub recipients: Vec<String>,
    /// "T/M BAN DÂN VẬN", may be empty.
    pub on_behalf: String,
    /// "TRƯỞNG BAN".
    pub signer_title: String,
    /// The signer's name.
    pub signer_name: String,
}

/// The text with `&`, `<`, `>` and quotes escaped for XML, and characters XML forbids dropped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`xml_escape`] onto the end of `out`: the text between the characters it changes is
/// copied a run at a time (a year's report is thousands of paragraphs).
fn escape_into(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let (skip, with) = match b[i] {
            b'&' => (1, "&amp;"),
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'"' => (1, "&quot;"),
            b'\'' => (1, "&apos;"),
            b'\t' | b'\n' | b'\r' => (1, " "),
            c if c < 0x20 => (1, ""),
            // U+FFFE and U+FFFF (EF BF BE, EF BF BF), which XML forbids too.
            0xEF if matches!(b.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => (3, ""),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        out.push_str(with);
        i += skip;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// Run properties.
#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    underline: bool,
    /// Half-points; 0 for the default.
    size: u32,
}

const B: Style = Style {
    bold: true,
    italic: false,
    underline: false,
    size: 0,
};

fn run(out: &mut String, text: &str, st: Style) {
    out.push_str("<w:r>");
    if st.bold || st.italic || st.underline || st.size > 0 {
        out.push_str("<w:rPr>");
        if st.bold {
            out.push_str("<w:b/>");
        }
        if st.italic {
            out.push_str("<w:i/>");
        }
        if st.underline {
            out.push_str("<w:u w:val=\"single\"/>");
        }
        if st.size > 0 {
            let _ = write!(out, "<w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/>", st.size);
        }
        out.push_str("</w:rPr>");
    }
    out.push_str("<w:t xml:space=\"preserve\">");
    escape_into(out, text);
    out.push_str("</w:t></w:r>");
}

/// A paragraph of one run: `align` is `left`, `center`, `right` or `both`.
fn para(out: &mut String, text: &str, st: Style, align: &str, indent_first: bool) {
    let _ = write!(
        out,
        "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"60\"/>{}<w:jc w:val=\"{align}\"/></w:pPr>",
        if indent_first {
            "<w:ind w:firstLine=\"567\"/>"
        } else {
            ""
        }
    );
    if !text.is_empty() {
        run(out, text, st);
    }
    out.push_str("</w:p>");
}

/// A table cell holding paragraphs already written.
fn cell(out: &mut String, width: u32, inner: &str) {
    let _ = write!(
        out,
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>",
        if inner.is_empty() { "<w:p/>" } else { inner }
    );
}

/// A table of `widths` (twentieths of a point) with or without borders.
fn table_start(out: &mut String, widths: &[u32], borders: bool) {
    out.push_str("<w:tbl><w:tblPr>");
    let total: u32 = widths.iter().sum();
    let _ = write!(out, "<w:tblW w:w=\"{total}\" w:type=\"dxa\"/>");
    if borders {
        out.push_str("<w:tblBorders>");
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            let _ = write!(
                out,
                "<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
            );
        }
        out.push_str("</w:tblBorders>");
    }
    out.push_str("<w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>");
    for w in widths {
        let _ = write!(out, "<w:gridCol w:w=\"{w}\"/>");
    }
    out.push_str("</w:tblGrid>");
}

/// Twips (1/1440 inch) in `mm` millimetres.
fn twips(mm: u32) -> u32 {
    (mm as f64 * 1440.0 / 25.4).round() as u32
}

/// `word/document.xml` of the report.
pub fn document_xml(r: &Report) -> String {
    let mut x = String::with_capacity(64 * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
    // Text width: A4 (210 mm) less the left and right margins.
    let text_width = twips(210 - MARGINS_MM[2] - MARGINS_MM[3]);
    let left = text_width * 2 / 5;
    let right = text_width - left;
    // The heading: issuing body | national or Party heading; number | place and date.
    table_start(&mut x, &[left, right], false);
    x.push_str("<w:tr>");
    let mut l = String::new();
    let small = Style {
        size: 26,
        ..Style::default()
    };
    if !r.parent.is_empty() {
        para(&mut l, &r.parent, small, "center", false);
    }
    para(
        &mut l,
        &r.name,
        Style {
            bold: true,
            underline: r.state_layout,
            size: 26,
            ..Style::default()
        },
        "center",
        false,
    );
    if !r.state_layout {
        para(&mut l, "*", small, "center", false);
    }
    para(&mut l, &r.number_line, small, "center", false);
    cell(&mut x, left, &l);
    let mut rc = String::new();
    if r.state_layout {
        para(
            &mut rc,
            super::report::STATE,
            Style {
                bold: true,
                size: 24,
                ..Style::default()
            },
            "center",
            false,
        );
        para(
            &mut rc,
            super::report::MOTTO,
            Style {
                bold: true,
                underline: true,
                size: 26,
                ..Style::default()
            },
            "center",
            false,
        );
    } else {
        para(
            &mut rc,
            super::report::PARTY,
            Style {
                bold: true,
                underline: true,
                size: 28,
                ..Style::default()
            },
            "center",
            false,
        );
    }
    para(&mut rc, "", Style::default(), "center", false);
    para(
        &mut rc,
        &r.date_line,
        Style {
            italic: true,
            size: 26,
            ..Style::default()
        },
        "center",
        false,
    );
    cell(&mut x, right, &rc);
    x.push_str("</w:tr></w:tbl>");
    para(&mut x, "", Style::default(), "center", false);
    para(
        &mut x,
        &r.title,
        Style {
            bold: true,
            size: 32,
            ..Style::default()
        },
        "center",
        false,
    );
    para(&mut x, &r.subject, B, "center", false);
    para(&mut x, "-----", Style::default(), "center", false);
    for b in &r.blocks {
        match b {
            Block::Heading(h) => para(&mut x, h, B, "left", true),
            Block::Para(p) => para(&mut x, p, Style::default(), "both", true),
            Block::Strong(p) => para(&mut x, p, B, "both", true),
            Block::Table {
                head,
                rows,
                total_row,
            } => {
                let n = head.len().max(1) as u32;
                // The first column (names) takes what the number columns leave.
                let narrow = (text_width / (n + 2)).min(1400);
                let first = text_width - narrow * (n - 1);
                let widths: Vec<u32> = (0..n)
                    .map(|i| if i == 0 { first } else { narrow })
                    .collect();
                table_start(&mut x, &widths, true);
                let cell_style = Style {
                    size: 26,
                    ..Style::default()
                };
                for (ri, row) in std::iter::once(head).chain(rows.iter()).enumerate() {
                    x.push_str("<w:tr>");
                    let strong = ri == 0 || (*total_row && ri == rows.len());
                    for (ci, text) in row.iter().enumerate() {
                        let mut c = String::new();
                        let st = Style {
                            bold: strong,
                            ..cell_style
                        };
                        para(
                            &mut c,
                            text,
                            st,
                            if ci == 0 { "left" } else { "center" },
                            false,
                        );
                        cell(&mut x, widths[ci.min(widths.len() - 1)], &c);
                    }
                    x.push_str("</w:tr>");
                }
                x.push_str("</w:tbl>");
                para(&mut x, "", Style::default(), "left", false);
            }
        }
    }
    para(&mut x, "", Style::default(), "left", false);
    // "Nơi nhận:" | the signature.
    let half = text_width / 2;
    table_start(&mut x, &[half, text_width - half], false);
    x.push_str("<w:tr>");
    let mut l = String::new();
    para(
        &mut l,
        "Nơi nhận:",
        Style {
            bold: true,
            italic: true,
            size: 24,
            ..Style::default()
        },
        "left",
        false,
    );
    for line in &r.recipients {
        para(
            &mut l,
            line,
            Style {
                size: 22,
                ..Style::default()
            },
            "left",
            false,
        );
    }
    cell(&mut x, half, &l);
    let mut s = String::new();
    if !r.on_behalf.is_empty() {
        para(&mut s, &r.on_behalf, B, "center", false);
    }
    para(&mut s, &r.signer_title, B, "center", false);
    for _ in 0..4 {
        para(&mut s, "", Style::default(), "center", false);
    }
    para(&mut s, &r.signer_name, B, "center", false);
    cell(&mut x, text_width - half, &s);
    x.push_str("</w:tr></w:tbl>");
    let [top, bottom, left_mm, right_mm] = MARGINS_MM;
    let _ = write!(
        x,
        "<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"{}\" w:right=\"{}\" w:bottom=\"{}\" w:left=\"{}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>",
        twips(top),
        twips(right_mm),
        twips(bottom),
        twips(left_mm)
    );
    x
}

/// `word/styles.xml`: Times New Roman at [`BODY_HALF_POINTS`] for everything.
pub fn styles_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/><w:sz w:val=\"{0}\"/><w:szCs w:val=\"{0}\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"60\" w:line=\"276\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style></w:styles>",
        BODY_HALF_POINTS
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";

fn core_xml(r: &Report) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>vi-VN</dc:language></cp:coreProperties>",
        xml_escape(&format!("{} {}", r.title, r.subject)),
        xml_escape(&r.name)
    )
}

/// The `.docx` file of the report.
pub fn write(r: &Report) -> io::Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(io::Cursor::new(Vec::with_capacity(32 * 1024)));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // The fastest level: a yearly report's XML still shrinks about fivefold, and a
        // build makes one report per year.
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default());
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", PACKAGE_RELS.to_string()),
        ("docProps/core.xml", core_xml(r)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", styles_xml()),
        ("word/document.xml", document_xml(r)),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).map_err(io::Error::other)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish().map_err(io::Error::other)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Report {
        Report {
            parent: "TỈNH ỦY BẾN TRE".into(),
            name: "BAN DÂN VẬN".into(),
            number_line: "Số 125-BC/BDVTU".into(),
            date_line: "Bến Tre, ngày 30 tháng 12 năm 2024".into(),
            title: "BÁO CÁO".into(),
            subject: "Kết quả phong trào thi đua “Dân vận khéo” năm 2024".into(),
            blocks: vec![
                Block::Heading("I. TỔNG HỢP CHUNG".into()),
                Block::Para("Năm 2024 có 3 mô hình <mới> & tốt.".into()),
                Block::Table {
                    head: vec!["Lĩnh vực".into(), "Số mô hình".into()],
                    rows: vec![
                        vec!["Kinh tế".into(), "2".into()],
                        vec!["Tổng".into(), "2".into()],
                    ],
                    total_row: true,
                },
            ],
            recipients: super::super::report::recipient_lines(&[
                "Ban Dân vận Trung ương (b/c),".into(),
                "Lưu VP".into(),
            ]),
            on_behalf: "T/M BAN DÂN VẬN".into(),
            signer_title: "TRƯỞNG BAN".into(),
            signer_name: "Nguyễn Văn A".into(),
            ..Report::default()
        }
    }

    #[test]
    fn the_document_has_every_block_escaped_and_the_layouts_heading() {
        let r = sample();
        let x = document_xml(&r);
        for want in [
            "TỈNH ỦY BẾN TRE",
            "BAN DÂN VẬN",
            ">*<",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "Số 125-BC/BDVTU",
            "Bến Tre, ngày 30 tháng 12 năm 2024",
            "BÁO CÁO",
            "&lt;mới&gt; &amp; tốt",
            "Nơi nhận:",
            "- Ban Dân vận Trung ương (b/c),",
            "- Lưu VP.",
            "T/M BAN DÂN VẬN",
            "TRƯỞNG BAN",
            "Nguyễn Văn A",
            "w:pgSz w:w=\"11906\" w:h=\"16838\"",
            "w:left=\"1701\"",
        ] {
            assert!(x.contains(want), "missing {want}");
        }
        assert!(!x.contains("CỘNG HÒA"));
        let state = document_xml(&Report {
            state_layout: true,
            ..r
        });
        assert!(state.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
        assert!(state.contains("Độc lập - Tự do - Hạnh phúc"));
        assert!(!state.contains("ĐẢNG CỘNG SẢN"));
    }

    #[test]
    fn the_file_is_a_zip_with_the_parts_word_needs_and_is_the_same_each_time() {
        let bytes = write(&sample()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        assert_eq!(bytes, write(&sample()).unwrap());
        let mut z = zip::ZipArchive::new(io::Cursor::new(bytes)).unwrap();
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "word/document.xml",
            "word/styles.xml",
            "word/_rels/document.xml.rels",
        ] {
            assert!(z.by_name(part).is_ok(), "{part}");
        }
        let mut styles = String::new();
        io::Read::read_to_string(&mut z.by_name("word/styles.xml").unwrap(), &mut styles).unwrap();
        assert!(styles.contains("Times New Roman") && styles.contains("w:sz w:val=\"28\""));
    }

    #[test]
    fn control_characters_cannot_break_the_xml() {
        assert_eq!(xml_escape("a\u{1}b\u{FFFF}c\"'"), "abc&quot;&apos;");
        assert_eq!(
            xml_escape("Hà\tNội <1> & \u{FFFE}\u{FFFD}\u{EFFF}'"),
            "Hà Nội &lt;1&gt; &amp; \u{FFFD}\u{EFFF}&apos;"
        );
    }
}
