//! Vietnamese display formats: numbers (`632.000.000`, `2,5`) and dates (`30/12/2024`).

/// Formats a number the Vietnamese way: `.` between thousands, `,` before decimals
/// (at most two decimals, trailing zeros dropped).
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let negative = value < 0.0;
    let rounded = (value.abs() * 100.0).round() / 100.0;
    let whole = rounded.trunc() as u128;
    let cents = ((rounded - rounded.trunc()) * 100.0).round() as u32;
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if negative && (whole > 0 || cents > 0) {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if cents > 0 {
        let frac = format!("{cents:02}");
        out.push(',');
        out.push_str(frac.trim_end_matches('0'));
    }
    out
}

/// `2024-12-30` → `30/12/2024`; anything else unchanged.
pub fn date(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    if p.len() == 3 {
        format!("{}/{}/{}", p[2], p[1], p[0])
    } else {
        iso.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_vietnamese_separators() {
        assert_eq!(number(632_000_000.0), "632.000.000");
        assert_eq!(number(30638.0), "30.638");
        assert_eq!(number(2.5), "2,5");
        assert_eq!(number(999.0), "999");
        assert_eq!(number(1234.567), "1.234,57");
        assert_eq!(number(-1500.0), "-1.500");
    }

    #[test]
    fn dates_are_day_month_year() {
        assert_eq!(date("2024-12-30"), "30/12/2024");
    }
}
