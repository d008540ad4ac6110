//! The command line's own texts in the chosen language: `--help` (every command's about
//! and every option's help, from the catalogue ids `help.<command>.<option>`), clap's
//! headings, and usage errors. The binary parses its arguments with the command this
//! module localises.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};
use std::ffi::OsString;
use std::process::ExitCode;

/// The value of `--lang X` / `--lang=X` among the arguments, read before clap parses them
/// (so that `--help` and usage errors are in that language).
pub fn lang_arg(args: &[OsString]) -> Option<String> {
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == "--lang" {
            return it.next().map(|v| v.into_owned());
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Some(v.to_string());
        }
    }
    None
}

/// Reads a `--year` value: a whole number (clap's own message for a bad one is English).
pub fn year_flag(value: &str) -> Result<i32, String> {
    value
        .trim()
        .parse()
        .map_err(|_| crate::msg!("cli.usage_want_year"))
}

/// Reads a `--port` value: a whole number from 0 to 65535.
pub fn port_flag(value: &str) -> Result<u16, String> {
    value
        .trim()
        .parse()
        .map_err(|_| crate::msg!("cli.usage_want_port"))
}

/// Reads a `--bind` value: an IP address.
pub fn ip_flag(value: &str) -> Result<std::net::IpAddr, String> {
    value
        .trim()
        .parse()
        .map_err(|_| crate::msg!("cli.usage_want_ip"))
}

/// A text that lives as long as the program: clap takes headings and value names as
/// `&'static str` (the command is built once per run, so this is a few short strings).
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The catalogue id of a command's or option's help: `help.about` for dvk itself,
/// `help.<path>.about` for a command, `help.<path>.<option>` for an option (global options
/// at the top: `help.quiet`).
fn help_id(path: &str, item: &str) -> String {
    if path.is_empty() {
        format!("help.{item}")
    } else {
        format!("help.{path}.{item}")
    }
}

/// `cmd` (dvk's command, as derived) with every text a user sees in the language in use.
pub fn localize(cmd: Command) -> Command {
    let cmd = localize_at(cmd, "");
    cmd.disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help(crate::msg!("help.version"))
            .help_heading(leak(crate::msg!("help.heading_options")))
            .display_order(HELP_ORDER + 1),
    )
}

/// The text of `id` in the language in use, or in English, or `None` (a command or option
/// added without a catalogue entry then keeps the text written in the code).
fn lookup(id: &str) -> Option<String> {
    crate::msg::catalogue(crate::msg::lang())
        .get(id)
        .or_else(|| crate::msg::catalogue(crate::msg::Lang::En).get(id))
        .cloned()
}

/// Where `--help` (and after it `--version`) stands in a command's list of options: after
/// the command's own options and the global ones.
const HELP_ORDER: usize = 1000;
/// Where the global options (`--quiet`, `--verbose`, `--lang`) stand: after the command's
/// own options (clap numbers each command's options from 0, so without this they would be
/// mixed in among them).
const GLOBAL_ORDER: usize = 900;

/// The usage line of the command at `path` (`dvk new model [TÙY_CHỌN] <TÊN>`), in the
/// language in use: clap writes `[OPTIONS]` and `<COMMAND>` in English whatever the
/// headings say.
fn usage_line(cmd: &Command, path: &str) -> String {
    let mut usage = String::from("dvk");
    for part in path.split('.').filter(|p| !p.is_empty()) {
        usage.push(' ');
        usage.push_str(part);
    }
    usage.push(' ');
    usage.push_str(&crate::msg!("help.usage_options"));
    for a in cmd.get_positionals() {
        let name = a
            .get_value_names()
            .and_then(|v| v.first())
            .map(|s| s.to_string())
            .unwrap_or_else(|| a.get_id().to_string().to_uppercase());
        let many = matches!(a.get_action(), ArgAction::Append)
            || a.get_num_args().is_some_and(|n| n.max_values() > 1);
        let dots = if many { "..." } else { "" };
        if a.is_required_set() {
            usage.push_str(&format!(" <{name}>{dots}"));
        } else {
            usage.push_str(&format!(" [{name}]{dots}"));
        }
    }
    if cmd.has_subcommands() {
        usage.push_str(&format!(" <{}>", crate::msg!("help.command_value")));
    }
    usage
}

fn localize_at(mut cmd: Command, path: &str) -> Command {
    if let Some(about) = lookup(&help_id(path, "about")) {
        cmd = cmd.about(about).long_about(None);
    }
    let options = leak(crate::msg!("help.heading_options"));
    let arguments = leak(crate::msg!("help.heading_arguments"));
    cmd = cmd
        .help_template(crate::msg!("help.template"))
        .subcommand_help_heading(leak(crate::msg!("help.heading_commands")))
        .subcommand_value_name(leak(crate::msg!("help.command_value")))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(crate::msg!("help.help"))
                .help_heading(options)
                .display_order(HELP_ORDER),
        );
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .filter(|id| id != "help")
        .collect();
    let mut globals = 0;
    for id in ids {
        let text = lookup(&help_id(path, &id));
        let value_name = lookup(&format!("help.value.{id}"));
        cmd = cmd.mut_arg(&id, |a| {
            let heading = if a.is_positional() {
                arguments
            } else {
                options
            };
            let a = match text {
                Some(t) => a.help(t).long_help(None),
                None => a,
            };
            let a = if a.get_action().takes_values() {
                // Defaults and accepted values are said in the help text itself.
                let a = a.hide_default_value(true).hide_possible_values(true);
                match value_name {
                    Some(v) => a.value_name(leak(v)),
                    None => a,
                }
            } else {
                a
            };
            let a = if a.is_global_set() {
                globals += 1;
                a.display_order(GLOBAL_ORDER + globals)
            } else {
                a
            };
            a.help_heading(heading)
        });
    }
    let usage = usage_line(&cmd, path);
    cmd = cmd.override_usage(usage);
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| localize_at(s, &sub_path));
    }
    cmd
}

/// Reports a usage error (or prints help and the version, which clap treats as errors)
/// and gives the exit code: 0 for help and version, 2 for a wrong command line.
pub fn usage_error(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
        _ => {}
    }
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let detail = match e.kind() {
        ErrorKind::UnknownArgument => crate::msg!("cli.usage_unknown_arg", arg = arg),
        ErrorKind::InvalidSubcommand => {
            crate::msg!(
                "cli.usage_unknown_command",
                command = ctx(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = ctx(ContextKind::ValidValue);
            let mut t = crate::msg!("cli.usage_bad_value", value = value, arg = arg);
            // What the value's own check said (e.g. why a --base-url is refused).
            if let Some(why) = std::error::Error::source(&e) {
                t.push(' ');
                t.push_str(&why.to_string());
            }
            if !valid.is_empty() {
                t.push(' ');
                t.push_str(&crate::msg!("cli.usage_valid_values", values = valid));
            }
            t
        }
        ErrorKind::MissingRequiredArgument => crate::msg!("cli.usage_missing", arg = arg),
        ErrorKind::MissingSubcommand => crate::msg!("cli.usage_missing_command"),
        ErrorKind::ArgumentConflict => crate::msg!("cli.usage_conflict", arg = arg),
        ErrorKind::TooManyValues => {
            crate::msg!("cli.usage_extra", value = value)
        }
        _ => {
            let raw = e.render().to_string();
            let raw = raw
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ");
            crate::msg!("cli.usage_other", detail = raw)
        }
    };
    eprintln!("{}: {detail}", crate::msg!("severity.error"));
    eprintln!("{}", crate::msg!("cli.usage_see_help"));
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_language_is_read_before_clap_parses() {
        assert_eq!(
            lang_arg(&args(&["dvk", "build", "--lang", "en"])).as_deref(),
            Some("en")
        );
        assert_eq!(
            lang_arg(&args(&["dvk", "--lang=vi", "check"])).as_deref(),
            Some("vi")
        );
        assert_eq!(
            lang_arg(&args(&["dvk", "new", "model", "--", "--lang"])),
            None
        );
        assert_eq!(lang_arg(&args(&["dvk", "build"])), None);
    }

    #[test]
    fn every_help_text_of_a_command_comes_from_the_catalogue_in_both_languages() {
        let ids = [
            "help.about",
            "help.build.about",
            "help.build.strict",
            "help.check.strict",
            "help.serve.about",
            "help.stats.format",
            "help.template",
        ];
        for lang in [crate::msg::Lang::Vi, crate::msg::Lang::En] {
            for id in ids {
                assert!(crate::msg::catalogue(lang).contains_key(id), "{id}");
            }
        }
    }
}
