//! Reading the models of one sheet: the header row found by its Vietnamese headings (STT,
//! Tên mô hình, Đơn vị thực hiện, Địa bàn, Lĩnh vực, Cấp công nhận, Ghi chú, Năm… and their
//! usual variants, over one or two rows), the title rows above it (year, province, level),
//! then every row below: data rows become [`Record`]s; group rows ("I. LĨNH VỰC KINH TẾ (9
//! mô hình)", "HUYỆN BA TRI") give their field, place or level to the rows under them;
//! column-number rows, totals and the signature block are skipped. A row that cannot be
//! read is reported at its cell (`Sheet!A12`) and skipped; the others are read.

use super::grid::Grid;
use super::place_split::{self, Place};
use super::{Options, PlaceAt, Problem, Record};
use crate::config::SiteConfig;

/// A column's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// Số thứ tự.
    Stt,
    /// Tên mô hình.
    Title,
    /// Đơn vị thực hiện / chủ trì.
    Host,
    /// Địa bàn (a combined place).
    Place,
    /// Xã / phường / thị trấn.
    Commune,
    /// Huyện / quận / thị xã / thành phố.
    District,
    /// Tỉnh.
    Province,
    /// Lĩnh vực.
    Field,
    /// Cấp công nhận.
    Level,
    /// Ghi chú.
    Note,
    /// Năm công nhận.
    Year,
    /// Điển hình.
    Exemplary,
    /// Nội dung, kết quả: the body.
    Body,
}

/// Lower case, no diacritics, punctuation as single spaces: `Đơn vị (chủ trì)` → `don vi chu tri`.
pub fn norm(s: &str) -> String {
    let folded = vntext::fold(s);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// What a header cell names, if it is a heading dvk knows.
pub fn heading_kind(text: &str) -> Option<Col> {
    let h = norm(text);
    if h.is_empty() || h.split(' ').count() > 8 {
        return None;
    }
    let starts = |p: &str| h == p || h.starts_with(&format!("{p} "));
    let has = |p: &str| h.contains(p);
    let kind = if matches!(h.as_str(), "stt" | "tt" | "so tt" | "so thu tu" | "s tt") {
        Col::Stt
    } else if has("ten mo hinh") || has("ten dien hinh") || starts("mo hinh") || h == "ten" {
        Col::Title
    } else if has("ghi chu") {
        Col::Note
    } else if has("linh vuc") {
        Col::Field
    } else if starts("cap") || has("cap cong nhan") || has("cap khen") {
        Col::Level
    } else if starts("don vi")
        || has("chu tri")
        || starts("co quan")
        || starts("tap the")
        || has("to chuc thuc hien")
    {
        Col::Host
    } else if starts("dia ban")
        || starts("dia diem")
        || starts("dia chi")
        || starts("dia phuong")
        || starts("noi thuc hien")
        || starts("noi trien khai")
    {
        Col::Place
    } else if starts("xa") || starts("phuong") || starts("thi tran") {
        Col::Commune
    } else if starts("huyen") || starts("quan huyen") || starts("quan") {
        Col::District
    } else if starts("tinh") {
        Col::Province
    } else if starts("nam") || has("nam cong nhan") {
        Col::Year
    } else if has("dien hinh") {
        Col::Exemplary
    } else if starts("noi dung")
        || starts("mo ta")
        || starts("ket qua")
        || starts("tom tat")
        || starts("hieu qua")
        || starts("cach lam")
    {
        Col::Body
    } else {
        return None;
    };
    Some(kind)
}

/// What the title rows above the header say.
#[derive(Debug, Default, Clone)]
pub struct TitleInfo {
    /// "… NĂM 2024".
    pub year: Option<i32>,
    /// "TỈNH ỦY BẾN TRE", "UBND tỉnh Bến Tre".
    pub province: Option<String>,
    /// "… CẤP TỈNH …".
    pub level: Option<&'static str>,
}

/// A year written in text: after "năm", else in a date `…/2024`, else alone.
pub fn find_year(text: &str) -> Option<i32> {
    let n = norm(text);
    let words: Vec<&str> = n.split(' ').collect();
    let year = |w: &str| -> Option<i32> {
        let y: i32 = w.parse().ok()?;
        (w.len() == 4 && (1945..=2100).contains(&y)).then_some(y)
    };
    for pair in words.windows(2) {
        if pair[0] == "nam" {
            if let Some(y) = year(pair[1]) {
                return Some(y);
            }
        }
    }
    words.iter().rev().find_map(|w| year(w))
}

/// A recognition level as lists write it ("Cấp tỉnh", "Huyện", "TW", "xa").
pub fn parse_level(text: &str) -> Option<&'static str> {
    let n = norm(text);
    let n = n.strip_prefix("cap ").unwrap_or(&n);
    let n = n.trim();
    if n.contains("trung uong") || n == "tw" || n == "trung-uong" || n == "trunguong" {
        Some("trung-uong")
    } else if n.starts_with("thi xa") || n.starts_with("huyen") || n.starts_with("quan") || n == "h"
    {
        Some("huyen")
    } else if n.starts_with("tinh") || n.starts_with("thanh pho") || n == "t" {
        Some("tinh")
    } else if n.starts_with("xa")
        || n.starts_with("phuong")
        || n.starts_with("thi tran")
        || n.starts_with("co so")
        || n == "x"
    {
        Some("xa")
    } else {
        None
    }
}

/// The level named in a title ("… CẤP TỈNH NĂM 2024").
fn level_in_title(text: &str) -> Option<&'static str> {
    let n = norm(text);
    let i = n.find("cap ")?;
    parse_level(&n[i..])
}

/// Reads the title rows.
fn title_info(grid: &Grid, header: usize) -> TitleInfo {
    let mut info = TitleInfo::default();
    for row in grid.rows.iter().take(header) {
        let mut seen: Vec<&str> = Vec::new();
        for cell in row {
            if cell.is_empty() || seen.contains(&cell.as_str()) {
                continue;
            }
            seen.push(cell);
            for line in cell.lines() {
                if info.year.is_none() {
                    info.year = find_year(line);
                }
                if info.level.is_none() {
                    info.level = level_in_title(line);
                }
                if info.province.is_none() {
                    info.province = place_split::find_in_text(line).province;
                }
            }
        }
    }
    info
}

/// The header row: the first of the top 40 rows naming a title column and at least one
/// other known column.
fn find_header(grid: &Grid) -> Option<(usize, Vec<Option<Col>>)> {
    for (i, row) in grid.rows.iter().enumerate().take(40) {
        let kinds: Vec<Option<Col>> = row.iter().map(|c| heading_kind(c)).collect();
        let mut distinct: Vec<Col> = kinds.iter().flatten().copied().collect();
        distinct.dedup();
        if distinct.contains(&Col::Title) && distinct.len() >= 2 {
            return Some((i, kinds));
        }
    }
    None
}

/// True for a row of column numbers under the header: `(1) (2) (3)` or `1 2 3`.
fn is_number_row(row: &[String]) -> bool {
    let cells: Vec<&String> = row.iter().filter(|c| !c.is_empty()).collect();
    cells.len() >= 2
        && cells.iter().all(|c| {
            let t = c.trim_matches(['(', ')', '[', ']', '.', ' ']);
            !t.is_empty()
                && (t.chars().all(|ch| ch.is_ascii_digit())
                    || (t.len() == 1 && t.chars().all(|ch| ch.is_ascii_uppercase())))
        })
}

/// `I`, `II`, `IV`, `A`, `B`: the numbering of a group row.
fn is_group_number(s: &str) -> bool {
    let t = s.trim().trim_end_matches(['.', ')', '/', '-']);
    !t.is_empty()
        && t.len() <= 5
        && (t.chars().all(|c| "IVXLivxl".contains(c))
            || (t.len() == 1 && t.chars().all(|c| c.is_ascii_uppercase())))
}

/// Strips a group row's numbering and count: "I. LĨNH VỰC KINH TẾ (9 mô hình)" → "LĨNH VỰC KINH TẾ".
fn group_text(s: &str) -> String {
    let mut t = s.trim();
    if let Some((head, rest)) = t.split_once(['.', ')', '/', '-']) {
        if is_group_number(head) {
            t = rest.trim();
        }
    } else if let Some((head, rest)) = t.split_once(' ') {
        if is_group_number(head) {
            t = rest.trim();
        }
    }
    let t = match t.find('(') {
        Some(i) => t[..i].trim(),
        None => t,
    };
    t.trim_end_matches([':', '.', ' ']).to_string()
}

/// The field a text names: a label, slug, alias or abbreviation, alone or after "Lĩnh vực".
pub fn match_field(config: &SiteConfig, text: &str) -> Option<usize> {
    if let Some(i) = config.match_field(text) {
        return Some(i);
    }
    let g = group_text(text);
    let n = norm(&g);
    let n = n
        .strip_prefix("linh vuc ")
        .or_else(|| n.strip_prefix("cac mo hinh linh vuc "))
        .or_else(|| n.strip_prefix("mo hinh linh vuc "))
        .unwrap_or(&n);
    config.match_field(n)
}

/// Cell text signing off the list: "NGƯỜI LẬP BIỂU", "T/M BAN THƯỜNG VỤ", "Nơi nhận:",
/// "Bến Tre, ngày 30 tháng 12 năm 2024".
fn is_signature(cell: &str) -> bool {
    let n = norm(cell);
    const STARTS: &[&str] = &[
        "nguoi lap",
        "t m ",
        "tm ",
        "kt truong",
        "kt pho",
        "kt chu",
        "kt bi thu",
        "kt giam doc",
        "noi nhan",
        "truong ban",
        "pho truong ban",
        "xac nhan cua",
        "thu truong",
        "ky ten",
        "ky ghi ro",
        "ky va ghi ro",
        "ky dong dau",
        "da ky",
    ];
    if STARTS.iter().any(|p| n.starts_with(p)) {
        return true;
    }
    let words: Vec<&str> = n.split(' ').collect();
    words.windows(6).any(|w| {
        w[0] == "ngay"
            && w[2] == "thang"
            && w[4] == "nam"
            && w[1].chars().all(|c| c.is_ascii_digit() || c == 'x')
    })
}

/// "Tổng cộng", "Tổng số: 25", "Cộng".
fn is_total(cell: &str) -> bool {
    let n = norm(cell);
    n.starts_with("tong cong")
        || n.starts_with("tong so")
        || n == "tong"
        || n == "cong"
        || (n.starts_with("cong ") && n[5..].chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// Everything read from one sheet.
#[derive(Debug, Default)]
pub struct SheetOut {
    /// The models, in row order.
    pub records: Vec<Record>,
    /// Problems, in row order.
    pub problems: Vec<Problem>,
    /// Rows skipped on purpose (titles, groups, totals, signature): for `-v` reports.
    pub skipped: usize,
    /// False when the sheet has no header row (and was not read).
    pub has_header: bool,
}

/// What the flags give.
pub struct Defaults<'a> {
    /// The import's options.
    pub opts: &'a Options,
    /// The level of `--level`, parsed.
    pub level: Option<&'static str>,
    /// The field label of `--field`.
    pub field: Option<String>,
    /// The site's only province, when it has one.
    pub site_province: Option<String>,
}

/// A column's value in a row.
fn get<'g>(grid: &'g Grid, cols: &[Option<Col>], row: usize, kind: Col) -> (&'g str, usize) {
    match cols.iter().position(|c| *c == Some(kind)) {
        Some(c) => (grid.cell(row, c), c),
        None => ("", 0),
    }
}

/// Title text as the content keeps it: one line, single spaces, outer quotes removed.
fn tidy_title(s: &str) -> String {
    let one = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let t = one.trim();
    let inner = t
        .strip_prefix(['"', '“'])
        .and_then(|x| x.strip_suffix(['"', '”']));
    match inner {
        Some(x) if !x.contains(['"', '“', '”']) => x.trim().to_string(),
        _ => t.to_string(),
    }
}

/// Reads the models of a sheet.
pub fn read_sheet(grid: &Grid, file: &str, config: &SiteConfig, d: &Defaults) -> SheetOut {
    let mut out = SheetOut::default();
    let at = |row: usize, col: usize| format!("{file}:{}!{}", grid.name, grid.cell_ref(row, col));
    let Some((header, mut cols)) = find_header(grid) else {
        return out;
    };
    out.has_header = true;
    let info = title_info(grid, header);
    let mut first = header + 1;
    // A second header row (merged headings: "Địa bàn" over "Xã" and "Huyện").
    if let Some(next) = grid.rows.get(first) {
        let above = &grid.rows[header];
        let all_headings = next
            .iter()
            .enumerate()
            .all(|(c, t)| t.is_empty() || heading_kind(t).is_some() || above.get(c) == Some(t));
        // A group row merged across ("I. LĨNH VỰC KINH TẾ") is one text repeated: no sub-header.
        let mut new: Vec<&String> = next
            .iter()
            .enumerate()
            .filter(|(c, t)| !t.is_empty() && above.get(*c) != Some(t))
            .map(|(_, t)| t)
            .collect();
        new.dedup();
        let group_like = new.len() == 1 && next.iter().filter(|t| !t.is_empty()).count() > 1;
        if all_headings && !new.is_empty() && !group_like {
            for (c, t) in next.iter().enumerate() {
                if let Some(k) = heading_kind(t) {
                    if cols.len() <= c {
                        cols.resize(c + 1, None);
                    }
                    cols[c] = Some(k);
                }
            }
            first += 1;
        }
    }
    if grid.rows.get(first).is_some_and(|r| is_number_row(r)) {
        first += 1;
    }
    let has = |k: Col| cols.contains(&Some(k));
    let title_col = cols
        .iter()
        .position(|c| *c == Some(Col::Title))
        .unwrap_or(0);
    let year = d.opts.year.or(info.year);
    if year.is_none() && !has(Col::Year) {
        out.problems.push(Problem::error(
            format!("{file}:{}", grid.name),
            crate::msg!("import.no_year", sheet = grid.name),
        ));
        return out;
    }
    let province_known =
        d.opts.province.is_some() || info.province.is_some() || d.site_province.is_some();
    if !province_known && !has(Col::Province) && !has(Col::Place) && !has(Col::Host) {
        out.problems.push(Problem::error(
            format!("{file}:{}", grid.name),
            crate::msg!("import.no_province", sheet = grid.name),
        ));
        return out;
    }
    if !has(Col::Host) && d.opts.host.is_none() {
        out.problems.push(Problem::error(
            format!("{file}:{}", grid.name),
            crate::msg!("import.no_host_column", sheet = grid.name),
        ));
        return out;
    }
    let mut group_field: Option<usize> = None;
    let mut group_place = Place::default();
    let mut group_level: Option<&'static str> = None;
    let mut ended = false;
    for i in first..grid.rows.len() {
        let row = &grid.rows[i];
        let mut distinct: Vec<&str> = Vec::new();
        for c in row {
            if !c.is_empty() && !distinct.contains(&c.as_str()) {
                distinct.push(c);
            }
        }
        if distinct.is_empty() {
            continue;
        }
        if ended {
            out.skipped += 1;
            continue;
        }
        let (stt, _) = get(grid, &cols, i, Col::Stt);
        let numbered = !stt.is_empty()
            && stt
                .trim_end_matches('.')
                .chars()
                .all(|c| c.is_ascii_digit());
        let title = grid.cell(i, title_col);
        if !numbered
            && distinct.iter().any(|c| is_signature(c))
            && (title.is_empty() || is_signature(title))
        {
            ended = true;
            out.skipped += 1;
            continue;
        }
        let (host, _) = get(grid, &cols, i, Col::Host);
        if !numbered && distinct.first().is_some_and(|c| is_total(c)) {
            out.skipped += 1;
            continue;
        }
        // Group rows: one text (merged across, or under a Roman number), no host of its own.
        let content: Vec<&str> = distinct
            .iter()
            .copied()
            .filter(|c| *c != stt || !is_group_number(c))
            .collect();
        let group_like = !numbered
            && content.len() == 1
            && (host.is_empty() || host == content[0])
            && (stt.is_empty() || is_group_number(stt) || stt == content[0]);
        if group_like {
            out.skipped += 1;
            let text = content[0];
            if let Some(f) = match_field(config, text) {
                group_field = Some(f);
                continue;
            }
            let gt = group_text(text);
            let place = place_split::split(&gt, year);
            let lvl = level_in_title(&gt)
                .or_else(|| parse_level(&gt).filter(|_| norm(&gt).starts_with("cap ")));
            if lvl.is_some() {
                group_level = lvl;
            } else if is_place_group(&gt) && !place.is_empty() {
                group_place = place;
            } else {
                out.problems.push(Problem::warning(
                    at(i, 0),
                    crate::msg!("import.group_unknown", text = text),
                ));
            }
            continue;
        }
        if title.is_empty() {
            out.problems.push(Problem::warning(
                at(i, title_col),
                crate::msg!("import.row_no_title", text = distinct.join(" | ")),
            ));
            continue;
        }
        match read_row(
            grid,
            &cols,
            i,
            file,
            config,
            d,
            &info,
            group_field,
            &group_place,
            group_level,
        ) {
            Ok(r) => out.records.push(r),
            Err(p) => out.problems.push(p),
        }
    }
    out
}

/// A group row naming a place: "HUYỆN BA TRI", "Thành phố Bến Tre", "Xã Phú Túc".
fn is_place_group(text: &str) -> bool {
    let n = norm(text);
    [
        "huyen ",
        "quan ",
        "thi xa ",
        "thanh pho ",
        "xa ",
        "phuong ",
        "thi tran ",
        "tp ",
    ]
    .iter()
    .any(|p| n.starts_with(p))
}

/// One data row as a record, or the problem that keeps it out.
#[allow(clippy::too_many_arguments)]
fn read_row(
    grid: &Grid,
    cols: &[Option<Col>],
    i: usize,
    file: &str,
    config: &SiteConfig,
    d: &Defaults,
    info: &TitleInfo,
    group_field: Option<usize>,
    group_place: &Place,
    group_level: Option<&'static str>,
) -> Result<Record, Problem> {
    let at = |col: usize| format!("{file}:{}!{}", grid.name, grid.cell_ref(i, col));
    let title_col = cols
        .iter()
        .position(|c| *c == Some(Col::Title))
        .unwrap_or(0);
    let title = tidy_title(grid.cell(i, title_col));
    // Year.
    let year = match d.opts.year {
        Some(y) => y,
        None => {
            let (cell, c) = get(grid, cols, i, Col::Year);
            match (find_year(cell), info.year) {
                (Some(y), _) => y,
                (None, Some(y)) if cell.is_empty() => y,
                _ => {
                    return Err(Problem::error(
                        at(c),
                        crate::msg!("import.bad_year", value = cell),
                    ))
                }
            }
        }
    };
    // Host.
    let (host_cell, host_col) = get(grid, cols, i, Col::Host);
    let host = if host_cell.is_empty() {
        match &d.opts.host {
            Some(h) => h.clone(),
            None => {
                return Err(Problem::error(
                    at(host_col),
                    crate::msg!("import.no_host", title = title),
                ))
            }
        }
    } else {
        host_cell.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    // Field.
    let (field_cell, field_col) = get(grid, cols, i, Col::Field);
    let field = if !field_cell.is_empty() {
        match match_field(config, field_cell) {
            Some(f) => f,
            None => {
                return Err(Problem::error(
                    at(field_col),
                    config_unknown_field(config, field_cell),
                ))
            }
        }
    } else if let Some(f) = group_field {
        f
    } else if let Some(label) = &d.field {
        config.match_field(label).unwrap_or(0)
    } else {
        return Err(Problem::error(
            at(title_col),
            crate::msg!("import.no_field", title = title),
        ));
    };
    // Place, and the cell each part comes from (for messages about it).
    let mut place = Place::default();
    let mut place_at = PlaceAt::default();
    let cell_at = |c: usize| Some(format!("{}!{}", grid.name, grid.cell_ref(i, c)));
    let (place_cell, place_col) = get(grid, cols, i, Col::Place);
    if !place_cell.is_empty() {
        place = place_split::split(place_cell, Some(year));
        place_at = PlaceAt {
            province: place.province.as_ref().and(cell_at(place_col)),
            district: place.district.as_ref().and(cell_at(place_col)),
            commune: place.commune.as_ref().and(cell_at(place_col)),
        };
    }
    let one = |kind: Col, pick: fn(Place) -> Option<String>| -> Option<(String, Option<String>)> {
        let (cell, c) = get(grid, cols, i, kind);
        if cell.is_empty() {
            return None;
        }
        let split = place_split::split(cell, Some(year));
        let name = pick(split).unwrap_or_else(|| place_split::tidy_name(cell));
        Some((name, cell_at(c)))
    };
    if let Some((c, at)) = one(Col::Commune, |p| p.commune) {
        place.commune = Some(c);
        place_at.commune = at;
    }
    if let Some((c, at)) = one(Col::District, |p| p.district) {
        place.district = Some(c);
        place_at.district = at;
    }
    if let Some((c, at)) = one(Col::Province, |p| p.province) {
        place.province = Some(c);
        place_at.province = at;
    }
    // A group row naming the place ("THỊ TRẤN NAM BAN") comes before the host's words.
    if place.commune.is_none() && place.district.is_none() {
        place.commune = group_place.commune.clone();
        place.district = group_place.district.clone();
    }
    if place.commune.is_none() && place.district.is_none() {
        let from_host = place_split::find_in_text(&host);
        let (_, host_col) = get(grid, cols, i, Col::Host);
        place_at.commune = from_host.commune.as_ref().and(cell_at(host_col));
        place_at.district = from_host.district.as_ref().and(cell_at(host_col));
        place.commune = from_host.commune;
        place.district = from_host.district;
        if place.province.is_none() {
            place_at.province = from_host.province.as_ref().and(cell_at(host_col));
            place.province = from_host.province;
        }
    }
    if place.district.is_none() {
        place.district = d.opts.district.clone();
    }
    if place.commune.is_none() {
        place.commune = d.opts.commune.clone();
    }
    if d.opts.province.is_some() {
        place_at.province = None;
    }
    let province = d
        .opts
        .province
        .clone()
        .or(place.province.clone())
        .or(info.province.clone())
        .or(d.site_province.clone());
    let Some(province) = province else {
        return Err(Problem::error(
            at(title_col),
            crate::msg!("import.row_no_province", title = title),
        ));
    };
    // Level.
    let (level_cell, level_col) = get(grid, cols, i, Col::Level);
    let level = if level_cell.is_empty() {
        d.level.or(group_level).or(info.level)
    } else {
        match parse_level(level_cell) {
            Some(l) => Some(l),
            None => {
                return Err(Problem::error(
                    at(level_col),
                    crate::msg!("import.bad_level", value = level_cell),
                ))
            }
        }
    };
    let (note, _) = get(grid, cols, i, Col::Note);
    let (ex, _) = get(grid, cols, i, Col::Exemplary);
    let ex_n = norm(ex);
    let exemplary = (!ex_n.is_empty() && !matches!(ex_n.as_str(), "khong" | "0" | "no" | "false"))
        || norm(note).contains("dien hinh");
    let (body, _) = get(grid, cols, i, Col::Body);
    Ok(Record {
        source: format!("{}!{}", grid.name, grid.cell_ref(i, 0)),
        title,
        year,
        province: place_split::tidy_name(&province),
        district: place.district,
        commune: place.commune,
        field: config
            .fields
            .get(field)
            .map(|f| f.label.clone())
            .unwrap_or_default(),
        host,
        level,
        exemplary,
        body: (!body.is_empty()).then(|| body.to_string()),
        note: (!note.is_empty()).then(|| note.split_whitespace().collect::<Vec<_>>().join(" ")),
        place_at,
    })
}

/// The message for a field value that matches nothing, with the choices.
fn config_unknown_field(config: &SiteConfig, value: &str) -> String {
    let choices = config
        .fields
        .iter()
        .map(|f| format!("\"{}\"", f.label))
        .collect::<Vec<_>>()
        .join(", ");
    crate::msg!("import.bad_field", value = value, choices = choices)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_their_variants() {
        assert_eq!(heading_kind("STT"), Some(Col::Stt));
        assert_eq!(heading_kind("Tên mô hình"), Some(Col::Title));
        assert_eq!(
            heading_kind("TÊN MÔ HÌNH \"DÂN VẬN KHÉO\""),
            Some(Col::Title)
        );
        assert_eq!(heading_kind("Đơn vị thực hiện"), Some(Col::Host));
        assert_eq!(heading_kind("Đơn vị chủ trì"), Some(Col::Host));
        assert_eq!(heading_kind("Địa bàn"), Some(Col::Place));
        assert_eq!(heading_kind("Lĩnh vực"), Some(Col::Field));
        assert_eq!(heading_kind("Cấp công nhận"), Some(Col::Level));
        assert_eq!(heading_kind("Ghi chú"), Some(Col::Note));
        assert_eq!(heading_kind("Năm công nhận"), Some(Col::Year));
        assert_eq!(heading_kind("Xã/phường/thị trấn"), Some(Col::Commune));
        assert_eq!(heading_kind("Huyện, thành phố"), Some(Col::District));
        assert_eq!(heading_kind("Nuôi heo đất giúp hội viên nghèo"), None);
    }

    #[test]
    fn years_levels_groups_totals_signatures() {
        assert_eq!(find_year("DANH SÁCH MÔ HÌNH CẤP TỈNH NĂM 2024"), Some(2024));
        assert_eq!(
            find_year("Quyết định số 12-QĐ/BDV ngày 30/12/2023"),
            Some(2023)
        );
        assert_eq!(parse_level("Cấp tỉnh"), Some("tinh"));
        assert_eq!(parse_level("Thị xã"), Some("huyen"));
        assert_eq!(parse_level("Xã"), Some("xa"));
        assert_eq!(parse_level("Trung ương"), Some("trung-uong"));
        assert_eq!(
            level_in_title("MÔ HÌNH DÂN VẬN KHÉO CẤP HUYỆN NĂM 2024"),
            Some("huyen")
        );
        assert_eq!(
            group_text("I. LĨNH VỰC KINH TẾ (9 mô hình)"),
            "LĨNH VỰC KINH TẾ"
        );
        assert_eq!(group_text("II- Văn hóa - xã hội:"), "Văn hóa - xã hội");
        let c = SiteConfig::default();
        assert_eq!(match_field(&c, "I. LĨNH VỰC KINH TẾ (9 mô hình)"), Some(0));
        assert_eq!(
            match_field(&c, "IV. LĨNH VỰC XÂY DỰNG HỆ THỐNG CHÍNH TRỊ"),
            Some(3)
        );
        assert!(is_total("Tổng cộng"));
        assert!(is_total("Cộng"));
        assert!(!is_total("Cộng đồng chung tay"));
        assert!(is_signature("NGƯỜI LẬP BIỂU"));
        assert!(is_signature("T/M BAN THƯỜNG VỤ"));
        assert!(is_signature("Bến Tre, ngày 30 tháng 12 năm 2024"));
        assert!(!is_signature("Kinh tế"));
        assert!(is_number_row(&["(1)".into(), "(2)".into(), "(3)".into()]));
        assert!(!is_number_row(&["1".into(), "Nuôi heo đất".into()]));
    }
}
