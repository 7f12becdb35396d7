//! What the app's process tree costs the machine: the proportional set size (PSS: each
//! shared page split between the processes that map it) of this process and of every
//! process below it, from Linux's `/proc`.

use std::collections::BTreeSet;
use std::fs;

/// The PSS of this process and all its descendants, in KiB.
pub fn tree_pss_kib() -> Result<u64, String> {
    let mut total = 0;
    for pid in tree(std::process::id()) {
        // A child may end between the listing and the reading: it costs nothing then.
        if let Ok(rollup) = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) {
            total += pss_kib(&rollup)
                .ok_or_else(|| format!("no Pss line in /proc/{pid}/smaps_rollup"))?;
        }
    }
    Ok(total)
}

fn pss_kib(rollup: &str) -> Option<u64> {
    rollup
        .lines()
        .find_map(|line| line.strip_prefix("Pss:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

/// `root` and every process below it, through each thread's list of children.
fn tree(root: u32) -> BTreeSet<u32> {
    let mut found = BTreeSet::from([root]);
    let mut pending = vec![root];
    while let Some(pid) = pending.pop() {
        let Ok(threads) = fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for thread in threads.flatten() {
            let children = fs::read_to_string(thread.path().join("children")).unwrap_or_default();
            for child in children
                .split_whitespace()
                .filter_map(|pid| pid.parse().ok())
            {
                if found.insert(child) {
                    pending.push(child);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pss_line_of_a_rollup() {
        let rollup = "00400000-7ffd [rollup]\nRss:               10240 kB\nPss:                4321 kB\nPss_Anon:  100 kB\n";
        assert_eq!(pss_kib(rollup), Some(4321));
        assert_eq!(pss_kib("Rss: 1 kB\n"), None);
    }

    #[test]
    fn this_process_costs_something() {
        assert!(tree_pss_kib().unwrap() > 0);
    }

    #[test]
    fn a_child_is_part_of_the_tree() {
        let mut child = std::process::Command::new("sleep")
            .arg("10")
            .spawn()
            .unwrap();
        let found = tree(std::process::id()).contains(&child.id());
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(found);
    }
}
