//! The yearly report as an official document: the blocks of Hướng dẫn 36-HD/VPTW (a Party
//! body's report) or Nghị định 30/2020/NĐ-CP (a state agency's), from `owner:` and `report:`
//! in site.yaml ([`crate::publish`]) and the year's statistics. [`head`] gives the page's
//! template the heading and signature blocks (`doc`); [`document`] the same report for the Word
//! file ([`super::docx`]), with the content the page shows: counts by field, level and place,
//! the results, the exemplary and replicated models, the list of models.

use super::docx::{Block, Report};
use super::views::{Card, StatsView};
use super::I18n;
use crate::publish::{Layout, Settings};
use serde_json::{json, Value};

/// The file name of the year's Word report, in the report's folder.
pub fn docx_name(year: i32) -> String {
    crate::routes::year_report_docx(year)
}

/// Upper case as Vietnamese writes it (every letter, diacritics kept).
fn upper(s: &str) -> String {
    s.to_uppercase()
}

/// "ngày 30 tháng 12 năm 2024" with the leading zero the rules ask for (day below 10, months
/// 1 and 2); blanks for the office when the day is not set.
fn date_words(settings: &Settings, year: i32) -> String {
    match (settings.report.day, settings.report.month) {
        (Some(d), Some(m)) => {
            let month = if m <= 2 {
                format!("{m:02}")
            } else {
                m.to_string()
            };
            format!("ngày {d:02} tháng {month} năm {year}")
        }
        _ => format!("ngày …… tháng …… năm {year}"),
    }
}

/// The document's fixed blocks, as strings.
struct Parts {
    state: bool,
    parent: String,
    name: String,
    number_line: String,
    date_line: String,
    subject: String,
}

fn parts(settings: &Settings, t: &I18n, year: i32) -> Parts {
    let owner = settings.owner.clone().unwrap_or_default();
    let r = &settings.report;
    let state = r.layout == Layout::NhaNuoc;
    let number_line = match (state, r.number.is_empty()) {
        (false, true) => "Số …-BC/…".to_string(),
        (false, false) => format!("Số {}", r.number),
        (true, true) => "Số: …/BC-…".to_string(),
        (true, false) => format!("Số: {}", r.number),
    };
    let place = if r.place.is_empty() {
        "……"
    } else {
        &r.place
    };
    Parts {
        state,
        parent: upper(&owner.parent),
        name: upper(if owner.name.is_empty() {
            "……"
        } else {
            &owner.name
        }),
        number_line,
        date_line: format!("{place}, {}", date_words(settings, year)),
        subject: t.fill("report.doc_subject", &[("year", &year.to_string())]),
    }
}

/// The heading of the layout: the Party's name, or the state's name and motto.
pub fn nation(state: bool) -> &'static [&'static str] {
    if state {
        &[STATE, MOTTO]
    } else {
        &[PARTY]
    }
}

/// The Party heading of Hướng dẫn 36-HD/VPTW.
pub const PARTY: &str = "ĐẢNG CỘNG SẢN VIỆT NAM";
/// The state heading of Nghị định 30/2020/NĐ-CP.
pub const STATE: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// Its motto line.
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// "- Ban Dân vận Trung ương (b/c)," … "- Lưu VP.": each recipient on its line, a comma after
/// each but the last, which ends with a full stop.
pub fn recipient_lines(recipients: &[String]) -> Vec<String> {
    let n = recipients.len();
    recipients
        .iter()
        .enumerate()
        .map(|(i, who)| {
            let who = who
                .trim()
                .trim_start_matches("- ")
                .trim_end_matches([',', '.', ';']);
            format!("- {who}{}", if i + 1 == n { "." } else { "," })
        })
        .collect()
}

/// The page's `doc`: heading, number and date lines, title, subject, recipients, signature.
pub fn head(settings: &Settings, t: &I18n, year: i32) -> Value {
    let p = parts(settings, t, year);
    let r = &settings.report;
    json!({
        "layout": if p.state { "nha-nuoc" } else { "dang" },
        "nation": nation(p.state),
        "parent": p.parent,
        "name": p.name,
        "number_line": p.number_line,
        "date_line": p.date_line,
        "title": "BÁO CÁO",
        "subject": p.subject,
        "recipients": recipient_lines(&r.recipients),
        "signer": {
            "on_behalf": upper(&r.signer.on_behalf),
            "title": upper(&r.signer.title),
            "name": r.signer.name,
        },
        "docx": docx_name(year),
    })
}

/// "I", "II", … for section numbers.
fn roman(n: usize) -> &'static str {
    ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        .get(n.saturating_sub(1))
        .copied()
        .unwrap_or("X")
}

/// What [`document`] is made of besides the settings.
pub struct Content<'c> {
    /// The year.
    pub year: i32,
    /// Its statistics.
    pub stats: &'c StatsView,
    /// The exemplary models' cards.
    pub exemplary: Vec<&'c Card>,
    /// Replicated models: card and the title of the model copied.
    pub replicated: Vec<(&'c Card, String)>,
    /// Each field's label with its models' cards.
    pub groups: Vec<(String, Vec<&'c Card>)>,
}

/// The report for the Word file.
pub fn document(settings: &Settings, t: &I18n, c: &Content<'_>) -> Report {
    let p = parts(settings, t, c.year);
    let st = c.stats;
    let num = |n: usize| super::format::number(n as f64);
    let mut blocks = Vec::new();
    let mut section = 0;
    let mut heading = |blocks: &mut Vec<Block>, key: &str| {
        section += 1;
        blocks.push(Block::Heading(format!(
            "{}. {}",
            roman(section),
            upper(&t.get(key))
        )));
    };
    heading(&mut blocks, "report.summary");
    let year = c.year.to_string();
    let mut lead = t.fill("report.lead", &[("year", &year), ("n", &num(st.total))]);
    let parts_by_field: Vec<String> = st
        .fields
        .iter()
        .zip(&st.field_totals)
        .filter(|(_, n)| **n > 0)
        .map(|(f, &n)| format!("{} {}", num(n), lower_first(&f.label)))
        .collect();
    if let Some((last, rest)) = parts_by_field.split_last() {
        lead.push_str(": ");
        if !rest.is_empty() {
            lead.push_str(&format!("{} {} ", rest.join(", "), t.get("report.and")));
        }
        lead.push_str(last);
    }
    lead.push('.');
    if st.exemplary > 0 {
        lead.push(' ');
        lead.push_str(&t.fill("report.lead_exemplary", &[("n", &num(st.exemplary))]));
    }
    blocks.push(Block::Para(lead));
    if st.total > 0 {
        let mut rows: Vec<Vec<String>> = st
            .fields
            .iter()
            .zip(&st.field_totals)
            .map(|(f, &n)| vec![f.label.clone(), num(n)])
            .collect();
        rows.push(vec![t.get("report.total"), num(st.total)]);
        blocks.push(Block::Table {
            head: vec![t.get("report.field"), t.get("report.count")],
            rows,
            total_row: true,
        });
        let mut rows: Vec<Vec<String>> = st
            .levels
            .iter()
            .filter(|l| l.count > 0)
            .map(|l| vec![l.label.clone(), num(l.count)])
            .collect();
        if !rows.is_empty() {
            rows.push(vec![t.get("report.total"), num(st.total)]);
            blocks.push(Block::Table {
                head: vec![t.get("report.level"), t.get("report.count")],
                rows,
                total_row: true,
            });
        }
    }
    if !st.places.is_empty() {
        heading(&mut blocks, "report.places");
        let mut head = vec![t.get("report.place"), t.get("report.total")];
        head.extend(st.fields.iter().map(|f| f.label.clone()));
        let rows = st
            .places
            .iter()
            .map(|p| {
                let indent = if p.depth > 0 { "– " } else { "" };
                let mut row = vec![format!("{indent}{}", p.name), num(p.total)];
                row.extend(p.by_field.iter().map(|&n| num(n)));
                row
            })
            .collect();
        blocks.push(Block::Table {
            head,
            rows,
            total_row: false,
        });
    }
    if !st.results.is_empty() {
        heading(&mut blocks, "report.results");
        let rows = st
            .results
            .iter()
            .map(|r| {
                vec![
                    r.label.clone(),
                    format!("{} {}", r.total_display, r.unit).trim().to_string(),
                    num(r.models),
                ]
            })
            .collect();
        blocks.push(Block::Table {
            head: vec![
                t.get("report.result"),
                t.get("report.amount"),
                t.get("report.models"),
            ],
            rows,
            total_row: false,
        });
    }
    if !c.exemplary.is_empty() {
        heading(&mut blocks, "report.exemplary");
        for (i, card) in c.exemplary.iter().enumerate() {
            blocks.push(Block::Strong(format!("{}. {}", i + 1, card.title)));
            let mut meta = format!("{} · {}", card.place, card.field_label);
            if let Some(l) = &card.level_label {
                meta.push_str(&format!(" · {l}"));
            }
            meta.push_str(&format!(". {}: {}.", t.get("report.host"), card.host));
            blocks.push(Block::Para(meta));
            if !card.summary.is_empty() {
                blocks.push(Block::Para(card.summary.to_string()));
            }
        }
    }
    if !c.replicated.is_empty() {
        heading(&mut blocks, "report.replicated");
        blocks.push(Block::Table {
            head: vec![
                t.get("report.name"),
                t.get("report.place"),
                t.get("report.source"),
            ],
            rows: c
                .replicated
                .iter()
                .map(|(card, src)| vec![card.title.clone(), card.place.clone(), src.clone()])
                .collect(),
            total_row: false,
        });
    }
    if !c.groups.is_empty() {
        heading(&mut blocks, "report.all");
        for (label, cards) in &c.groups {
            blocks.push(Block::Strong(t.fill(
                "report.group_caption",
                &[("label", label), ("n", &num(cards.len()))],
            )));
            blocks.push(Block::Table {
                head: vec![
                    t.get("report.name"),
                    t.get("report.place"),
                    t.get("report.host"),
                    t.get("report.level"),
                ],
                rows: cards
                    .iter()
                    .map(|c| {
                        vec![
                            c.title.clone(),
                            c.place.clone(),
                            c.host.clone(),
                            c.level_label.as_deref().unwrap_or_default().to_string(),
                        ]
                    })
                    .collect(),
                total_row: false,
            });
        }
    }
    let r = &settings.report;
    Report {
        state_layout: p.state,
        parent: p.parent,
        name: p.name,
        number_line: p.number_line,
        date_line: p.date_line,
        title: "BÁO CÁO".into(),
        subject: p.subject,
        blocks,
        recipients: recipient_lines(&r.recipients),
        on_behalf: upper(&r.signer.on_behalf),
        signer_title: upper(&r.signer.title),
        signer_name: r.signer.name.clone(),
    }
}

/// "Kinh tế" → "kinh tế" (as the field names read inside a sentence).
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(day: Option<u32>, month: Option<u32>, layout: Layout) -> Settings {
        let mut s = Settings::default();
        s.report.day = day;
        s.report.month = month;
        s.report.layout = layout;
        s.report.place = "Bến Tre".into();
        s
    }

    #[test]
    fn the_date_line_has_the_leading_zeros_the_rules_ask_for() {
        let s = settings(Some(30), Some(12), Layout::Dang);
        assert_eq!(date_words(&s, 2024), "ngày 30 tháng 12 năm 2024");
        let s = settings(Some(5), Some(1), Layout::Dang);
        assert_eq!(date_words(&s, 2025), "ngày 05 tháng 01 năm 2025");
        let s = settings(Some(5), Some(3), Layout::Dang);
        assert_eq!(date_words(&s, 2025), "ngày 05 tháng 3 năm 2025");
        let s = settings(None, None, Layout::Dang);
        assert_eq!(date_words(&s, 2025), "ngày …… tháng …… năm 2025");
    }

    #[test]
    fn the_number_line_is_left_blank_unless_set() {
        let t = I18n::new(Value::Null);
        let mut s = settings(None, None, Layout::Dang);
        assert_eq!(parts(&s, &t, 2024).number_line, "Số …-BC/…");
        s.report.number = "125-BC/BDVTU".into();
        assert_eq!(parts(&s, &t, 2024).number_line, "Số 125-BC/BDVTU");
        s.report.layout = Layout::NhaNuoc;
        s.report.number = String::new();
        assert_eq!(parts(&s, &t, 2024).number_line, "Số: …/BC-…");
        assert_eq!(upper("Tỉnh ủy Bến Tre"), "TỈNH ỦY BẾN TRE");
    }
}
