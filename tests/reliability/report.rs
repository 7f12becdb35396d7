//! The suite's figures, printed as Markdown tables that RELIABILITY.md quotes.

use std::fmt::Display;

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
