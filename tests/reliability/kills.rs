//! Kills: the real binary on the process backend, killed with SIGKILL at random moments,
//! from its first instants to full flooding. This test process is the subreaper, so a
//! worker child that outlived its window would be re-parented here and found.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::proc_table;
use crate::report::Table;

/// Issue #3: an orphaned child exits within one second.
const ORPHAN_DEADLINE: Duration = Duration::from_secs(1);

pub fn kills(kills: u32) -> Table {
    let mut with_child = 0;
    let mut cleanups = Vec::new();
    for kill in 0..kills {
        let mut app = crate::offload()
            .args(["--backend", "process", "--worker-delay", "0"])
            .args(["--gui-delay", "0.01"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("offload starts");
        let pid = app.id();
        if kill % 2 == 1 {
            // Half of the moments come after the worker child is up.
            let deadline = Instant::now() + Duration::from_secs(10);
            while proc_table::children(pid).is_empty() {
                assert!(Instant::now() < deadline, "no worker child appeared");
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        // The random moment itself: anywhere from start-up to well into the counting.
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..=800)));
        if !proc_table::children(pid).is_empty() {
            with_child += 1;
        }
        proc_table::kill(pid);
        app.wait().expect("the killed window is reaped");
        match proc_table::reap_all_within(ORPHAN_DEADLINE) {
            Ok(took) => cleanups.push(took),
            Err(left) => panic!("kill {kill}: still running a second later: {left:?}"),
        }
    }
    cleanups.sort();
    let mut table = Table::new(
        "Kills: the window killed with SIGKILL at random moments, process backend",
        &[
            "kills",
            "with a worker child running",
            "processes left",
            "all gone within (median / slowest)",
        ],
    );
    let ms = |took: Duration| format!("{:.1} ms", took.as_secs_f64() * 1000.0);
    table.row(&[
        &kills,
        &with_child,
        &0,
        &format!(
            "{} / {}",
            ms(cleanups[cleanups.len() / 2]),
            ms(cleanups[cleanups.len() - 1])
        ),
    ]);
    table
}
