//! The open data: every model's record, newest first, as JSON (`du-lieu/mo-hinh.json`) and
//! as CSV (`du-lieu/mo-hinh.csv`). A record's bytes in either file depend on that record
//! alone, so a build copies the bytes of every record that did not change from the files the
//! last build published, and serializes only the others: a rebuild after one edit makes one
//! record, not tens of thousands (the two files are 55 MB at 30,000 models). Where each
//! record's bytes lie is kept in `.dvk-cache/open-data.bin` ([`Index`]), under each record's
//! key (a hash of all of its fields, [`Record::key`]); it is used only with published files
//! that the output's marker says are the ones it describes and unchanged since
//! ([`Sink::earlier`]). Without them every record is serialized, on every core, a slice of
//! the site at a time (the files are never whole in memory).

use super::views::Urls;
use super::Sink;
use crate::routes;
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::Xxh3;

/// One model in the open data.
#[derive(Serialize)]
struct Record<'a> {
    slug: &'a str,
    url: String,
    title: &'a str,
    year: i32,
    province: &'a str,
    district: Option<&'a str>,
    commune: Option<&'a str>,
    field: &'a str,
    field_slug: &'a str,
    host: &'a str,
    level: Option<&'static str>,
    exemplary: bool,
    date: Option<&'a str>,
    summary: &'a str,
    results: Vec<RecordResult<'a>>,
    tags: &'a [String],
    replicated_from: Option<&'a str>,
    /// Official codes, then and now.
    #[serde(flatten)]
    place: crate::site::places::OpenPlace,
}

#[derive(Serialize)]
struct RecordResult<'a> {
    label: &'a str,
    value: f64,
    unit: &'a str,
}

/// The record of model `i`.
fn record<'a>(site: &'a Site, urls: &Urls, i: usize) -> Record<'a> {
    let m = &site.models[i];
    let field = &site.config.fields[m.field];
    Record {
        slug: &site.slugs[i],
        url: urls.absolute(&routes::model(&site.slugs[i])),
        title: &m.title,
        year: m.year,
        province: &site.provinces[site.model_province[i]].name,
        district: site.model_district[i]
            .filter(|&d| !site.districts[d].commune)
            .map(|d| site.districts[d].name.as_str()),
        commune: m.commune.as_deref(),
        field: &field.label,
        field_slug: &field.slug,
        host: &m.host,
        level: m.level.map(|l| l.code()),
        exemplary: m.exemplary,
        date: m.date.as_deref(),
        summary: &site.summaries[i],
        results: m
            .results
            .iter()
            .map(|r| RecordResult {
                label: &r.label,
                value: r.value,
                unit: &r.unit,
            })
            .collect(),
        tags: &m.tags,
        replicated_from: site.replicated_from[i].map(|j| site.slugs[j].as_str()),
        place: crate::site::places::open_place(site, i),
    }
}

/// The open data CSV's columns: the model keys the schema exports ([`crate::schema::Key::csv`]),
/// with the page's URL, the field's slug and the places' official codes then and now.
pub const CSV_COLUMNS: &[&str] = &[
    "slug",
    "url",
    "title",
    "year",
    "province",
    "district",
    "commune",
    "field",
    "field_slug",
    "host",
    "level",
    "exemplary",
    "date",
    "summary",
    "results",
    "tags",
    "replicated_from",
    "units",
    "province_code",
    "district_code",
    "commune_code",
    "province_today",
    "province_today_code",
    "commune_today",
    "commune_today_code",
];

/// Records made and serialized together: the bytes of a slice of the site are in memory at
/// once, no more.
const SLICE: usize = 2048;

/// Between two records of the JSON array (the array is indented by two spaces).
const JSON_SEP: &[u8] = b",\n  ";
/// A byte-order mark: Excel on a Vietnamese Windows reads the file as UTF-8 only with it.
const BOM: &[u8] = b"\xEF\xBB\xBF";

impl Record<'_> {
    /// A hash of every field: equal keys, equal bytes in both files. The fields are named
    /// one by one (no `..`): a field added to [`Record`] must be added here too, or this
    /// does not compile.
    fn key(&self) -> u64 {
        let Record {
            slug,
            url,
            title,
            year,
            province,
            district,
            commune,
            field,
            field_slug,
            host,
            level,
            exemplary,
            date,
            summary,
            results,
            tags,
            replicated_from,
            place,
        } = self;
        let crate::site::places::OpenPlace {
            units,
            province_code,
            district_code,
            commune_code,
            province_today,
            province_today_code,
            commune_today,
            commune_today_code,
        } = place;
        let mut h = Xxh3::new();
        h.update(&crate::fresh::program_salt().to_le_bytes());
        for s in [
            *slug,
            url,
            *title,
            *province,
            *field,
            *field_slug,
            *host,
            *summary,
            *units,
        ] {
            text(&mut h, s);
        }
        for s in [
            *district,
            *commune,
            *level,
            *date,
            *replicated_from,
            *province_code,
            *district_code,
            *commune_code,
            province_today.as_deref(),
            *province_today_code,
        ] {
            optional(&mut h, s);
        }
        h.update(&year.to_le_bytes());
        h.update(&[u8::from(*exemplary)]);
        h.update(&(results.len() as u64).to_le_bytes());
        for RecordResult { label, value, unit } in results {
            text(&mut h, label);
            h.update(&value.to_bits().to_le_bytes());
            text(&mut h, unit);
        }
        list(&mut h, tags.iter().map(String::as_str));
        list(&mut h, commune_today.iter().map(String::as_str));
        list(&mut h, commune_today_code.iter().copied());
        h.digest()
    }

    /// The record as it stands in the JSON array: pretty, its lines indented by two spaces
    /// more (as `serde_json` writes the whole array), without the separator before it.
    fn json(&self, out: &mut Vec<u8>) -> io::Result<()> {
        serde_json::to_writer_pretty(Indented(out), self).map_err(io::Error::other)
    }

    /// The record's line of the CSV file (quoted where needed, ending with a newline).
    fn csv(&self, out: &mut Vec<u8>) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        self.csv_into(&mut w).map_err(io::Error::other)?;
        w.flush()
    }

    /// The record's row written by `w`.
    fn csv_into<W: Write>(&self, w: &mut csv::Writer<W>) -> csv::Result<()> {
        let r = self;
        let results = r
            .results
            .iter()
            .map(|x| {
                format!("{}: {} {}", x.label, x.value, x.unit)
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("; ");
        w.write_record([
            r.slug,
            &r.url,
            r.title,
            &r.year.to_string(),
            r.province,
            r.district.unwrap_or(""),
            r.commune.unwrap_or(""),
            r.field,
            r.field_slug,
            r.host,
            r.level.unwrap_or(""),
            if r.exemplary { "true" } else { "false" },
            r.date.unwrap_or(""),
            r.summary,
            &results,
            &r.tags.join("; "),
            r.replicated_from.unwrap_or(""),
            r.place.units,
            r.place.province_code.unwrap_or(""),
            r.place.district_code.unwrap_or(""),
            r.place.commune_code.unwrap_or(""),
            r.place.province_today.as_deref().unwrap_or(""),
            r.place.province_today_code.unwrap_or(""),
            &r.place.commune_today.join("; "),
            &r.place.commune_today_code.join("; "),
        ])
    }
}

/// A string, its length first (so that two fields cannot run into each other).
fn text(h: &mut Xxh3, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// A list of texts, its length first (two lists never hash alike by moving a text over).
fn list<'a>(h: &mut Xxh3, items: impl ExactSizeIterator<Item = &'a str>) {
    h.update(&(items.len() as u64).to_le_bytes());
    for s in items {
        text(h, s);
    }
}

/// An optional string, told apart from an empty one.
fn optional(h: &mut Xxh3, s: Option<&str>) {
    match s {
        None => h.update(&[0]),
        Some(s) => {
            h.update(&[1]);
            text(h, s);
        }
    }
}

/// A writer that indents every line after the first by two spaces (JSON strings hold no
/// raw newline: each one is where the formatter broke a line).
struct Indented<'a>(&'a mut Vec<u8>);

impl Write for Indented<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            self.0.extend_from_slice(&rest[..=i]);
            self.0.extend_from_slice(b"  ");
            rest = &rest[i + 1..];
        }
        self.0.extend_from_slice(rest);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The two files.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

impl Format {
    fn path(self) -> &'static str {
        match self {
            Format::Json => routes::DATA_JSON,
            Format::Csv => routes::DATA_CSV,
        }
    }

    /// What comes before the first record.
    fn head(self, any: bool) -> io::Result<Vec<u8>> {
        Ok(match (self, any) {
            (Format::Json, true) => b"[\n  ".to_vec(),
            (Format::Json, false) => b"[]".to_vec(),
            (Format::Csv, _) => {
                debug_assert!(crate::schema::MODEL
                    .iter()
                    .all(|k| CSV_COLUMNS.contains(&k.name) == k.csv));
                let mut out = BOM.to_vec();
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record(CSV_COLUMNS).map_err(io::Error::other)?;
                w.flush()?;
                drop(w);
                out
            }
        })
    }

    /// Between two records.
    fn separator(self) -> &'static [u8] {
        match self {
            Format::Json => JSON_SEP,
            Format::Csv => b"",
        }
    }

    /// What comes after the last record.
    fn tail(self, any: bool) -> &'static [u8] {
        match (self, any) {
            (Format::Json, true) => b"\n]\n",
            (Format::Json, false) => b"\n",
            (Format::Csv, _) => b"",
        }
    }

    fn serialize(self, r: &Record, out: &mut Vec<u8>) -> io::Result<()> {
        match self {
            Format::Json => r.json(out),
            Format::Csv => r.csv(out),
        }
    }
}

/// Every model as a JSON array (newest first), each made anew (the preview's).
pub fn models_json(site: &Site, urls: &Urls) -> Vec<u8> {
    whole(site, urls, Format::Json)
}

/// Every model as CSV with a header row; results as `label: value unit` joined by `; `.
pub fn models_csv(site: &Site, urls: &Urls) -> Vec<u8> {
    whole(site, urls, Format::Csv)
}

fn whole(site: &Site, urls: &Urls, format: Format) -> Vec<u8> {
    let mut keys: Vec<u64> = vec![0; site.newest.len()];
    let mut out = Vec::new();
    let _ = write_file(site, urls, format, &mut keys, None, &mut out);
    out
}

/// Where a record's bytes lie in a file: offset, length.
type Span = (u64, u32);

/// What the last build wrote: per record key, its bytes in each file; and each file's hash.
#[derive(Default)]
struct Index {
    spans:
        HashMap<u64, [Span; 2], std::hash::BuildHasherDefault<crate::output::manifest::PathHasher>>,
    hashes: [u64; 2],
}

const MAGIC: &[u8; 8] = b"dvkopd01";

fn index_path(root: &Path) -> PathBuf {
    root.join(".dvk-cache").join("open-data.bin")
}

impl Index {
    /// The index the last build of `root` saved, if whole and of this program.
    fn read(root: &Path) -> Index {
        Self::parse(&std::fs::read(index_path(root)).unwrap_or_default()).unwrap_or_default()
    }

    fn parse(bytes: &[u8]) -> Option<Index> {
        let body = crate::fresh::checked(bytes)?;
        let (head, rest) = body.split_at_checked(32)?;
        let u64_at = |b: &[u8], i: usize| b.get(i..i + 8)?.try_into().ok().map(u64::from_le_bytes);
        let u32_at = |b: &[u8], i: usize| b.get(i..i + 4)?.try_into().ok().map(u32::from_le_bytes);
        if &head[..8] != MAGIC || u64_at(head, 8)? != crate::fresh::program_salt() {
            return None;
        }
        let hashes = [u64_at(head, 16)?, u64_at(head, 24)?];
        const ROW: usize = 8 + 2 * 12;
        if rest.len() % ROW != 0 {
            return None;
        }
        let mut spans = HashMap::default();
        for row in rest.chunks_exact(ROW) {
            spans.insert(
                u64_at(row, 0)?,
                [
                    (u64_at(row, 8)?, u32_at(row, 16)?),
                    (u64_at(row, 20)?, u32_at(row, 28)?),
                ],
            );
        }
        Some(Index { spans, hashes })
    }

    fn save(root: &Path, keys: &[u64], spans: &[Vec<Span>; 2], hashes: [u64; 2]) {
        let mut out = Vec::with_capacity(32 + keys.len() * 32);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&crate::fresh::program_salt().to_le_bytes());
        for h in hashes {
            out.extend_from_slice(&h.to_le_bytes());
        }
        for (i, key) in keys.iter().enumerate() {
            out.extend_from_slice(&key.to_le_bytes());
            for f in spans {
                out.extend_from_slice(&f[i].0.to_le_bytes());
                out.extend_from_slice(&f[i].1.to_le_bytes());
            }
        }
        let target = index_path(root);
        let tmp = target.with_file_name(format!(".open-data.{}.tmp", std::process::id()));
        let _ = crate::fresh::save_checked(&target, &tmp, &mut |w| w.write_all(&out));
    }
}

/// The last build's file of one format, and where each record's bytes lie in it.
struct Earlier<'a> {
    file: std::fs::File,
    spans: &'a Index,
    which: usize,
}

impl Earlier<'_> {
    fn span(&self, key: u64) -> Option<Span> {
        self.spans.spans.get(&key).map(|s| s[self.which])
    }
}

/// What fills a streamed file ([`Sink::write_stream`]).
pub(super) type Fill<'a> = dyn FnMut(&mut dyn Write) -> io::Result<()> + 'a;

/// Writes both files of the open data into `sink` through `stream` (the renderer's
/// [`Sink::write_stream`]), copying unchanged records from the last build's files when it
/// can; a build's output saves where each record went for the next one.
pub(super) fn write(
    root: &Path,
    site: &Site,
    urls: &Urls,
    sink: &dyn Sink,
    stream: &mut dyn FnMut(&str, &mut Fill),
) {
    let index = if sink.is_output() {
        Index::read(root)
    } else {
        Index::default()
    };
    // The keys are needed before a file is written only to find records in the last
    // build's; without one, the first file takes each record's key as it makes it.
    let mut keys: Vec<u64> = if index.spans.is_empty() {
        Vec::new()
    } else {
        site.newest
            .par_iter()
            .with_min_len(256)
            .map(|&i| record(site, urls, i).key())
            .collect()
    };
    let mut spans: [Vec<Span>; 2] = [Vec::new(), Vec::new()];
    let mut hashes = [0u64; 2];
    let mut whole = true;
    for (which, format) in [Format::Json, Format::Csv].into_iter().enumerate() {
        let mut earlier = (!index.spans.is_empty())
            .then(|| sink.earlier(format.path(), index.hashes[which]))
            .flatten()
            .map(|file| Earlier {
                file,
                spans: &index,
                which,
            });
        let mut written = false;
        stream(format.path(), &mut |w| {
            let mut w = crate::fresh::Hashing::new(w);
            let made = write_file(site, urls, format, &mut keys, earlier.as_mut(), &mut w)?;
            spans[which] = made;
            hashes[which] = w.hasher.digest();
            written = true;
            Ok(())
        });
        whole &= written;
    }
    if whole && sink.is_output() {
        Index::save(root, &keys, &spans, hashes);
    }
}

/// A record not found in the earlier file: its key (when taken) and bytes, made on a core.
type Made = Option<io::Result<(u64, Vec<u8>)>>;

/// Writes one file: each record copied from `earlier` when its key is found there (runs of
/// records that lay together copied at once), else serialized. Returns where each record's
/// bytes went. `keys` are the records' keys, or empty: then each record is made, and its key
/// taken as it is.
fn write_file(
    site: &Site,
    urls: &Urls,
    format: Format,
    keys: &mut Vec<u64>,
    mut earlier: Option<&mut Earlier>,
    w: &mut dyn Write,
) -> io::Result<Vec<Span>> {
    let n = site.newest.len();
    let keyed = keys.len() == n;
    if !keyed {
        keys.clear();
        earlier = None;
    }
    let head = format.head(n > 0)?;
    w.write_all(&head)?;
    let sep = format.separator();
    let mut pos = head.len() as u64;
    let mut spans = Vec::with_capacity(n);
    // A run of the earlier file's bytes not copied yet: offset, length.
    let mut run: Option<(u64, u64)> = None;
    let mut buf = Vec::new();
    for (s, ids) in site.newest.chunks(SLICE).enumerate() {
        let found: Vec<Option<Span>> = match earlier.as_deref() {
            Some(e) => keys[s * SLICE..][..ids.len()]
                .iter()
                .map(|&k| e.span(k))
                .collect(),
            None => vec![None; ids.len()],
        };
        // The records not found, serialized on every core (with their keys when not known).
        let made: Vec<Made> = ids
            .par_iter()
            .zip(&found)
            .map(|(&i, found)| {
                found.is_none().then(|| {
                    let r = record(site, urls, i);
                    let key = if keyed { 0 } else { r.key() };
                    let mut out = Vec::with_capacity(1024);
                    format.serialize(&r, &mut out).map(|()| (key, out))
                })
            })
            .collect();
        for (found, made) in found.into_iter().zip(made) {
            if !spans.is_empty() {
                pos += sep.len() as u64;
            }
            match (found, made) {
                (Some((off, len)), _) => {
                    match &mut run {
                        // Lay right after the run in the earlier file (the separator
                        // between them too): the run grows.
                        Some((start, n)) if *start + *n + sep.len() as u64 == off => {
                            *n += sep.len() as u64 + u64::from(len)
                        }
                        _ => {
                            if let (Some(r), Some(e)) = (run.take(), earlier.as_deref_mut()) {
                                copy(&mut e.file, r, w, &mut buf)?;
                            }
                            if !spans.is_empty() {
                                w.write_all(sep)?;
                            }
                            run = Some((off, u64::from(len)));
                        }
                    }
                    spans.push((pos, len));
                    pos += u64::from(len);
                }
                (None, made) => {
                    let (key, bytes) = made.unwrap_or_else(|| Err(io::Error::other("not made")))?;
                    if !keyed {
                        keys.push(key);
                    }
                    if let (Some(r), Some(e)) = (run.take(), earlier.as_deref_mut()) {
                        copy(&mut e.file, r, w, &mut buf)?;
                    }
                    if !spans.is_empty() {
                        w.write_all(sep)?;
                    }
                    w.write_all(&bytes)?;
                    let len = u32::try_from(bytes.len()).map_err(io::Error::other)?;
                    spans.push((pos, len));
                    pos += u64::from(len);
                }
            }
        }
    }
    if let (Some(r), Some(e)) = (run.take(), earlier) {
        copy(&mut e.file, r, w, &mut buf)?;
    }
    w.write_all(format.tail(n > 0))?;
    Ok(spans)
}

/// Copies `len` bytes at `off` of `file` to `w`: all of them, or an error.
fn copy(
    file: &mut std::fs::File,
    (off, len): (u64, u64),
    w: &mut dyn Write,
    buf: &mut Vec<u8>,
) -> io::Result<()> {
    file.seek(io::SeekFrom::Start(off))?;
    buf.resize(1 << 20, 0);
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        file.read_exact(&mut buf[..n])?;
        w.write_all(&buf[..n])?;
        left -= n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The repository's sample site, loaded.
    fn sample() -> (Site, Urls) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, _) = crate::load_site(root, false, None);
        assert!(site.newest.len() > 5, "the sample site has models");
        let urls = Urls {
            base_path: site.config.base_path(),
            base_url: site.config.base_url.clone(),
        };
        (site, urls)
    }

    #[test]
    fn records_made_one_by_one_are_the_files_serde_and_csv_make_whole() {
        let (site, urls) = sample();
        let all: Vec<Record> = site
            .newest
            .iter()
            .map(|&i| record(&site, &urls, i))
            .collect();
        let mut json = serde_json::to_vec_pretty(&all).unwrap();
        json.push(b'\n');
        assert_eq!(
            String::from_utf8(models_json(&site, &urls)).unwrap(),
            String::from_utf8(json).unwrap()
        );
        let mut csv = BOM.to_vec();
        let mut w = csv::Writer::from_writer(&mut csv);
        w.write_record(CSV_COLUMNS).unwrap();
        for r in &all {
            r.csv_into(&mut w).unwrap();
        }
        drop(w);
        assert_eq!(
            String::from_utf8(models_csv(&site, &urls)).unwrap(),
            String::from_utf8(csv).unwrap()
        );
        // No model: an empty array, a header alone.
        let mut empty = site.clone();
        empty.newest.clear();
        assert_eq!(models_json(&empty, &urls), b"[]\n");
        assert_eq!(models_csv(&empty, &urls), Format::Csv.head(false).unwrap());
    }

    /// The file `format` makes of `site`, with the spans of its records; copying from
    /// `earlier` (a file and the index of the site it was made of) when given, else taking
    /// the keys as it makes the records (as a first build does): they must be the keys.
    fn made(
        site: &Site,
        urls: &Urls,
        format: Format,
        earlier: Option<(&[u8], &Index)>,
    ) -> (Vec<u8>, Vec<Span>) {
        let keys: Vec<u64> = site
            .newest
            .iter()
            .map(|&i| record(site, urls, i).key())
            .collect();
        let mut given = if earlier.is_some() {
            keys.clone()
        } else {
            Vec::new()
        };
        let dir = tempfile::tempdir().unwrap();
        let mut earlier = earlier.map(|(bytes, index)| {
            let path = dir.path().join("earlier");
            std::fs::write(&path, bytes).unwrap();
            Earlier {
                file: std::fs::File::open(path).unwrap(),
                spans: index,
                which: format as usize,
            }
        });
        let mut out = Vec::new();
        let spans = write_file(site, urls, format, &mut given, earlier.as_mut(), &mut out).unwrap();
        assert!(given == keys, "the keys taken as the records were made");
        (out, spans)
    }

    #[test]
    fn a_file_copied_in_part_from_the_last_one_is_the_file_made_anew() {
        let (site, urls) = sample();
        for format in [Format::Json, Format::Csv] {
            let (before, spans) = made(&site, &urls, format, None);
            let keys: Vec<u64> = site
                .newest
                .iter()
                .map(|&i| record(&site, &urls, i).key())
                .collect();
            let mut index = Index::default();
            for (k, s) in keys.iter().zip(&spans) {
                index.spans.insert(*k, [*s, *s]);
            }
            // Each span is its record's bytes.
            for (&i, &(off, len)) in site.newest.iter().zip(&spans) {
                let mut one = Vec::new();
                format
                    .serialize(&record(&site, &urls, i), &mut one)
                    .unwrap();
                assert_eq!(&before[off as usize..off as usize + len as usize], &one[..]);
            }
            // Edits: the newest model removed, another's summary changed, two swapped.
            let mut edited = site.clone();
            edited.newest.remove(0);
            let j = edited.newest[2];
            edited.summaries[j] = format!("Đã sửa. {}", edited.summaries[j]).into();
            edited.newest.swap(3, 4);
            let (fresh, _) = made(&edited, &urls, format, None);
            let (copied, _) = made(&edited, &urls, format, Some((&before, &index)));
            assert_eq!(
                String::from_utf8(copied).unwrap(),
                String::from_utf8(fresh.clone()).unwrap()
            );
            // Nothing changed: the same file, every record copied.
            let (again, _) = made(&site, &urls, format, Some((&before, &index)));
            assert_eq!(again, before);
            // A key the earlier file does not have is made anew: a record made from other
            // values is never copied.
            assert_ne!(
                record(&edited, &urls, j).key(),
                record(&site, &urls, j).key()
            );
        }
    }
}
