//! Reading a spreadsheet into plain grids of text, one per sheet: Excel (`.xlsx`, `.xlsb`,
//! `.xls`) and OpenDocument (`.ods`) through calamine, CSV through the csv crate (UTF-8,
//! UTF-16 or the old Windows-1258 encoding; comma, semicolon or tab). Merged cells are
//! filled with their value over the whole merged area, so a field merged down a column or a
//! group title merged across a row reads as written in every cell. Numbers are written as
//! people read them (`2024`, not `2024.0`); dates as `YYYY-MM-DD`.

use super::detect::Kind;
use calamine::{Data, Dimensions, Range, Reader, SheetVisible};
use std::io::Cursor;

/// One sheet as text.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// Sheet name (the file's name for a CSV).
    pub name: String,
    /// 0-based row of `rows[0]` in the sheet.
    pub first_row: u32,
    /// 0-based column of each row's first cell.
    pub first_col: u32,
    /// The cells, trimmed, NFC; rows may be shorter than others.
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// The cell reference of a cell in the grid: `B12`.
    pub fn cell_ref(&self, row: usize, col: usize) -> String {
        format!(
            "{}{}",
            column_letters(self.first_col as usize + col),
            self.first_row as usize + row + 1
        )
    }

    /// The text of a cell, empty when outside the row.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// `0` → `A`, `27` → `AB`.
pub fn column_letters(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The sheets of a file, with warnings (hidden sheets left out, encodings guessed); or
/// why the file cannot be read.
pub fn read(kind: Kind, file: &str, bytes: &[u8]) -> Result<(Vec<Grid>, Vec<String>), String> {
    let corrupt = |e: &dyn std::fmt::Display| {
        let text = e.to_string();
        if text.to_ascii_lowercase().contains("password") {
            crate::msg!("import.password", file = file)
        } else {
            crate::msg!(
                "import.corrupt_detail",
                file = file,
                kind = kind.name(),
                detail = text
            )
        }
    };
    let cursor = Cursor::new(bytes);
    match kind {
        Kind::Csv => read_csv(file, bytes).map(|(g, w)| (vec![g], w)),
        Kind::Xlsx => {
            let mut wb = calamine::Xlsx::new(cursor).map_err(|e| corrupt(&e))?;
            sheets(&mut wb, file, |wb, name| {
                wb.merge_cells_by_sheet_name(name).ok()
            })
        }
        Kind::Xls => {
            let mut wb = calamine::Xls::new(cursor).map_err(|e| corrupt(&e))?;
            sheets(&mut wb, file, |wb, name| {
                wb.merge_cells_by_sheet_name(name).ok()
            })
        }
        Kind::Xlsb => {
            let mut wb = calamine::Xlsb::new(cursor).map_err(|e| corrupt(&e))?;
            sheets(&mut wb, file, |_, _| None)
        }
        Kind::Ods => {
            let mut wb = calamine::Ods::new(cursor).map_err(|e| corrupt(&e))?;
            sheets(&mut wb, file, |_, _| None)
        }
        Kind::Docx => Err(crate::msg!("import.unknown", file = file)),
    }
}

/// Every visible sheet of a workbook.
fn sheets<RS, R, F>(wb: &mut R, file: &str, merges: F) -> Result<(Vec<Grid>, Vec<String>), String>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
    F: Fn(&mut R, &str) -> Option<Vec<Dimensions>>,
{
    let mut grids = Vec::new();
    let mut warnings = Vec::new();
    let meta: Vec<(String, bool)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    for (name, visible) in meta {
        if !visible {
            warnings.push(crate::msg!(
                "import.hidden_sheet",
                file = file,
                sheet = name
            ));
            continue;
        }
        let range = match wb.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                warnings.push(crate::msg!(
                    "import.sheet_unreadable",
                    file = file,
                    sheet = name,
                    detail = e
                ));
                continue;
            }
        };
        let merged = merges(wb, &name).unwrap_or_default();
        grids.push(to_grid(&name, &range, &merged));
    }
    Ok((grids, warnings))
}

/// A calamine range as text, merged areas filled.
fn to_grid(name: &str, range: &Range<Data>, merged: &[Dimensions]) -> Grid {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            let mut row: Vec<String> = r.iter().map(cell_text).collect();
            while row.last().is_some_and(|c| c.is_empty()) {
                row.pop();
            }
            row
        })
        .collect();
    for m in merged {
        let (r0, c0) = m.start;
        let (r1, c1) = m.end;
        if r0 < first_row || c0 < first_col {
            continue;
        }
        let (r0, c0) = ((r0 - first_row) as usize, (c0 - first_col) as usize);
        let (r1, c1) = ((r1 - first_row) as usize, (c1 - first_col) as usize);
        let value = rows
            .get(r0)
            .and_then(|r| r.get(c0))
            .cloned()
            .unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        // Big merged areas (a whole column) are bounded by the data.
        for row in rows.iter_mut().take(r1 + 1).skip(r0) {
            if row.len() <= c1 {
                row.resize(c1 + 1, String::new());
            }
            for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                if cell.is_empty() {
                    cell.clone_from(&value);
                }
            }
        }
    }
    Grid {
        name: name.to_string(),
        first_row,
        first_col,
        rows,
    }
}

/// A cell as people read it.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => clean(s),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => if *b { "x" } else { "" }.to_string(),
        Data::DateTime(dt) => {
            let v = dt.as_f64();
            if dt.is_datetime() && v >= 1.0 {
                excel_date(v)
            } else {
                number(v)
            }
        }
    }
}

/// `2024.0` → `2024`; other numbers as Rust prints them.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`.
fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64 - 25_569; // 1970-01-01
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Trimmed, NFC, non-breaking spaces as spaces, line breaks kept as single spaces'
/// neighbours: `"Tên\r\nmô hình"` → `"Tên\nmô hình"`.
fn clean(s: &str) -> String {
    let s = s
        .replace(['\u{a0}', '\u{2007}', '\u{202f}'], " ")
        .replace("\r\n", "\n");
    let s = s.trim();
    vntext::nfc(s).into_owned()
}

/// A CSV file as one grid.
fn read_csv(file: &str, bytes: &[u8]) -> Result<(Grid, Vec<String>), String> {
    let mut warnings = Vec::new();
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE.decode(bytes).0.into_owned()
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE.decode(bytes).0.into_owned()
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => {
                warnings.push(crate::msg!("import.csv_encoding", file = file));
                encoding_rs::WINDOWS_1258.decode(bytes).0.into_owned()
            }
        }
    };
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let mut row: Vec<String> = r.iter().map(clean).collect();
                while row.last().is_some_and(|c| c.is_empty()) {
                    row.pop();
                }
                rows.push(row);
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                warnings.push(crate::msg!(
                    "import.csv_row",
                    file = file,
                    line = line,
                    detail = e
                ));
                rows.push(Vec::new());
            }
        }
    }
    let name = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("csv")
        .to_string();
    Ok((
        Grid {
            name,
            first_row: 0,
            first_col: 0,
            rows,
        },
        warnings,
    ))
}

/// The separator used most in the first lines, outside quotes: `,`, `;` or tab.
fn sniff_delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for (i, c) in text.chars().enumerate() {
        if i > 20_000 {
            break;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_and_dates() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(excel_date(45_656.0), "2024-12-30");
        assert_eq!(number(2024.0), "2024");
    }

    #[test]
    fn csv_in_semicolons_and_windows_1258() {
        let (g, w) =
            read_csv("a.csv", "STT;Tên mô hình\n1;\"Nuôi heo; đất\"\n".as_bytes()).unwrap();
        assert!(w.is_empty());
        assert_eq!(g.rows[1], vec!["1", "Nuôi heo; đất"]);
        // "Hà" in Windows-1258: H, a, combining grave (0xCC).
        let (g, w) = read_csv("b.csv", b"STT,H\x61\xCC\n").unwrap();
        assert_eq!(w.len(), 1);
        assert_eq!(g.rows[0][1], "Hà");
    }
}
