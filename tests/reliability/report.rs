//! The suite's figures, printed as Markdown tables that RELIABILITY.md quotes.

use std::fmt::Display;

use crate::proc_table::Usage;

/// GLib keeps a pool thread (and at times a descriptor with it) for a while after some
/// task, then lets it go: one of each may come and go.
const THREAD_ALLOWANCE: u64 = 1;
const DESCRIPTOR_ALLOWANCE: u64 = 1;

pub struct Table {
    title: String,
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(title: impl Into<String>, header: &[&'static str]) -> Self {
        Self {
            title: title.into(),
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: &[&dyn Display]) {
        assert_eq!(cells.len(), self.header.len(), "one cell per column");
        self.rows
            .push(cells.iter().map(|cell| cell.to_string()).collect());
    }

    pub fn print(&self) {
        println!("\n### {}\n", self.title);
        println!("| {} |", self.header.join(" | "));
        println!("|{}", "---|".repeat(self.header.len()));
        for row in &self.rows {
            println!("| {} |", row.join(" | "));
        }
        println!();
    }
}

/// One quantity sampled over a run.
#[derive(Default)]
pub struct Series(Vec<u64>);

impl Series {
    pub fn push(&mut self, value: u64) {
        self.0.push(value);
    }

    pub fn first(&self) -> u64 {
        *self.0.first().expect("at least one sample")
    }

    pub fn last(&self) -> u64 {
        *self.0.last().expect("at least one sample")
    }

    pub fn max(&self) -> u64 {
        self.0.iter().copied().max().expect("at least one sample")
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// "first → last (max M)", in the unit `scale` turns a value into.
    pub fn summary(&self, scale: impl Fn(u64) -> String) -> String {
        format!(
            "{} → {} (max {})",
            scale(self.first()),
            scale(self.last()),
            scale(self.max())
        )
    }

    /// Fails unless the last value is within `allowance` of the first.
    pub fn assert_flat(&self, what: &str, allowance: u64) {
        assert!(
            self.last() <= self.first() + allowance,
            "{what} grew: {:?}",
            self.0
        );
    }
}

pub fn count(value: u64) -> String {
    value.to_string()
}

pub fn mebibytes(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// What one process held, sample after sample.
#[derive(Default)]
pub struct UsageSeries {
    rss: Series,
    threads: Series,
    fds: Series,
}

impl UsageSeries {
    pub fn push(&mut self, usage: Usage) {
        self.rss.push(usage.rss_kib);
        self.threads.push(usage.threads);
        self.fds.push(usage.fds);
    }

    pub fn len(&self) -> usize {
        self.rss.len()
    }

    /// Fails unless threads and descriptors stayed put, and memory within `rss_kib`.
    pub fn assert_flat(&self, whose: &str, rss_kib: u64) {
        self.threads
            .assert_flat(&format!("{whose} threads"), THREAD_ALLOWANCE);
        self.fds
            .assert_flat(&format!("{whose} descriptors"), DESCRIPTOR_ALLOWANCE);
        self.rss.assert_flat(&format!("{whose} memory"), rss_kib);
    }

    /// Memory, threads and descriptors, each as "first → last (max M)".
    pub fn summaries(&self) -> [String; 3] {
        [
            self.rss.summary(mebibytes),
            self.threads.summary(count),
            self.fds.summary(count),
        ]
    }
}
