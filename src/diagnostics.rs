//! Where diagnostics go: `tracing` events (ours, Relm4's, and GLib's and GTK's log,
//! routed in) are printed to stderr one line each, `offload: warning: ...`, as users and
//! tests read them. `RUST_LOG` filters them with tracing's `target=level` directives
//! (for example `RUST_LOG=debug` or `RUST_LOG=warn,glib=info`); warnings by default.

use std::fmt;

use relm4::gtk::glib;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// The target GLib's messages are given; their log domain leads the message.
const GLIB_TARGET: &str = "glib";

/// Sends every diagnostic of this process to stderr, each line led by `program`.
pub fn init(program: &'static str) {
    let directives = std::env::var("RUST_LOG").ok();
    let filter = directives
        .as_deref()
        .and_then(|text| text.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(Level::WARN));
    let lines = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .event_format(OneLine { program });
    tracing_subscriber::registry()
        .with(lines.with_filter(filter))
        .init();
    if let Some(text) = directives.filter(|text| text.parse::<Targets>().is_err()) {
        tracing::warn!("ignoring RUST_LOG={text:?}: not target=level directives");
    }
    glib::log_set_writer_func(|level, fields| {
        let field = |key: &str| {
            fields
                .iter()
                .find(|field| field.key() == key)
                .and_then(|field| field.value_str())
        };
        let domain = field("GLIB_DOMAIN").unwrap_or("GLib");
        let message = field("MESSAGE").unwrap_or_default();
        match level {
            glib::LogLevel::Error | glib::LogLevel::Critical => {
                tracing::error!(target: GLIB_TARGET, "{domain}: {message}");
            }
            glib::LogLevel::Warning => tracing::warn!(target: GLIB_TARGET, "{domain}: {message}"),
            glib::LogLevel::Message | glib::LogLevel::Info => {
                tracing::info!(target: GLIB_TARGET, "{domain}: {message}");
            }
            glib::LogLevel::Debug => tracing::debug!(target: GLIB_TARGET, "{domain}: {message}"),
        }
        glib::LogWriterOutput::Handled
    });
}

/// `offload: message` for errors, `offload: warning: message` for warnings, the level
/// spelled out below that; a target other than Offload's own and GLib's leads the message.
struct OneLine {
    program: &'static str,
}

impl<S, N> FormatEvent<S, N> for OneLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let metadata = event.metadata();
        write!(writer, "{}: ", self.program)?;
        match *metadata.level() {
            Level::ERROR => {}
            Level::WARN => write!(writer, "warning: ")?,
            other => write!(writer, "{}: ", other.as_str().to_lowercase())?,
        }
        let target = metadata.target();
        if !target.starts_with("offload") && target != GLIB_TARGET {
            write!(writer, "{target}: ")?;
        }
        context.format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}
