//! The paired bars: start, round trip and memory, a thread's bar above a process's, each
//! pair to its own scale (its longer bar fills the width), under a caption that gives
//! both values. Drawn with cairo; the whole chart's spoken description gives every value
//! (GTK 4.8 speaks a widget's tooltip as its description).

use relm4::gtk::{self, cairo, prelude::*};

use super::run::Comparison;
use super::summary::{milliseconds, size};
use crate::i18n::{fill, gettext};

const BAR: i32 = 12;
/// The job chart's blue for the thread, its green for the process.
const THREAD_COLOR: (f64, f64, f64) = (0.21, 0.52, 0.89);
const PROCESS_COLOR: (f64, f64, f64) = (0.18, 0.76, 0.49);

/// The chart's parts, filled by `show`.
pub struct Chart {
    root: gtk::Box,
    pairs: Vec<(gtk::Label, gtk::DrawingArea)>,
}

impl Chart {
    /// An empty chart, hidden until a comparison is shown; a screen reader calls it an
    /// image, "Comparison chart".
    pub fn new() -> Self {
        let root: gtk::Box =
            crate::a11y::named("GtkBox", Some("img"), &gettext("Comparison chart"));
        root.set_orientation(gtk::Orientation::Vertical);
        root.set_spacing(6);
        root.set_visible(false);
        let legend = gtk::Label::new(None);
        legend.set_markup(&format!(
            "{}   {}",
            legend_entry(THREAD_COLOR, &gettext("Thread")),
            legend_entry(PROCESS_COLOR, &gettext("Process"))
        ));
        legend.set_xalign(0.0);
        root.append(&legend);
        let pairs = (0..3)
            .map(|_| {
                let caption = gtk::Label::new(None);
                caption.set_xalign(0.0);
                caption.set_wrap(true);
                caption.add_css_class("caption");
                let bars = gtk::DrawingArea::new();
                bars.set_content_height(2 * BAR);
                root.append(&caption);
                root.append(&bars);
                (caption, bars)
            })
            .collect();
        Self { root, pairs }
    }

    pub fn widget(&self) -> &gtk::Box {
        &self.root
    }

    /// Draws `comparison`, and describes it.
    pub fn show(&self, comparison: &Comparison) {
        let (thread, process) = (&comparison.thread, &comparison.process);
        let rows = [
            (
                gettext("Start"),
                thread.start_ms.median,
                process.start_ms.median,
                milliseconds as fn(f64) -> String,
            ),
            (
                gettext("Round trip"),
                thread.round_trip_ms.median,
                process.round_trip_ms.median,
                milliseconds,
            ),
            (
                gettext("Memory"),
                thread.memory_kib.median,
                process.memory_kib.median,
                size,
            ),
        ];
        for ((caption, bars), (name, thread, process, unit)) in self.pairs.iter().zip(rows) {
            caption.set_text(&fill(
                &gettext("{figure}: {thread} against {process}"),
                &[
                    ("figure", &name),
                    ("thread", &unit(thread)),
                    ("process", &unit(process)),
                ],
            ));
            bars.set_draw_func(move |_, context, width, _| {
                // A failed cairo call only leaves the bars blank; nothing to report.
                let _ = draw(context, f64::from(width), thread, process);
            });
            bars.queue_draw();
        }
        self.root.set_tooltip_text(Some(&description(comparison)));
        self.root.set_visible(true);
    }
}

fn draw(
    context: &cairo::Context,
    width: f64,
    thread: f64,
    process: f64,
) -> Result<(), cairo::Error> {
    let longest = thread.max(process).max(f64::MIN_POSITIVE);
    for (row, (value, (red, green, blue))) in [(thread, THREAD_COLOR), (process, PROCESS_COLOR)]
        .into_iter()
        .enumerate()
    {
        // A bar is never thinner than a line: a value of about 0 still shows.
        let length = (value.max(0.0) / longest * width).max(2.0);
        context.set_source_rgb(red, green, blue);
        context.rectangle(0.0, f64::from(row as i32 * BAR), length, f64::from(BAR - 2));
        context.fill()?;
    }
    Ok(())
}

fn legend_entry((red, green, blue): (f64, f64, f64), text: &str) -> String {
    let channel = |value: f64| (value * 255.0).round() as u8;
    format!(
        "<span foreground=\"#{:02x}{:02x}{:02x}\">●</span> {}",
        channel(red),
        channel(green),
        channel(blue),
        gtk::glib::markup_escape_text(text)
    )
}

/// What the chart shows, in words, with its values.
pub fn description(comparison: &Comparison) -> String {
    let (thread, process) = (&comparison.thread, &comparison.process);
    fill(
        &gettext("Paired bars, thread above process, each pair to its own scale. Start: {thread_start} against {process_start}. Round trip: {thread_trip} against {process_trip}. Memory: {thread_memory} against {process_memory}."),
        &[
            ("thread_start", &milliseconds(thread.start_ms.median)),
            ("process_start", &milliseconds(process.start_ms.median)),
            ("thread_trip", &milliseconds(thread.round_trip_ms.median)),
            ("process_trip", &milliseconds(process.round_trip_ms.median)),
            ("thread_memory", &size(thread.memory_kib.median)),
            ("process_memory", &size(process.memory_kib.median)),
        ],
    )
}
