//! The responsiveness chart: the main loop's lateness and the job's rate over the last
//! minute, drawn with cairo from the shared `History`. Drawing only; no state of its own.

use std::cell::RefCell;
use std::rc::Rc;

use relm4::gtk::{self, cairo, prelude::*};

use super::history::{History, WINDOW};

const LATENESS_COLOR: (f64, f64, f64) = (0.21, 0.52, 0.89);
const RATE_COLOR: (f64, f64, f64) = (0.18, 0.76, 0.49);

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
    let end = latest.at.as_secs_f64();
    let window = WINDOW.as_secs_f64();
    let x = |at: f64| width * (1.0 - (end - at) / window);
    let lateness_ms = |sample: &super::history::Sample| sample.lateness.as_secs_f64() * 1000.0;
    let top_lateness = history.samples().map(lateness_ms).fold(10.0, f64::max);
    let top_rate = history
        .samples()
        .map(|sample| sample.rate)
        .fold(1.0, f64::max);

    let line =
        |color: (f64, f64, f64), value: &dyn Fn(&super::history::Sample) -> f64, top: f64| {
            context.set_source_rgb(color.0, color.1, color.2);
            context.set_line_width(1.5);
            for (index, sample) in history.samples().enumerate() {
                let point = (
                    x(sample.at.as_secs_f64()),
                    height - 4.0 - (height - 20.0) * value(sample) / top,
                );
                if index == 0 {
                    context.move_to(point.0, point.1);
                } else {
                    context.line_to(point.0, point.1);
                }
            }
            context.stroke()
        };
    line(RATE_COLOR, &|sample| sample.rate, top_rate)?;
    line(LATENESS_COLOR, &lateness_ms, top_lateness)?;

    context.set_font_size(11.0);
    context.set_source_rgb(LATENESS_COLOR.0, LATENESS_COLOR.1, LATENESS_COLOR.2);
    context.move_to(6.0, 13.0);
    context.show_text(&format!("main loop lateness (top {top_lateness:.0} ms)"))?;
    context.set_source_rgb(RATE_COLOR.0, RATE_COLOR.1, RATE_COLOR.2);
    context.move_to(width / 2.0 + 6.0, 13.0);
    context.show_text(&format!("job rate (top {:.2} G/s)", top_rate / 1e9))?;
    Ok(())
}
