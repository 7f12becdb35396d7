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
/// a backslash as an escape, and a hyphen may be typeset as a dash.
fn roff_text(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated(what: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        what(&mut out).expect("written to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn the_man_page_names_every_visible_option_and_subcommand() {
        let page = generated(|out| man_page(cli::definition(), out));
        let command = cli::definition();
        let subcommands = command.get_subcommands().filter(|sub| !sub.is_hide_set());
        for sub in std::iter::once(&command).chain(subcommands) {
            if sub.get_name() != "offload" {
                assert!(page.contains(&format!("OFFLOAD {}", sub.get_name().to_uppercase())));
            }
            for arg in sub.get_arguments().filter(|arg| !arg.is_hide_set()) {
                let long = arg.get_long().expect("every option is long");
                let in_roff = format!("--{long}").replace('-', "\\-");
                assert!(page.contains(&in_roff), "--{long}");
            }
        }
        assert!(!page.contains("inject") && !page.contains("generate"));
    }

    #[test]
    fn completions_offer_nothing_hidden() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let script = generated(|out| complete(shell, &cli::definition(), out));
            assert!(
                script.contains("headless") && script.contains("upto"),
                "{shell}"
            );
            for hidden in ["generate", "inject-fault", "close-after"] {
                assert!(!script.contains(hidden), "{shell} offers {hidden}");
            }
        }
    }

    #[test]
    fn text_lines_cannot_be_read_as_requests() {
        assert_eq!(roff_text(".hidden 'x' -y"), "\\&.hidden 'x' \\-y");
        assert_eq!(roff_text("a\\b"), "a\\eb");
    }
}
