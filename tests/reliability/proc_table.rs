//! What a process holds, read from /proc: memory, threads, descriptors and children;
//! and this test process as the reaper of every orphan below it.

use std::time::{Duration, Instant};

pub use crate::process_list::children;

/// One sample of what a process holds.
#[derive(Clone, Copy, Debug)]
pub struct Usage {
    pub rss_kib: u64,
    pub threads: u64,
    pub fds: u64,
}

/// What `pid` holds now, or None once it is gone.
pub fn usage(pid: u32) -> Option<Usage> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        line[name.len()..].split_whitespace().next()?.parse().ok()
    };
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count() as u64;
    Some(Usage {
        rss_kib: field("VmRSS:")?,
        threads: field("Threads:")?,
        fds,
    })
}

pub fn own_children() -> Vec<u32> {
    children(std::process::id())
}

/// Makes this process the one that orphans below it are re-parented to, so that a
/// worker child outliving a killed window shows up here instead of escaping to init.
pub fn become_subreaper() {
    // SAFETY: prctl(PR_SET_CHILD_SUBREAPER) only sets a flag on the calling process.
    let done = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    assert_eq!(done, 0, "this process can become a subreaper");
}

/// Reaps every child that has exited, until none is left or `patience` runs out; returns
/// how long that took, or the children still alive then.
///
/// Call only when no `std::process::Child` or in-process worker of ours is running:
/// it reaps any child, theirs included.
pub fn reap_all_within(patience: Duration) -> Result<Duration, Vec<u32>> {
    let started = Instant::now();
    loop {
        // SAFETY: waitpid with WNOHANG and a null status pointer only reaps exited
        // children of this process.
        while unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) } > 0 {}
        let left = own_children();
        if left.is_empty() {
            return Ok(started.elapsed());
        }
        if started.elapsed() > patience {
            return Err(left);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Sends SIGKILL to `pid`.
pub fn kill(pid: u32) {
    // SAFETY: kill() has no memory-safety preconditions.
    let sent = unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    assert_eq!(sent, 0, "SIGKILL reached {pid}");
}
