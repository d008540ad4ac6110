//! The map of the places with models, drawn at build time as inline SVG from the official
//! list's coordinates: Vietnam's mainland outline (for each band of latitude, the westmost
//! and eastmost communes), the islands (special zones) as small marks, the Hoàng Sa and
//! Trường Sa archipelagos drawn and named, and a dot per today's province with models, sized
//! by their count and linked to its page. No tiles, no script, no third party. The page puts
//! the same counts beside it as a list for screen readers (the SVG is a labelled group whose
//! links are named).

use super::views::{self, Urls};
use crate::places::official;
use crate::site::Site;
use std::fmt::Write;

/// Longitude / latitude of the drawing's corners.
const WEST: f32 = 102.0;
const EAST: f32 = 115.2;
const NORTH: f32 = 23.6;
const SOUTH: f32 = 8.2;
/// Drawing units per degree of latitude; longitude shrunk by cos(16°).
const SCALE: f32 = 30.0;
const LON_SCALE: f32 = SCALE * 0.961;

fn x(lon: f32) -> f32 {
    (lon - WEST) * LON_SCALE
}

fn y(lat: f32) -> f32 {
    (NORTH - lat) * SCALE
}

/// The special zones' type index in the list (islands).
const SPECIAL_ZONE: u8 = 8;

/// Outline of the mainland: per 0.2° band of latitude, the second westmost and eastmost
/// commune (one stray coordinate does not bend the coast), west side going south, then
/// east side going north.
fn outline() -> String {
    let places = official();
    const BAND: f32 = 0.2;
    let n = ((NORTH - SOUTH) / BAND) as usize + 1;
    let mut bands: Vec<Vec<f32>> = vec![Vec::new(); n];
    for c in places
        .new_communes
        .iter()
        .filter(|c| c.kind != SPECIAL_ZONE)
    {
        if let Some((lat, lon)) = c.coords() {
            if (SOUTH..NORTH).contains(&lat) && (WEST..110.0).contains(&lon) {
                bands[((NORTH - lat) / BAND) as usize].push(lon);
            }
        }
    }
    let mut west = Vec::new();
    let mut east = Vec::new();
    for (i, b) in bands.iter_mut().enumerate() {
        if b.len() < 2 {
            continue;
        }
        b.sort_by(f32::total_cmp);
        let lat = NORTH - (i as f32 + 0.5) * BAND;
        west.push((b[1] - 0.05, lat));
        east.push((b[b.len() - 2] + 0.05, lat));
    }
    let mut d = String::new();
    for (k, (lon, lat)) in west.iter().chain(east.iter().rev()).enumerate() {
        let _ = write!(
            d,
            "{}{:.0} {:.0}",
            if k == 0 { "M" } else { "L" },
            x(*lon),
            y(*lat)
        );
    }
    d.push('Z');
    d
}

/// The map of today's provinces with models, as an SVG element (inline in the page).
pub fn svg(site: &Site, urls: &Urls, title: &str) -> String {
    let places = official();
    let w = x(EAST);
    let h = y(SOUTH);
    let mut s = String::with_capacity(8 * 1024);
    let _ = write!(
        s,
        r##"<svg class="map" viewBox="0 0 {w:.0} {h:.0}" role="group" aria-labelledby="map-title" xmlns="http://www.w3.org/2000/svg"><title id="map-title">{}</title><path d="{}" fill="#e8efe6" stroke="#7a9a72" stroke-width="1.5"/>"##,
        escape(title),
        outline()
    );
    // Islands (special zones).
    s.push_str(r##"<g fill="#7a9a72">"##);
    for c in places
        .new_communes
        .iter()
        .filter(|c| c.kind == SPECIAL_ZONE)
    {
        if let Some((lat, lon)) = c.coords() {
            let _ = write!(
                s,
                r#"<circle cx="{:.0}" cy="{:.0}" r="2.5"/>"#,
                x(lon),
                y(lat)
            );
        }
    }
    // The archipelagos: a few islands each, and their names.
    for (lat, lon) in [
        (16.83, 112.33),
        (16.53, 111.6),
        (16.45, 111.7),
        (16.25, 111.8),
        (16.97, 112.27),
        (16.0, 111.2),
        (15.78, 111.2),
    ] {
        let _ = write!(
            s,
            r#"<circle cx="{:.0}" cy="{:.0}" r="1.6"/>"#,
            x(lon),
            y(lat)
        );
    }
    for (lat, lon) in [
        (11.43, 114.33),
        (10.38, 114.48),
        (9.88, 114.33),
        (8.64, 111.92),
        (10.18, 114.36),
        (9.0, 113.0),
        (8.85, 112.6),
        (7.88, 113.8),
        (10.9, 114.1),
    ] {
        if lat >= SOUTH {
            let _ = write!(
                s,
                r#"<circle cx="{:.0}" cy="{:.0}" r="1.6"/>"#,
                x(lon),
                y(lat)
            );
        }
    }
    s.push_str("</g>");
    let _ = write!(
        s,
        r##"<g font-size="13" fill="#33502d" text-anchor="middle"><text x="{:.0}" y="{:.0}">Quần đảo</text><text x="{:.0}" y="{:.0}">Hoàng Sa</text><text x="{:.0}" y="{:.0}">Quần đảo</text><text x="{:.0}" y="{:.0}">Trường Sa</text></g>"##,
        x(111.9),
        y(17.55),
        x(111.9),
        y(17.1),
        x(113.3),
        y(12.3),
        x(113.3),
        y(11.85),
    );
    // A dot per today's province with models.
    let max = site
        .provinces
        .iter()
        .filter(|p| !p.former)
        .map(|p| p.models.len())
        .max()
        .unwrap_or(1)
        .max(1) as f32;
    s.push_str(r##"<g fill="#b3261e" fill-opacity=".75" stroke="#fff">"##);
    for (i, p) in site.provinces.iter().enumerate().filter(|(_, p)| !p.former) {
        let Some(u) = p
            .code
            .as_deref()
            .and_then(|c| places.new_province_by_code(c))
            .map(|k| &places.new_provinces[k as usize])
        else {
            continue;
        };
        let Some((lat, lon)) = u.coords() else {
            continue;
        };
        let r = 5.0 + 13.0 * (p.models.len() as f32 / max).sqrt();
        let _ = write!(
            s,
            r#"<a href="{}" aria-label="{name}: {n}"><circle cx="{:.0}" cy="{:.0}" r="{r:.1}"><title>{name}: {n}</title></circle></a>"#,
            escape(&views::province_url(site, urls, i)),
            x(lon),
            y(lat),
            name = escape(&p.name),
            n = p.models.len()
        );
    }
    s.push_str("</g></svg>");
    s
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outline_is_a_closed_path_of_the_mainland() {
        let d = outline();
        assert!(d.starts_with('M') && d.ends_with('Z'));
        // Enough points to show the S shape, few enough to stay small.
        let points = d.matches('L').count();
        assert!((80..200).contains(&points), "{points}");
    }
}
