//! The window's responsiveness as a user's input feels it: a D-Bus method call that the
//! main loop answers, made from another thread through a connection of its own, timed
//! from call to answer. Unlike a timer on the main loop, this sees the time the loop
//! spends drawing between two of its turns.

use std::time::{Duration, Instant};

use relm4::gtk::gio;
use relm4::gtk::glib;

const OBJECT_PATH: &str = "/io/github/offload/Bench";
const INTERFACE: &str = "io.github.offload.Bench";
const INTERFACE_XML: &str = r#"<node>
  <interface name="io.github.offload.Bench"><method name="Ping"/></interface>
</node>"#;

/// Answers `Ping` on the session bus from the main loop it was made on.
pub struct PingService {
    connection: gio::DBusConnection,
    registration: Option<gio::RegistrationId>,
}

impl PingService {
    /// Registers the object; its calls are served on the thread-default main context.
    pub fn serve() -> Result<Self, String> {
        let no_bus = |error: glib::Error| format!("the bench needs a D-Bus session bus: {error}");
        let connection =
            gio::bus_get_sync(gio::BusType::Session, gio::Cancellable::NONE).map_err(no_bus)?;
        let node = gio::DBusNodeInfo::for_xml(INTERFACE_XML).map_err(|error| error.to_string())?;
        let interface = node
            .lookup_interface(INTERFACE)
            .ok_or("the ping interface is missing")?;
        let registration = connection
            .register_object(OBJECT_PATH, &interface)
            .method_call(|_, _, _, _, _, _, invocation| invocation.return_value(None))
            .build()
            .map_err(|error| format!("cannot serve the bench's pings: {error}"))?;
        Ok(Self {
            connection,
            registration: Some(registration),
        })
    }

    /// Makes `calls` pings, one every `interval`, from another thread, while the main
    /// loop runs (through `run_main_loop_until`); how long each took to be answered.
    pub fn round_trips(
        &self,
        calls: usize,
        interval: Duration,
        run_main_loop_until: impl Fn(&dyn Fn() -> bool),
    ) -> Result<Vec<Duration>, String> {
        let name = self
            .connection
            .unique_name()
            .ok_or("the bench's bus connection has no name")?
            .to_string();
        let caller = std::thread::spawn(move || ping(&name, calls, interval));
        run_main_loop_until(&|| caller.is_finished());
        caller
            .join()
            .map_err(|_| "the pinging thread panicked".to_owned())?
    }
}

impl Drop for PingService {
    fn drop(&mut self) {
        if let Some(registration) = self.registration.take() {
            let _ = self.connection.unregister_object(registration);
        }
    }
}

/// On a connection of this thread's own (so no reply waits for the main loop's side).
fn ping(name: &str, calls: usize, interval: Duration) -> Result<Vec<Duration>, String> {
    let failed = |error: glib::Error| format!("a bench ping failed: {error}");
    let address = gio::dbus_address_get_for_bus_sync(gio::BusType::Session, gio::Cancellable::NONE)
        .map_err(failed)?;
    let connection = gio::DBusConnection::for_address_sync(
        &address,
        gio::DBusConnectionFlags::AUTHENTICATION_CLIENT
            | gio::DBusConnectionFlags::MESSAGE_BUS_CONNECTION,
        None,
        gio::Cancellable::NONE,
    )
    .map_err(failed)?;
    let mut times = Vec::with_capacity(calls);
    let mut next = Instant::now();
    for _ in 0..calls {
        // A measurement schedule: one call per interval, whatever the answers take.
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
        next += interval;
        let sent = Instant::now();
        connection
            .call_sync(
                Some(name),
                OBJECT_PATH,
                INTERFACE,
                "Ping",
                None,
                None,
                gio::DBusCallFlags::NO_AUTO_START,
                10_000,
                gio::Cancellable::NONE,
            )
            .map_err(failed)?;
        times.push(sent.elapsed());
    }
    let _ = connection.close_sync(gio::Cancellable::NONE);
    Ok(times)
}
