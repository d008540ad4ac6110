//! Drawing a chart as SVG: bars, patterns for colour-blind readers, labels fitted to the
//! width, and the text description read by screen readers.

use super::*;

/// A number for the CSV: no thousands separator, `.` before decimals, no trailing zeros.
pub(super) fn raw_number(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    }
}

/// The `<desc>`: the kind of chart, its largest bar, where the full numbers are.
pub(super) fn describe(t: &I18n, style: Style, groups: &[Group]) -> String {
    let mut s = if style == Style::Stacked {
        t.get("charts.desc_stacked")
    } else {
        t.get("charts.desc_bars")
    };
    let mut best: Option<&Bar> = None;
    if groups.len() == 1 {
        for b in &groups[0].bars {
            if best.is_none_or(|x| b.values.iter().sum::<f64>() > x.values.iter().sum::<f64>()) {
                best = Some(b);
            }
        }
    }
    if let Some(b) = best {
        s.push(' ');
        s.push_str(&t.fill(
            "charts.desc_max",
            &[("label", &b.label), ("value", &b.value_display)],
        ));
    }
    s.push(' ');
    s.push_str(&t.get("charts.desc_table"));
    s
}

/// Estimated width of a text in chart units.
pub(super) fn text_w(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR_W
}

/// `s` cut to fit `width` units, with an ellipsis.
pub(super) fn fit(s: &str, width: f64) -> String {
    let max = (width / CHAR_W).floor() as usize;
    if s.chars().count() <= max || max < 2 {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out = out.trim_end().to_string();
        out.push('…');
        out
    }
}

/// The pattern kind of series style `i`: 0 solid (the first only), 1–5 stripes, dots, grid…
pub(super) fn kind_of(i: usize) -> usize {
    if i == 0 {
        0
    } else {
        1 + (i - 1) % 5
    }
}

/// The `<defs>` pattern of series style `i` (None for the first, which is solid).
pub(super) fn pattern(id: &str, i: usize) -> Option<String> {
    let c = PALETTE[i % PALETTE.len()];
    let light = "fill=\"#fff\" fill-opacity=\".55\"";
    let body = match kind_of(i) {
        0 => return None,
        1 => format!("<rect width=\"6\" height=\"6\" fill=\"{c}\"/><rect width=\"2\" height=\"6\" {light}/>"),
        2 => format!("<rect width=\"6\" height=\"6\" fill=\"{c}\"/><circle cx=\"3\" cy=\"3\" r=\"1.3\" {light}/>"),
        3 => format!("<rect width=\"6\" height=\"6\" fill=\"{c}\"/><rect width=\"1.5\" height=\"6\" {light}/><rect width=\"6\" height=\"1.5\" {light}/>"),
        4 => format!("<rect width=\"6\" height=\"6\" fill=\"{c}\"/><rect width=\"6\" height=\"2\" {light}/>"),
        _ => format!("<rect width=\"6\" height=\"6\" fill=\"{c}\"/><rect x=\"2\" width=\"2\" height=\"6\" {light}/>"),
    };
    let rotate = if matches!(kind_of(i), 1 | 3) {
        " patternTransform=\"rotate(45)\""
    } else {
        ""
    };
    Some(format!("<pattern id=\"{id}-p{i}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"{rotate}>{body}</pattern>"))
}

pub(super) fn fill_of(id: &str, style: usize) -> String {
    if kind_of(style) == 0 {
        PALETTE[0].to_string()
    } else {
        format!("url(#{id}-p{style})")
    }
}

/// Draws the chart. Layout: an optional legend (wrapping), then per group an optional
/// heading and its bars; labels beside the bars when all are short (years), else above.
pub(super) fn svg(
    id: &str,
    title: &str,
    desc: &str,
    style: Style,
    series: &[Series],
    groups: &[Group],
) -> String {
    let e = html_escape;
    let mut body = String::new();
    let mut y = 0.0_f64;
    let styles: Vec<usize> = series.iter().map(|s| s.style).collect();

    // Legend.
    if style == Style::Stacked {
        body.push_str("<g class=\"legend\">");
        let mut x = 0.0;
        for s in series {
            let w = 22.0 + text_w(&s.label);
            if x > 0.0 && x + w > W {
                x = 0.0;
                y += 24.0;
            }
            let _ = write!(
                body,
                "<rect x=\"{}\" y=\"{}\" width=\"15\" height=\"15\" fill=\"{}\" stroke=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
                r1(x),
                y + 2.0,
                fill_of(id, s.style),
                PALETTE[s.style % PALETTE.len()],
                r1(x + 20.0),
                y + 14.0,
                e(&s.label)
            );
            x += w + 12.0;
        }
        body.push_str("</g>");
        y += 30.0;
    }

    let all_bars = groups.iter().flat_map(|g| g.bars.iter());
    let beside = groups.iter().all(|g| g.heading.is_none())
        && all_bars.clone().all(|b| b.label.chars().count() <= 6);
    let label_w = if beside {
        all_bars
            .clone()
            .map(|b| text_w(&b.label))
            .fold(0.0, f64::max)
            + 8.0
    } else {
        0.0
    };
    let value_w = all_bars
        .clone()
        .map(|b| b.value_display.chars().count() as f64 * BOLD_W)
        .fold(0.0, f64::max)
        + 8.0;
    let bar_max = (W - label_w - value_w).max(60.0);
    let (bar_h, row_h) = if beside { (22.0, 30.0) } else { (18.0, 46.0) };

    for g in groups {
        if let Some(h) = &g.heading {
            let _ = write!(
                body,
                "<text class=\"gh\" x=\"0\" y=\"{}\">{}</text>",
                y + 14.0,
                e(&fit(h, W))
            );
            y += 24.0;
        }
        let max = g
            .bars
            .iter()
            .map(|b| b.values.iter().sum::<f64>())
            .fold(0.0, f64::max);
        let scale = if max > 0.0 { bar_max / max } else { 0.0 };
        for b in &g.bars {
            let bar_y = if beside { y } else { y + 20.0 };
            let _ = write!(body, "<g>");
            if beside {
                let _ = write!(
                    body,
                    "<text x=\"0\" y=\"{}\">{}</text>",
                    y + 16.0,
                    e(&b.label)
                );
            } else {
                let _ = write!(
                    body,
                    "<text x=\"0\" y=\"{}\">{}</text>",
                    y + 14.0,
                    e(&fit(&b.label, W))
                );
            }
            let mut x = label_w;
            for (k, &v) in b.values.iter().enumerate() {
                if v <= 0.0 {
                    continue;
                }
                let w = v * scale;
                let st = styles.get(k).copied().unwrap_or(k);
                let colour = PALETTE[st % PALETTE.len()];
                let tip = if style != Style::Plain {
                    format!("{}: {}", series[k].label, format::number(v))
                } else {
                    format!("{}: {}", b.label, b.value_display)
                };
                // A white gap of 1.5 units between segments keeps each one against white.
                let _ = write!(
                    body,
                    "<rect x=\"{}\" y=\"{bar_y}\" width=\"{}\" height=\"{bar_h}\" fill=\"{}\"><title>{}</title></rect>",
                    r1(x),
                    r1((w - 1.5).max(1.0)),
                    fill_of(id, st),
                    e(&tip)
                );
                let n = format::number(v);
                if style == Style::Stacked && w - 1.5 >= n.chars().count() as f64 * BOLD_W + 6.0 {
                    let _ = write!(
                        body,
                        "<text class=\"in\" x=\"{}\" y=\"{}\" stroke=\"{colour}\">{n}</text>",
                        r1(x + (w - 1.5) / 2.0),
                        bar_y + bar_h / 2.0 + 5.0
                    );
                }
                x += w;
            }
            let _ = write!(
                body,
                "<text class=\"v\" x=\"{}\" y=\"{}\">{}</text></g>",
                r1(x + 4.0),
                bar_y + bar_h / 2.0 + 5.0,
                e(&b.value_display)
            );
            y += row_h;
        }
        y += 6.0;
    }
    let h = y.ceil();

    let mut defs = String::new();
    let mut seen = Vec::new();
    for &s in &styles {
        if !seen.contains(&s) {
            seen.push(s);
            if let Some(p) = pattern(id, s) {
                defs.push_str(&p);
            }
        }
    }
    format!(
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" viewBox=\"0 0 {W} {h}\" width=\"{W}\" height=\"{h}\" font-size=\"14\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>{}{body}</svg>",
        e(title),
        e(desc),
        if defs.is_empty() { String::new() } else { format!("<defs>{defs}</defs>") }
    )
}

/// A coordinate with at most one decimal.
pub(super) fn r1(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}
