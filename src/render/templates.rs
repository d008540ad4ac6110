//! The theme as loaded for rendering: its Tera templates (the built-in ones with a site's
//! overrides, `theme.rs`), its interface strings (`i18n/<language>.yaml`) and filters.

use super::*;

/// The theme's strings (`i18n/<language>.yaml`), exposed to templates as `t`.
pub struct I18n {
    pub(super) value: Value,
    missing: Mutex<BTreeSet<String>>,
}

impl I18n {
    /// Wraps the parsed file.
    pub fn new(value: Value) -> Self {
        I18n {
            value,
            missing: Mutex::new(BTreeSet::new()),
        }
    }

    /// The string at a dotted key; the key itself (and a warning later) when missing.
    pub fn get(&self, key: &str) -> String {
        let mut v = &self.value;
        for part in key.split('.') {
            match v.get(part) {
                Some(next) => v = next,
                None => {
                    if let Ok(mut m) = self.missing.lock() {
                        m.insert(key.to_string());
                    }
                    return key.to_string();
                }
            }
        }
        match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// The string at `key` with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key);
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// Keys templates or code asked for that the file lacks.
    pub fn missing(&self) -> Vec<String> {
        self.missing
            .lock()
            .map(|m| m.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// Loaded theme: compiled templates, strings and the static files (see [`theme`]).
pub struct Theme {
    pub(super) tera: Tera,
    /// Strings.
    pub i18n: I18n,
    /// Files copied to the output as they are: path under `static/` → where it comes from.
    pub static_files: Vec<(String, theme::ThemeFile)>,
    /// A hash of the templates and strings: part of every page's key ([`super::memo`]).
    pub(super) key: u64,
    /// What each template can read of the site-wide values under `site` ([`super::reads`]).
    pub(super) site_reads: HashMap<String, super::reads::Reads>,
}

impl Theme {
    /// Loads theme `name`: the built-in files with the site's `themes/<name>/` over them;
    /// every problem is returned at once.
    pub fn load(root: &Path, name: &str, language: &str) -> Result<Theme, Vec<Diagnostic>> {
        let rel_dir = PathBuf::from("themes").join(name);
        let files = theme::files(root, name)?;
        let mut diags = Vec::new();
        let mut templates = Vec::new();
        let mut key = xxhash_rust::xxh3::Xxh3::new();
        // A template that reads the environment (`get_env`) may give other bytes from the
        // same values: its pages are never kept ([`super::memo`]), the key made unique.
        let mut reads_env = false;
        for (rel, file) in files.range("templates/".to_string()..) {
            let Some(name) = rel.strip_prefix("templates/") else {
                break;
            };
            if !(name.ends_with(".html") || name.ends_with(".xml")) {
                continue;
            }
            match file.read_text() {
                Ok(text) => {
                    key.update(&(name.len() as u64).to_le_bytes());
                    key.update(name.as_bytes());
                    key.update(&(text.len() as u64).to_le_bytes());
                    key.update(text.as_bytes());
                    reads_env |= text.contains("get_env");
                    templates.push((name.to_string(), text));
                }
                Err(e) => diags.push(Diagnostic::error(
                    &rel_dir.join(rel),
                    0,
                    0,
                    format!("cannot read template: {e}"),
                )),
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which bloats every URL; these five suffice.
        tera.set_escape_fn(markdown::html_escape);
        tera.set_escape_write_fn(markdown::html_escape_into);
        tera.register_filter("num", num_filter);
        let site_reads = super::reads::site_reads(&templates);
        if let Err(e) = tera.add_raw_templates(templates) {
            diags.push(Diagnostic::error(
                &rel_dir.join("templates"),
                0,
                0,
                format!("template error: {}", error_chain(&e)),
            ));
        }
        let i18n_key = format!("i18n/{language}.yaml");
        let i18n_rel = rel_dir.join(&i18n_key);
        let i18n_text = match files.get(&i18n_key) {
            Some(f) => f.read_text(),
            None => Err(io::Error::new(
                io::ErrorKind::NotFound,
                crate::msg!("theme.no_strings", path = i18n_rel.display()),
            )),
        };
        if let Ok(text) = &i18n_text {
            key.update(text.as_bytes());
        }
        if reads_env {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            key.update(&now.as_nanos().to_le_bytes());
            key.update(&std::process::id().to_le_bytes());
        }
        let i18n = match i18n_text {
            Ok(text) => match crate::yaml_load::load(&text) {
                Ok(v) => serde_json::to_value(&v).unwrap_or(Value::Null),
                Err(e) => {
                    diags.push(Diagnostic::error(&i18n_rel, e.line, e.column, e.message));
                    Value::Null
                }
            },
            Err(e) => {
                diags.push(Diagnostic::error(
                    &i18n_rel,
                    0,
                    0,
                    format!("cannot read the theme's strings for language \"{language}\": {e}"),
                ));
                Value::Null
            }
        };
        if !diags.is_empty() {
            return Err(diags);
        }
        let static_files = files
            .into_iter()
            .filter_map(|(rel, f)| Some((rel.strip_prefix("static/")?.to_string(), f)))
            .collect();
        Ok(Theme {
            tera,
            i18n: I18n::new(i18n),
            static_files,
            key: key.digest(),
            site_reads,
        })
    }
}

/// The `num` filter: a number with Vietnamese separators (`30638` → `30.638`).
fn num_filter(value: &Value, _args: &HashMap<String, Value>) -> tera::Result<Value> {
    match value.as_f64() {
        Some(n) => Ok(Value::String(format::number(n))),
        None => Ok(value.clone()),
    }
}
