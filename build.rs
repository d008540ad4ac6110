//! Compiles the default theme into the binary: writes `$OUT_DIR/builtin_theme.rs`, a list of
//! every file under `themes/default/` (path relative to the theme, bytes by `include_bytes!`),
//! read by `src/render/theme.rs`. A site's own `themes/default/` overrides it file by file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Editors' backup and hidden files are not part of the theme.
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let theme = manifest.join("themes").join("default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    walk(&theme, &mut files);
    let mut src = String::from(
        "/// Every file of the built-in theme: path relative to the theme folder, bytes.\n\
         pub static BUILTIN: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        let rel = f
            .strip_prefix(&theme)
            .expect("under the theme")
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            src,
            "    ({:?}, include_bytes!({:?})),",
            rel,
            f.to_string_lossy()
        );
    }
    src.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin_theme.rs");
    std::fs::write(out, src).expect("write builtin_theme.rs");
}
