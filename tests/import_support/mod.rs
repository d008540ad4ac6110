//! Real-shaped files for the `dvk import` tests, made by the tests themselves: the Excel
//! list attached to a recognition decision (title rows, merged two-row header, column
//! numbers, group rows, abbreviations, totals, signature block) with rust_xlsxwriter; the
//! same shapes as OpenDocument and CSV; Word write-ups written as their zip of XML parts.
#![allow(dead_code)]

use rust_xlsxwriter::{Format, Workbook};
use std::io::Write;

/// One data row of a list: STT, title, host, commune, district, field, level, note.
pub type Row<'a> = [&'a str; 8];

/// The rows of the decision list (real shapes: places with and without unit words,
/// abbreviations, a row without host and one with an unknown field).
pub const ROWS: &[(&str, &[Row])] = &[
    (
        "I. LĨNH VỰC KINH TẾ (2 mô hình)",
        &[
            [
                "1",
                "Nuôi heo đất giúp hội viên nghèo",
                "Hội Liên hiệp Phụ nữ xã Phú Túc",
                "Phú Túc",
                "Châu Thành",
                "",
                "Tỉnh",
                "Điển hình",
            ],
            [
                "2",
                "“Vận động Nhân dân hiến đất làm đường giao thông nông thôn”",
                "Hội Nông dân xã Tân Hào",
                "xã Tân Hào",
                "huyện Giồng Trôm",
                "KT",
                "Cấp tỉnh",
                "",
            ],
        ],
    ),
    (
        "II. LĨNH VỰC VĂN HÓA - XÃ HỘI",
        &[
            [
                "3",
                "Mô hình 1+1 vận động người dân tham gia bảo hiểm xã hội tự nguyện",
                "Hội Liên hiệp Phụ nữ huyện Mỏ Cày Nam",
                "",
                "Mỏ Cày Nam",
                "VH-XH",
                "Tỉnh",
                "",
            ],
            [
                "4",
                "Hướng dẫn người dân dùng dịch vụ công trực tuyến",
                "Ủy ban nhân dân Phường 7",
                "Phường 7",
                "Thành phố Bến Tre",
                "VHXH",
                "Tỉnh",
                "",
            ],
        ],
    ),
    (
        "III. LĨNH VỰC QUỐC PHÒNG - AN NINH",
        &[[
            "5",
            "Tổ tự quản an ninh trật tự ấp văn hóa",
            "Công an huyện Ba Tri",
            "",
            "Huyện Ba Tri",
            "QP-AN",
            "Huyện",
            "",
        ]],
    ),
    (
        "IV. LĨNH VỰC XÂY DỰNG HỆ THỐNG CHÍNH TRỊ",
        &[
            [
                "6",
                "Chi bộ ấp gắn bó với dân",
                "Đảng ủy xã An Thạnh",
                "An Thạnh",
                "Thạnh Phú",
                "XDHTCT",
                "Tỉnh",
                "",
            ],
            [
                "7",
                "Mô hình chưa ghi đơn vị",
                "",
                "An Thạnh",
                "Thạnh Phú",
                "XDHTCT",
                "Tỉnh",
                "",
            ],
            [
                "8",
                "Câu lạc bộ bóng đá thiếu niên",
                "Đoàn xã An Thạnh",
                "An Thạnh",
                "Thạnh Phú",
                "Thể thao",
                "Tỉnh",
                "",
            ],
        ],
    ),
];

/// The decision list as .xlsx bytes: sheet "Danh sách", rows as Excel numbers them:
/// titles 1-5, header 7-8, column numbers 9, groups and data from 10, a totals row,
/// the signature block with names in the title column.
pub fn decision_xlsx() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách").unwrap();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 2, "TỈNH ỦY BẾN TRE", &f).unwrap();
    ws.merge_range(0, 4, 0, 7, "ĐẢNG CỘNG SẢN VIỆT NAM", &f)
        .unwrap();
    ws.merge_range(1, 0, 1, 2, "BAN DÂN VẬN", &f).unwrap();
    ws.merge_range(1, 4, 1, 7, "Bến Tre, ngày 30 tháng 12 năm 2024", &f)
        .unwrap();
    ws.merge_range(
        3,
        0,
        3,
        7,
        "DANH SÁCH MÔ HÌNH \"DÂN VẬN KHÉO\" CẤP TỈNH NĂM 2024",
        &f,
    )
    .unwrap();
    ws.merge_range(
        4,
        0,
        4,
        7,
        "(Kèm theo Quyết định số 123-QĐ/BDVTU ngày 30/12/2024 của Ban Dân vận Tỉnh ủy)",
        &f,
    )
    .unwrap();
    // Header: single headings merged over rows 7-8, "Địa bàn" over "Xã…" and "Huyện…".
    for (c, h) in [
        (0u16, "STT"),
        (1, "Tên mô hình"),
        (2, "Đơn vị thực hiện"),
        (5, "Lĩnh vực"),
        (6, "Cấp công nhận"),
        (7, "Ghi chú"),
    ] {
        ws.merge_range(6, c, 7, c, h, &f).unwrap();
    }
    ws.merge_range(6, 3, 6, 4, "Địa bàn", &f).unwrap();
    ws.write_string(7, 3, "Xã, phường, thị trấn").unwrap();
    ws.write_string(7, 4, "Huyện, thành phố").unwrap();
    for c in 0..8u16 {
        ws.write_string(8, c, format!("({})", c + 1)).unwrap();
    }
    let mut r = 9u32;
    for (group, rows) in ROWS {
        ws.merge_range(r, 0, r, 7, group, &f).unwrap();
        r += 1;
        for row in *rows {
            for (c, v) in row.iter().enumerate() {
                if c == 0 {
                    ws.write_number(r, 0, v.parse::<f64>().unwrap()).unwrap();
                } else if !v.is_empty() {
                    ws.write_string(r, c as u16, *v).unwrap();
                }
            }
            r += 1;
        }
    }
    ws.merge_range(r, 0, r, 4, "Tổng cộng: 8 mô hình", &f)
        .unwrap();
    r += 2;
    ws.write_string(r, 1, "NGƯỜI LẬP BIỂU").unwrap();
    ws.write_string(r, 5, "T/M BAN THƯỜNG VỤ").unwrap();
    ws.write_string(r + 1, 5, "TRƯỞNG BAN").unwrap();
    ws.write_string(r + 4, 1, "Nguyễn Văn An").unwrap();
    ws.write_string(r + 4, 5, "Trần Thị Bình").unwrap();
    wb.save_to_buffer().unwrap()
}

/// A zip of (name, bytes) parts, stored.
pub fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in parts {
            z.start_file(*name, opts).unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
    }
    buf.into_inner()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An .ods spreadsheet with one sheet of rows (each cell text; "" is an empty cell).
pub fn ods(sheet: &str, rows: &[Vec<&str>]) -> Vec<u8> {
    let mut body = String::new();
    for row in rows {
        body.push_str("<table:table-row>");
        for cell in row {
            if cell.is_empty() {
                body.push_str("<table:table-cell/>");
            } else if let Ok(n) = cell.parse::<i64>() {
                body.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"
                ));
            } else {
                body.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                    xml_escape(cell)
                ));
            }
        }
        body.push_str("</table:table-row>");
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="{}">{body}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        xml_escape(sheet)
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("META-INF/manifest.xml", manifest.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

/// A 1×1 PNG.
pub const PNG_1X1: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0,
    0, 0, 144, 119, 83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 0, 3, 1,
    1, 0, 201, 254, 146, 239, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

/// A paragraph: optional style, then runs of (text, bold, italic).
pub fn p(style: Option<&str>, runs: &[(&str, bool, bool)]) -> String {
    let ppr = style
        .map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"))
        .unwrap_or_default();
    let mut out = format!("<w:p>{ppr}");
    for (t, b, i) in runs {
        out.push_str("<w:r>");
        if *b || *i {
            out.push_str("<w:rPr>");
            if *b {
                out.push_str("<w:b/>");
            }
            if *i {
                out.push_str("<w:i/>");
            }
            out.push_str("</w:rPr>");
        }
        out.push_str(&format!(
            "<w:t xml:space=\"preserve\">{}</w:t></w:r>",
            xml_escape(t)
        ));
    }
    out.push_str("</w:p>");
    out
}

/// A list item (numId 1: bullets, 2: numbers).
pub fn li(num: u8, text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:pStyle w:val=\"ListParagraph\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"{num}\"/></w:numPr></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>",
        xml_escape(text)
    )
}

/// A paragraph holding an embedded picture (relationship id) with a description.
pub fn picture(rel: &str, descr: &str) -> String {
    format!(
        r#"<w:p><w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/><wp:docPr id="1" name="Picture 1" descr="{}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:blipFill><a:blip r:embed="{rel}"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#,
        xml_escape(descr)
    )
}

/// A table of plain text cells.
pub fn table(rows: &[&[&str]]) -> String {
    let mut out = String::from("<w:tbl>");
    for row in rows {
        out.push_str("<w:tr>");
        for c in *row {
            out.push_str(&format!("<w:tc>{}</w:tc>", p(None, &[(c, false, false)])));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// A link paragraph through relationship `rel`.
pub fn link(rel: &str, before: &str, text: &str) -> String {
    format!(
        "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:hyperlink r:id=\"{rel}\"><w:r><w:t>{}</w:t></w:r></w:hyperlink></w:p>",
        xml_escape(before),
        xml_escape(text)
    )
}

/// A .docx of body paragraphs (already XML) with the usual styles, numbering, relationships
/// (`rels`: id, type, target, external) and media parts.
pub fn docx(body: &str, rels: &[(&str, &str, &str, bool)], media: &[(&str, &[u8])]) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let styles = r#"<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="u1"><w:name w:val="heading 1"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style>
</w:styles>"#;
    let numbering = r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#;
    let mut rel_xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (id, ty, target, external) in rels {
        let mode = if *external {
            " TargetMode=\"External\""
        } else {
            ""
        };
        rel_xml.push_str(&format!(
            "<Relationship Id=\"{id}\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{ty}\" Target=\"{}\"{mode}/>",
            xml_escape(target)
        ));
    }
    rel_xml.push_str("</Relationships>");
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let mut parts: Vec<(String, Vec<u8>)> = vec![
        (
            "[Content_Types].xml".into(),
            content_types.as_bytes().to_vec(),
        ),
        ("word/document.xml".into(), document.into_bytes()),
        ("word/styles.xml".into(), styles.as_bytes().to_vec()),
        ("word/numbering.xml".into(), numbering.as_bytes().to_vec()),
        ("word/_rels/document.xml.rels".into(), rel_xml.into_bytes()),
    ];
    for (name, bytes) in media {
        parts.push((format!("word/{name}"), bytes.to_vec()));
    }
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip(&refs)
}

/// A decision list of `n` models (title rows, header, a group row every `group` rows,
/// combined places, abbreviated fields, totals, signature) for the import benchmark.
pub fn big_xlsx(n: usize, group: usize) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Danh sách").unwrap();
    let f = Format::new();
    ws.merge_range(0, 0, 0, 2, "TỈNH ỦY BẾN TRE", &f).unwrap();
    ws.merge_range(
        2,
        0,
        2,
        7,
        "DANH SÁCH MÔ HÌNH \"DÂN VẬN KHÉO\" CẤP HUYỆN NĂM 2024",
        &f,
    )
    .unwrap();
    for (c, h) in [
        "STT",
        "Tên mô hình",
        "Đơn vị thực hiện",
        "Địa bàn",
        "Lĩnh vực",
        "Cấp công nhận",
        "Ghi chú",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(4, c as u16, *h).unwrap();
    }
    let groups = [
        "I. LĨNH VỰC KINH TẾ",
        "II. LĨNH VỰC VĂN HÓA - XÃ HỘI",
        "III. LĨNH VỰC QUỐC PHÒNG - AN NINH",
        "IV. LĨNH VỰC XÂY DỰNG HỆ THỐNG CHÍNH TRỊ",
    ];
    let fields = ["KT", "VH-XH", "QP-AN", "XDHTCT"];
    let districts = [
        "Châu Thành",
        "Giồng Trôm",
        "Ba Tri",
        "Mỏ Cày Nam",
        "Thạnh Phú",
        "Bình Đại",
        "Chợ Lách",
    ];
    let mut r = 5u32;
    for i in 0..n {
        if i % group == 0 {
            ws.merge_range(r, 0, r, 6, groups[(i / group) % 4], &f)
                .unwrap();
            r += 1;
        }
        let d = districts[i % districts.len()];
        ws.write_number(r, 0, (i + 1) as f64).unwrap();
        ws.write_string(
            r,
            1,
            format!(
                "Vận động Nhân dân chung tay xây dựng nông thôn mới, mô hình số {}",
                i + 1
            ),
        )
        .unwrap();
        ws.write_string(r, 2, format!("Hội Nông dân xã An Hòa {}", i % 97))
            .unwrap();
        ws.write_string(
            r,
            3,
            format!("Ấp {}, xã An Hòa {}, huyện {d}", i % 9 + 1, i % 97),
        )
        .unwrap();
        ws.write_string(r, 4, fields[(i / group) % 4]).unwrap();
        ws.write_string(
            r,
            5,
            if i % 3 == 0 {
                "Cấp tỉnh"
            } else {
                "Huyện"
            },
        )
        .unwrap();
        if i % 50 == 0 {
            ws.write_string(r, 6, "Điển hình").unwrap();
        }
        r += 1;
    }
    ws.merge_range(r, 0, r, 3, &format!("Tổng cộng: {n} mô hình"), &f)
        .unwrap();
    ws.write_string(r + 2, 5, "T/M BAN THƯỜNG VỤ").unwrap();
    ws.write_string(r + 6, 5, "Nguyễn Văn An").unwrap();
    wb.save_to_buffer().unwrap()
}

/// A one-sheet .xlsx of plain rows (cells that read as whole numbers are written as numbers,
/// as Excel keeps an STT column).
pub fn xlsx(sheet: &str, rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<i64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n as f64).unwrap(),
                Err(_) => ws.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}
