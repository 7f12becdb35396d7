//! How the app's own executable is started as a worker child, and how it knows it is
//! one: the same value on both sides, so that they agree.

use std::ffi::{CString, OsStr, OsString};
use std::path::PathBuf;

/// The running executable itself, even if its file was replaced meanwhile.
const OWN_EXECUTABLE: &str = "/proc/self/exe";
/// The kernel keeps this many bytes of a process's name (`/proc/<pid>/comm`).
const LONGEST_PROCESS_NAME: usize = 15;

/// How the app's executable runs as a worker child: `<app> worker`, named
/// `<app>-worker` in the process table, speaking the app's version of its kinds.
#[derive(Clone, Debug)]
pub struct ChildCommand {
    pub(crate) program: PathBuf,
    pub(crate) arg0: OsString,
    pub(crate) argument: OsString,
    pub(crate) process_name: CString,
    pub(crate) app_version: u32,
}

impl ChildCommand {
    /// Children of the app `app_name` (argv\[0\] of a child, and the start of its process
    /// name), speaking `app_version` of the app's kinds: change it whenever a kind's
    /// parameters or news change shape, and a parent refuses children of another
    /// version.
    pub fn new(app_name: &str, app_version: u32) -> Self {
        let mut process_name = format!("{app_name}-worker").into_bytes();
        process_name.retain(|byte| *byte != 0);
        process_name.truncate(LONGEST_PROCESS_NAME);
        Self {
            program: PathBuf::from(OWN_EXECUTABLE),
            arg0: app_name.into(),
            argument: "worker".into(),
            process_name: CString::new(process_name).expect("NUL bytes were removed"),
            app_version,
        }
    }

    /// The argument that makes the executable a worker child (`worker` unless set).
    pub fn argument(self, argument: &str) -> Self {
        Self {
            argument: argument.into(),
            ..self
        }
    }

    /// Start children from `program` instead of this executable (see
    /// [`Launcher::children_from`](crate::Launcher::children_from)).
    pub(crate) fn program(self, program: PathBuf) -> Self {
        Self { program, ..self }
    }

    /// Whether this process was started as a worker child: its only argument is the
    /// child's.
    pub fn is_this_process(&self) -> bool {
        let mut arguments = std::env::args_os().skip(1);
        arguments.next().as_deref() == Some(self.argument.as_os_str()) && arguments.next().is_none()
    }

    pub(crate) fn argument_os(&self) -> &OsStr {
        &self.argument
    }
}
