//! The responsiveness chart: the main loop's lateness and the job's rate over the last
//! minute, drawn with cairo from the shared `History`, and its scale, legend and spoken
//! description as text for real labels (they follow the user's font size). No state of
//! its own.

use std::cell::RefCell;
use std::rc::Rc;

use relm4::gtk::{self, cairo, prelude::*};

use super::history::{History, Sample, WINDOW};
use crate::i18n::{fill, gettext, numbers};

const LATENESS_COLOR: (f64, f64, f64) = (0.21, 0.52, 0.89);
const RATE_COLOR: (f64, f64, f64) = (0.18, 0.76, 0.49);

/// A drawing area that a screen reader calls an image, "Responsiveness chart" (its
/// description tells what it shows).
pub fn area() -> gtk::DrawingArea {
    crate::a11y::named(
        "GtkDrawingArea",
        Some("img"),
        &gettext("Responsiveness chart"),
    )
}

/// Makes `area` draw `history` whenever it is redrawn.
pub fn attach(area: &gtk::DrawingArea, history: Rc<RefCell<History>>) {
    area.set_draw_func(move |_, context, width, height| {
        // A failed cairo call only leaves the chart blank; nothing to report.
        let _ = draw(
            context,
            f64::from(width),
            f64::from(height),
            &history.borrow(),
        );
    });
}

/// The tops of the chart's two lines: what its legend and description say.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// Milliseconds; at least 10, so that a quiet main loop draws a flat line.
    pub top_lateness_ms: f64,
    /// Numbers sieved per second.
    pub top_rate: f64,
}

impl Default for Scale {
    fn default() -> Self {
        Self {
            top_lateness_ms: 10.0,
            top_rate: 1.0,
        }
    }
}

impl Scale {
    pub fn of(history: &History) -> Self {
        let floor = Self::default();
        Self {
            top_lateness_ms: history
                .samples()
                .map(lateness_ms)
                .fold(floor.top_lateness_ms, f64::max),
            top_rate: history
                .samples()
                .map(|sample| sample.rate)
                .fold(floor.top_rate, f64::max),
        }
    }

    /// The blue line's legend, in Pango markup.
    pub fn lateness_legend(&self) -> String {
        let text = fill(
            &gettext("Main loop lateness, top {milliseconds} ms"),
            &[("milliseconds", &numbers().decimal(self.top_lateness_ms, 0))],
        );
        legend(LATENESS_COLOR, &text)
    }

    /// The green line's legend, in Pango markup.
    pub fn rate_legend(&self) -> String {
        let text = fill(
            &gettext("Job rate, top {rate} G numbers/s"),
            &[("rate", &numbers().decimal(self.top_rate / 1e9, 2))],
        );
        legend(RATE_COLOR, &text)
    }

    /// What the chart shows, for a screen reader.
    pub fn description(&self) -> String {
        fill(
            &gettext(
                "Chart of the last minute: the window's timer fired at most {milliseconds} ms late; the job sieved at most {rate} G numbers a second",
            ),
            &[
                ("milliseconds", &numbers().decimal(self.top_lateness_ms, 0)),
                ("rate", &numbers().decimal(self.top_rate / 1e9, 2)),
            ],
        )
    }
}

/// A coloured dot, then `text` (escaped for markup).
fn legend(color: (f64, f64, f64), text: &str) -> String {
    format!(
        "<span foreground=\"{}\">●</span> {}",
        hex(color),
        gtk::glib::markup_escape_text(text)
    )
}

fn lateness_ms(sample: &Sample) -> f64 {
    sample.lateness.as_secs_f64() * 1000.0
}

fn hex((red, green, blue): (f64, f64, f64)) -> String {
    let byte = |part: f64| (part * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", byte(red), byte(green), byte(blue))
}

fn draw(
    context: &cairo::Context,
    width: f64,
    height: f64,
    history: &History,
) -> Result<(), cairo::Error> {
    context.set_source_rgba(0.5, 0.5, 0.5, 0.12);
    context.rectangle(0.0, 0.0, width, height);
    context.fill()?;
    let Some(latest) = history.latest() else {
        return Ok(());
    };
    let scale = Scale::of(history);
    let end = latest.at.as_secs_f64();
    let window = WINDOW.as_secs_f64();
    let x = |at: f64| width * (1.0 - (end - at) / window);

    let line = |color: (f64, f64, f64), value: &dyn Fn(&Sample) -> f64, top: f64| {
        context.set_source_rgb(color.0, color.1, color.2);
        context.set_line_width(1.5);
        for (index, sample) in history.samples().enumerate() {
            let point = (
                x(sample.at.as_secs_f64()),
                height - 4.0 - (height - 8.0) * value(sample) / top,
            );
            if index == 0 {
                context.move_to(point.0, point.1);
            } else {
                context.line_to(point.0, point.1);
            }
        }
        context.stroke()
    };
    line(RATE_COLOR, &|sample| sample.rate, scale.top_rate)?;
    line(LATENESS_COLOR, &lateness_ms, scale.top_lateness_ms)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_scale_covers_the_highest_sample_and_says_so() {
        let mut history = History::default();
        for (second, late_ms, rate) in [(0, 3, 5e8), (1, 42, 1.3e9), (2, 7, 9e8)] {
            history.push(Sample {
                at: Duration::from_secs(second),
                lateness: Duration::from_millis(late_ms),
                rate,
            });
        }
        let scale = Scale::of(&history);
        assert_eq!(scale.top_lateness_ms, 42.0);
        assert_eq!(scale.top_rate, 1.3e9);
        assert!(scale
            .lateness_legend()
            .ends_with("Main loop lateness, top 42 ms"));
        assert!(scale
            .rate_legend()
            .ends_with("Job rate, top 1.30 G numbers/s"));
        assert!(scale.description().contains("at most 42 ms late"));
        assert_eq!(Scale::of(&History::default()), Scale::default());
    }
}
