//! The command line's arguments, as clap reads them (`--help` and usage errors are localised
//! by `dvk::cli_text`).

use clap::{Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "dvk",
    version,
    about = "Static site generator for the Dân vận khéo movement's models"
)]
pub(crate) struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
    /// Print more detail.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
    /// Language of messages: vi (default) or en (also the DVK_LANG environment variable).
    #[arg(long, global = true)]
    pub(crate) lang: Option<String>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Build the site into public/ (or -o OUT).
    Build {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder (default SITE/public).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Publish under this URL instead of site.yaml's base_url.
        #[arg(long, value_parser = dvk::config::base_url_flag)]
        base_url: Option<String>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Fail on warnings too (nothing is published while there is one).
        #[arg(long)]
        strict: bool,
        /// Also write a .gz and a .br copy of every text file of 1 KB or more, for web servers
        /// that send stored compressed files (also `publish: { precompress: true }` in site.yaml).
        #[arg(long)]
        precompress: bool,
    },
    /// Check the content and print every problem, without writing anything.
    Check {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// `text`: one `path:line:col: severity: message` line each, on standard error;
        /// `json`: one object on standard output, for CI and editors' tools.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Preview the site: build it in memory, serve it on this computer and reload the
    /// browser when a file changes. Never writes public/.
    Serve {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Port (the next free one is used when it is taken; 0 lets the system choose).
        #[arg(short, long, default_value_t = 1111, value_parser = dvk::cli_text::port_flag)]
        port: u16,
        /// Address to listen on. Anything but 127.0.0.1 / ::1 lets other computers see the preview.
        #[arg(long, default_value = "127.0.0.1", value_parser = dvk::cli_text::ip_flag)]
        bind: IpAddr,
        /// Leave out drafts (they are shown by default in the preview).
        #[arg(long)]
        no_drafts: bool,
    },
    /// Write a new document with its front matter filled in and explained.
    New {
        #[command(subcommand)]
        what: NewWhat,
    },
    /// Start a new site in DIR: settings explained, an example model, a Giới thiệu page.
    Init {
        /// The new site's folder (created when missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The site's name (default: "Dân vận khéo" and the province).
        #[arg(long)]
        title: Option<String>,
        /// The province the site is for.
        #[arg(long)]
        province: Option<String>,
    },
    /// The theme built into dvk.
    Theme {
        #[command(subcommand)]
        what: ThemeWhat,
    },
    /// The counts the movement reports: by year, province and district, field, level, results.
    Stats {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// `table` (for people), `csv` (long form, for spreadsheets) or `json`.
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
        /// Count only the models recognised this year.
        #[arg(long, value_parser = dvk::cli_text::year_flag)]
        year: Option<i32>,
    },
    /// Import Excel/ODS/CSV lists of models and Word write-ups into content/models/.
    Import {
        /// The files: .xlsx, .xls, .ods, .csv lists, .docx write-ups.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Year of recognition (else from a year column or the list's title).
        #[arg(long, value_parser = dvk::cli_text::year_flag)]
        year: Option<i32>,
        /// Province (else from a column or the list's title rows).
        #[arg(long)]
        province: Option<String>,
        /// District, for rows (or a write-up) that do not give one.
        #[arg(long)]
        district: Option<String>,
        /// Commune, for rows (or a write-up) that do not give one.
        #[arg(long)]
        commune: Option<String>,
        /// Field, for rows without one: a label, slug, alias or abbreviation (KT, VH-XH…).
        #[arg(long)]
        field: Option<String>,
        /// Host organisation, for rows (or a write-up) without one.
        #[arg(long)]
        host: Option<String>,
        /// Recognition level: xa, huyen, tinh or trung-uong.
        #[arg(long)]
        level: Option<String>,
        /// Write nothing: print a table of what would be written.
        #[arg(long)]
        dry_run: bool,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum ThemeWhat {
    /// Copy the built-in theme out to customise it (default: SITE/themes/default/).
    Export {
        /// Destination folder.
        dir: Option<PathBuf>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

#[derive(Subcommand)]
pub(crate) enum NewWhat {
    /// A model write-up, under content/models/<year>/<district or province>/.
    Model {
        /// Title of the model, in quotes.
        title: String,
        /// Year of recognition (default: this year).
        #[arg(long, value_parser = dvk::cli_text::year_flag)]
        year: Option<i32>,
        /// Province (default: the district's, or the site's most used).
        #[arg(long)]
        province: Option<String>,
        /// District (only for a model recognised before 1 July 2025).
        #[arg(long)]
        district: Option<String>,
        /// Commune (xã, phường, đặc khu).
        #[arg(long)]
        commune: Option<String>,
        /// Recognition level: xa, huyen, tinh, trung-uong.
        #[arg(long)]
        level: Option<String>,
        /// An exemplary model (điển hình).
        #[arg(long)]
        exemplary: bool,
        /// Date of publication, YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        /// Field: a label, slug or alias from site.yaml (default: the first).
        #[arg(long)]
        field: Option<String>,
        /// Host organisation (đơn vị chủ trì).
        #[arg(long)]
        host: Option<String>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// A news article, under content/news/.
    Article {
        /// Title of the article, in quotes.
        title: String,
        /// Date, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Slug of a model the article is about (repeatable).
        #[arg(long = "model")]
        models: Vec<String>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// A plain page (giới thiệu, liên hệ), under content/pages/.
    Page {
        /// Title of the page, in quotes.
        title: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

/// What `dvk check` prints.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum CheckFormat {
    Text,
    Json,
}

/// What `dvk stats` prints.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum StatsFormat {
    Table,
    Csv,
    Json,
}
