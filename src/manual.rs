//! Offload's man page and shell completions, made from the command line's own definition
//! (so they list exactly what `--help` does), printed by the hidden `offload generate`
//! that the Meson install runs.

use std::io::{self, Write};

use clap_complete::Shell;
use clap_mangen::Man;

use crate::cli::{self, Generated};

pub fn print(what: Generated) -> Result<(), String> {
    let mut out = io::stdout().lock();
    let command = cli::definition();
    let written = match what {
        Generated::Man => man_page(command, &mut out),
        Generated::Bash => complete(Shell::Bash, &command, &mut out),
        Generated::Zsh => complete(Shell::Zsh, &command, &mut out),
        Generated::Fish => complete(Shell::Fish, &command, &mut out),
    };
    written
        .and_then(|()| out.flush())
        .map_err(|error| format!("cannot write: {error}"))
}

fn complete(shell: Shell, command: &clap::Command, out: &mut dyn Write) -> io::Result<()> {
    clap_complete::generate(shell, &mut visible(command), "offload", out);
    Ok(())
}

/// `command` without its hidden options and subcommands (test knobs, and `generate`
/// itself), which clap_complete would offer: clap cannot remove an argument, so this
/// builds the command anew from what `--help` shows.
fn visible(command: &clap::Command) -> clap::Command {
    let mut shown = clap::Command::new(command.get_name().to_owned())
        .args(
            command
                .get_arguments()
                .filter(|arg| !arg.is_hide_set())
                .cloned(),
        )
        .subcommands(
            command
                .get_subcommands()
                .filter(|sub| !sub.is_hide_set())
                .map(visible),
        );
    if let Some(about) = command.get_about() {
        shown = shown.about(about.clone());
    }
    if let Some(version) = command.get_version() {
        shown = shown.version(version.to_owned());
    }
    shown
}

/// One page: the window's options, then each visible subcommand with its own options.
fn man_page(command: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let man = Man::new(command.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        writeln!(out, ".SH \"OFFLOAD {}\"", sub.get_name().to_uppercase())?;
        if let Some(about) = sub.get_about() {
            writeln!(out, ".PP\n{}", roff_text(&about.to_string()))?;
        }
        let mut options = Vec::new();
        Man::new(sub.clone()).render_options_section(&mut options)?;
        // Its options under the subcommand's heading, not under a second OPTIONS one.
        let options = String::from_utf8_lossy(&options).replacen(".SH OPTIONS\n", "", 1);
        out.write_all(options.as_bytes())?;
    }
    man.render_version_section(out)
}

/// Plain text as a roff text line: a leading dot or quote would be read as a request,
/// and a backslash as an escape.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
