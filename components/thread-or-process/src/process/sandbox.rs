//! The worker child's sandbox: what a child may still do once it knows its kind and
//! before any of the app's code runs. Layers, each on its own:
//! - file descriptors: all but stdin, stdout and stderr closed (done first of all);
//! - resource limits: an address-space cap set by the kind, few open files, no core;
//! - no new privileges, not dumpable;
//! - Landlock: no file system access at all, no TCP bind or connect, no signals or
//!   abstract sockets outside the child, as far as the kernel's Landlock ABI goes;
//! - seccomp: an allowlist of the system calls a worker needs. Anything else traps: the
//!   handler names the call on stderr and the child dies of SIGSYS. `clone3` fails with
//!   ENOSYS, so that glibc starts threads with `clone`, whose flags can be checked.
//!   Opening a file is left to Landlock, which refuses it (glibc's allocator reads a
//!   `/proc` file when it trims a thread's heap, and copes with a refusal, not with a
//!   trap); without Landlock, seccomp refuses it with EACCES.
//!
//! Landlock restricts only the calling thread and those it starts later, so `confine`
//! refuses to run unless the child has a single thread.

#[cfg(not(target_pointer_width = "64"))]
compile_error!("the SIGSYS handler reads a 64-bit siginfo_t");

use std::collections::BTreeMap;
use std::io;
use std::sync::OnceLock;

use landlock::{
    Access, AccessFs, AccessNet, CompatLevel, Compatible, Ruleset, RulesetAttr, RulesetStatus,
    Scope, ABI,
};
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

/// The Landlock ABI whose every part the sandbox uses: file system (1 to 5), TCP (4),
/// and scoped signals and abstract sockets (6).
const LANDLOCK_ABI: ABI = ABI::V6;
const LANDLOCK_ABI_NUMBER: i64 = 6;
/// Enough for the pipes, stderr, and a wakeup descriptor per main context.
const OPEN_FILES: libc::rlim_t = 16;

/// How far a worker child is confined: what [`confinement`] says inside one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Confinement {
    /// How much of its Landlock ruleset the kernel enforces.
    pub landlock: Enforced,
    /// The address-space cap, in bytes.
    pub memory_limit: u64,
}

/// How much of a layer is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enforced {
    /// All of it.
    Fully,
    /// What the kernel's version of it can do.
    Partly,
    /// None: the kernel lacks it.
    Not,
}

static CONFINED: OnceLock<Confinement> = OnceLock::new();

/// In a worker child, how it was confined before its task began; None in any other
/// process (and in a child started without its sandbox, which only the bench does).
pub fn confinement() -> Option<Confinement> {
    CONFINED.get().copied()
}

/// Why a child could not confine itself; it then refuses to run its task.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// Another thread runs already: it would escape Landlock.
    #[error("the child runs {0} threads; it must confine itself while it has one")]
    Threads(usize),
    /// A resource limit, `prctl` or the SIGSYS handler was refused.
    #[error("{0} failed: {1}")]
    System(&'static str, io::Error),
    /// The seccomp filter could not be built or installed.
    #[error("seccomp failed: {0}")]
    Seccomp(#[from] seccompiler::Error),
    /// The seccomp filter could not be built for this machine.
    #[error("seccomp failed: {0}")]
    SeccompBackend(#[from] seccompiler::BackendError),
}

/// Closes every file descriptor above stderr: the child keeps only its pipes to the
/// parent and stderr, whatever the parent held open without `O_CLOEXEC`.
pub(crate) fn close_inherited_descriptors() -> Result<(), SandboxError> {
    // SAFETY (all three blocks): closing descriptors, and reading a limit into a struct
    // that lives across the call, have no memory-safety preconditions; nothing in this
    // process uses a descriptor above 2 yet (the child calls this first of all).
    let closed = unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) };
    if closed == 0 {
        return Ok(());
    }
    let error = io::Error::last_os_error();
    if error.raw_os_error() != Some(libc::ENOSYS) {
        return Err(SandboxError::System("close_range", error));
    }
    // Before Linux 5.9: one by one, up to the most a process may have open.
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(SandboxError::System(
            "getrlimit",
            io::Error::last_os_error(),
        ));
    }
    let highest = libc::c_int::try_from(limit.rlim_cur).unwrap_or(libc::c_int::MAX);
    for descriptor in 3..highest {
        unsafe { libc::close(descriptor) };
    }
    Ok(())
}

/// How many threads this process runs, as the kernel counts them.
fn threads() -> Result<usize, SandboxError> {
    let tasks = std::fs::read_dir("/proc/self/task")
        .map_err(|error| SandboxError::System("reading /proc/self/task", error))?;
    Ok(tasks.count())
}

/// Confines this (single-threaded) process as the module says, its address space capped
/// at `memory_limit` bytes.
pub(crate) fn confine(memory_limit: u64) -> Result<(), SandboxError> {
    match threads()? {
        1 => {}
        threads => return Err(SandboxError::Threads(threads)),
    }
    set_limit(libc::RLIMIT_AS, memory_limit)?;
    set_limit(libc::RLIMIT_NOFILE, OPEN_FILES)?;
    set_limit(libc::RLIMIT_CORE, 0)?;
    prctl(libc::PR_SET_NO_NEW_PRIVS, 1, "PR_SET_NO_NEW_PRIVS")?;
    prctl(libc::PR_SET_DUMPABLE, 0, "PR_SET_DUMPABLE")?;
    let landlock = restrict_with_landlock();
    report_blocked_calls()?;
    filter_system_calls(landlock)?;
    let _ = CONFINED.set(Confinement {
        landlock,
        memory_limit,
    });
    Ok(())
}

fn set_limit(resource: libc::__rlimit_resource_t, value: u64) -> Result<(), SandboxError> {
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: setrlimit() reads the struct, which lives across the call.
    if unsafe { libc::setrlimit(resource, &limit) } == 0 {
        Ok(())
    } else {
        Err(SandboxError::System(
            "setrlimit",
            io::Error::last_os_error(),
        ))
    }
}

fn prctl(
    option: libc::c_int,
    value: libc::c_ulong,
    name: &'static str,
) -> Result<(), SandboxError> {
    // SAFETY: these prctl() options take plain integers.
    if unsafe { libc::prctl(option, value, 0, 0, 0) } == 0 {
        Ok(())
    } else {
        Err(SandboxError::System(name, io::Error::last_os_error()))
    }
}

/// Best effort: on a kernel without Landlock, or with an older ABI, or where another
/// sandbox's filter refuses its system calls (a Flatpak's may), the rest applies; the
/// parent says once what is missing (`landlock_shortfall`).
fn restrict_with_landlock() -> Enforced {
    let restricted = Ruleset::default()
        .set_compatibility(CompatLevel::BestEffort)
        .handle_access(AccessFs::from_all(LANDLOCK_ABI))
        .and_then(|ruleset| ruleset.handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp))
        .and_then(|ruleset| ruleset.scope(Scope::Signal | Scope::AbstractUnixSocket))
        .and_then(|ruleset| ruleset.create())
        .and_then(|ruleset| ruleset.restrict_self());
    match restricted.map(|status| status.ruleset) {
        Ok(RulesetStatus::FullyEnforced) => Enforced::Fully,
        Ok(RulesetStatus::PartiallyEnforced) => Enforced::Partly,
        Ok(RulesetStatus::NotEnforced) | Err(_) => Enforced::Not,
    }
}

/// What this kernel's Landlock cannot do of what the sandbox asks, in a few words; None
/// when it does it all.
pub(crate) fn landlock_shortfall() -> Option<String> {
    // SAFETY: with a null attribute, size 0 and LANDLOCK_CREATE_RULESET_VERSION (1), the
    // call only returns the ABI version (or fails); it reads and creates nothing.
    let abi = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<libc::c_void>(),
            0usize,
            1u32,
        )
    };
    match abi {
        abi if abi >= LANDLOCK_ABI_NUMBER => None,
        abi if abi >= 4 => Some(format!(
            "Landlock ABI {abi} cannot keep signals and abstract sockets inside the child"
        )),
        abi if abi >= 1 => Some(format!(
            "Landlock ABI {abi} cannot deny TCP, nor keep signals inside the child"
        )),
        _ => Some(
            "no Landlock here (the kernel, or a sandbox around the app, lacks it): \
             seccomp alone refuses files, and TCP through its ban on sockets"
                .into(),
        ),
    }
}

/// Installs the SIGSYS handler that names a blocked system call, then dies of it.
fn report_blocked_calls() -> Result<(), SandboxError> {
    // SAFETY: a zeroed sigaction is valid; the handler is async-signal-safe (it only
    // writes to stderr, resets SIGSYS and raises it).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_blocked_call as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        if libc::sigaction(libc::SIGSYS, &action, std::ptr::null_mut()) != 0 {
            return Err(SandboxError::System(
                "sigaction",
                io::Error::last_os_error(),
            ));
        }
    }
    Ok(())
}

/// Where the kernel puts the blocked call's number in a SIGSYS `siginfo_t` (64-bit):
/// after `si_signo`, `si_errno`, `si_code`, padding, and the call's address.
const SI_SYSCALL_OFFSET: usize = 24;
/// The `si_code` of a SIGSYS that seccomp raised.
const SYS_SECCOMP: libc::c_int = 1;
const BLOCKED: &[u8] = b"worker sandbox: blocked system call ";

extern "C" fn on_blocked_call(_: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo_t for SA_SIGINFO handlers; for SIGSYS
    // from seccomp its `_sigsys` member holds the call's number at that offset.
    let call = unsafe {
        if (*info).si_code != SYS_SECCOMP {
            // Not seccomp's: die of it as if there were no handler.
            libc::signal(libc::SIGSYS, libc::SIG_DFL);
            libc::raise(libc::SIGSYS);
            return;
        }
        info.cast::<u8>()
            .add(SI_SYSCALL_OFFSET)
            .cast::<i32>()
            .read()
    };
    // The number in decimal, then a newline, written from the end: no allocation here.
    let mut digits = [b'\n'; 12];
    let mut start = digits.len() - 1;
    let mut rest = call.unsigned_abs();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // SAFETY: write(), signal() and raise() are async-signal-safe; the buffers live.
    unsafe {
        libc::write(2, BLOCKED.as_ptr().cast(), BLOCKED.len());
        libc::write(2, digits[start..].as_ptr().cast(), digits.len() - start);
        libc::signal(libc::SIGSYS, libc::SIG_DFL);
        libc::raise(libc::SIGSYS);
    }
}

fn filter_system_calls(landlock: Enforced) -> Result<(), SandboxError> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)?;
    let refusing = |calls: &[i64], errno: libc::c_int| -> Result<BpfProgram, SandboxError> {
        let calls = calls.iter().map(|call| (*call, Vec::new())).collect();
        let refuse = SeccompAction::Errno(errno.unsigned_abs());
        Ok(SeccompFilter::new(calls, SeccompAction::Allow, refuse, arch)?.try_into()?)
    };
    seccompiler::apply_filter_all_threads(&refusing(&[libc::SYS_clone3], libc::ENOSYS)?)?;
    if landlock == Enforced::Not {
        seccompiler::apply_filter_all_threads(&refusing(&OPENING_CALLS, libc::EACCES)?)?;
    }
    // Installing a filter takes a prctl() the allowlist does not allow: it goes last.
    let allowed: BpfProgram = SeccompFilter::new(
        allowed_calls()?,
        SeccompAction::Trap,
        SeccompAction::Allow,
        arch,
    )?
    .try_into()?;
    seccompiler::apply_filter_all_threads(&allowed)?;
    Ok(())
}

/// The calls that open a file by its name: Landlock refuses them, or, without Landlock,
/// an earlier seccomp filter does.
#[cfg(target_arch = "x86_64")]
const OPENING_CALLS: [i64; 2] = [libc::SYS_openat, libc::SYS_open];
#[cfg(not(target_arch = "x86_64"))]
const OPENING_CALLS: [i64; 1] = [libc::SYS_openat];

/// The system calls a worker makes, each allowed outright or only with the arguments
/// shown.
fn allowed_calls() -> Result<BTreeMap<i64, Vec<SeccompRule>>, SandboxError> {
    // SAFETY: getpid() cannot fail.
    let own_pid = unsafe { libc::getpid() } as u64;
    let mut calls: BTreeMap<i64, Vec<SeccompRule>> = [
        // The pipes, stderr and the main contexts' wakeups.
        libc::SYS_read,
        libc::SYS_write,
        libc::SYS_readv,
        libc::SYS_writev,
        libc::SYS_close,
        libc::SYS_eventfd2,
        libc::SYS_ppoll,
        libc::SYS_epoll_create1,
        libc::SYS_epoll_ctl,
        libc::SYS_epoll_pwait,
        // Memory.
        libc::SYS_mmap,
        libc::SYS_munmap,
        libc::SYS_mprotect,
        libc::SYS_mremap,
        libc::SYS_madvise,
        libc::SYS_brk,
        // Threads (clone only with CLONE_THREAD, below; clone3 answers ENOSYS).
        libc::SYS_clone3,
        libc::SYS_futex,
        libc::SYS_set_robust_list,
        libc::SYS_rseq,
        libc::SYS_sched_yield,
        libc::SYS_sched_getaffinity,
        // Signals to itself (kill and tgkill only with its own process id, below).
        libc::SYS_rt_sigaction,
        libc::SYS_rt_sigprocmask,
        libc::SYS_rt_sigreturn,
        libc::SYS_sigaltstack,
        // Time and randomness.
        libc::SYS_clock_gettime,
        libc::SYS_clock_getres,
        libc::SYS_clock_nanosleep,
        libc::SYS_nanosleep,
        libc::SYS_getrandom,
        // Who it is, and the end.
        libc::SYS_getpid,
        libc::SYS_gettid,
        libc::SYS_restart_syscall,
        libc::SYS_exit,
        libc::SYS_exit_group,
    ]
    .into_iter()
    .chain(OPENING_CALLS)
    .chain(x86_64_only_calls())
    .map(|call| (call, Vec::new()))
    .collect();
    let argument = |index, value| {
        SeccompCondition::new(index, SeccompCmpArgLen::Qword, SeccompCmpOp::Eq, value)
    };
    let own_threads = SeccompCondition::new(
        0,
        SeccompCmpArgLen::Qword,
        SeccompCmpOp::MaskedEq(libc::CLONE_THREAD as u64),
        libc::CLONE_THREAD as u64,
    )?;
    calls.insert(libc::SYS_clone, vec![SeccompRule::new(vec![own_threads])?]);
    // Its own thread's priority only (who 0 is the calling thread), never the user's.
    let own_thread = vec![argument(0, libc::PRIO_PROCESS as u64)?, argument(1, 0)?];
    calls.insert(libc::SYS_setpriority, vec![SeccompRule::new(own_thread)?]);
    calls.insert(
        libc::SYS_kill,
        vec![SeccompRule::new(vec![argument(0, own_pid)?])?],
    );
    calls.insert(
        libc::SYS_tgkill,
        vec![SeccompRule::new(vec![argument(0, own_pid)?])?],
    );
    // Threads name themselves; nothing else of prctl.
    let names = [libc::PR_SET_NAME, libc::PR_GET_NAME]
        .map(|option| Ok(SeccompRule::new(vec![argument(0, option as u64)?])?))
        .into_iter()
        .collect::<Result<Vec<_>, SandboxError>>()?;
    calls.insert(libc::SYS_prctl, names);
    Ok(calls)
}

/// Calls that only x86_64 has, in the older forms its libraries still use.
#[cfg(target_arch = "x86_64")]
fn x86_64_only_calls() -> [i64; 2] {
    [libc::SYS_poll, libc::SYS_epoll_wait]
}

#[cfg(not(target_arch = "x86_64"))]
fn x86_64_only_calls() -> [i64; 0] {
    []
}
