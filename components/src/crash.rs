//! What a worker's crash is called, in the user's language: the library reports why as
//! data, and these sentences say it in the window's toasts and the job's result.

use thread_or_process::{signal_name, CrashReason};

use crate::i18n::{fill, gettext};

/// Why the worker stopped, e.g. "Worker process was killed by SIGSEGV".
pub fn describe(reason: &CrashReason) -> String {
    match reason {
        CrashReason::Panicked => gettext("Worker panicked"),
        CrashReason::KilledBySignal(libc::SIGSYS) => {
            gettext("Worker process was stopped by its sandbox")
        }
        CrashReason::KilledBySignal(signal) => fill(
            // Translators: {signal} is a signal's name, such as SIGSEGV.
            &gettext("Worker process was killed by {signal}"),
            &[("signal", &signal_name(*signal))],
        ),
        CrashReason::ExitedWithStatus(status) => fill(
            &gettext("Worker process exited with status {status}"),
            &[("status", status)],
        ),
        CrashReason::BrokeProtocol => gettext("Worker process broke the protocol"),
        CrashReason::DidNotAnswer => gettext("Worker process did not answer"),
        CrashReason::Incompatible {
            protocol,
            app_version,
        } => fill(
            &gettext(
                "Worker process was refused: it speaks protocol {protocol} of version {version}",
            ),
            &[("protocol", protocol), ("version", app_version)],
        ),
        CrashReason::CouldNotStart { errno } => {
            let error = errno.map_or_else(|| gettext("no reason given"), system_error);
            fill(
                &gettext("Worker process could not start ({error})"),
                &[("error", &error)],
            )
        }
        _ => gettext("Worker stopped unexpectedly"),
    }
}

/// The C library's own words for `errno`, in the user's language, without the English
/// "(os error N)" that Rust's `io::Error` adds.
fn system_error(errno: i32) -> String {
    let said = std::io::Error::from_raw_os_error(errno).to_string();
    match said.rfind(" (os error ") {
        Some(end) => said[..end].to_owned(),
        None => said,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_is_named_as_users_know_it() {
        assert_eq!(
            describe(&CrashReason::KilledBySignal(libc::SIGSEGV)),
            "Worker process was killed by SIGSEGV"
        );
        assert_eq!(
            describe(&CrashReason::ExitedWithStatus(3)),
            "Worker process exited with status 3"
        );
    }

    #[test]
    fn a_call_the_sandbox_blocks_is_told_as_such() {
        assert_eq!(
            describe(&CrashReason::KilledBySignal(libc::SIGSYS)),
            "Worker process was stopped by its sandbox"
        );
    }

    #[test]
    fn a_missing_program_says_what_the_system_said() {
        let words = describe(&CrashReason::CouldNotStart {
            errno: Some(libc::ENOENT),
        });
        assert_eq!(
            words,
            "Worker process could not start (No such file or directory)"
        );
    }
}
