#!/bin/bash
# Runs a command inside a private, headless GNOME Shell on Wayland (no X11), then stops
# the shell: the recipe of GNOME-SESSION.md, for tests and the screenshot script.
#
#   tests/gnome/session.sh WIDTHxHEIGHT COMMAND [ARGUMENT...]
#
# The session has its own HOME, XDG folders and session bus, all removed afterwards.
# COMMAND runs with WAYLAND_DISPLAY set, GDK_BACKEND=wayland and no DISPLAY; its exit
# status is this script's. On a machine with a system bus and logind (a normal desktop)
# the shell starts directly; on one without (these build machines, as root) it starts in
# a private mount namespace that hides /run/systemd and gives it its own system bus.
set -euo pipefail

# The exit status of a session whose start or command failed while GNOME Shell hung.
shell_hung=75

if [ "${1:-}" = --inside ]; then
    # Inside the session bus: start the shell, wait until it answers, run the command.
    shift
    size=$1
    shift
    gnome-shell --headless --wayland --no-x11 --virtual-monitor "$size" \
        --wayland-display=offload-test >"$XDG_RUNTIME_DIR/shell.log" 2>&1 &
    shell=$!
    # A hung shell (see the retry at the end) never answers SIGTERM: after 10 s, it and
    # its children get SIGKILL, and this says so by returning 1.
    stop_shell() {
        kill "$shell" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$shell" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$shell" 2>/dev/null; then
            echo "session.sh: GNOME Shell did not stop on SIGTERM; killing it" >&2
            pkill -KILL -P "$shell" 2>/dev/null || true
            kill -KILL "$shell" 2>/dev/null || true
            wait "$shell" 2>/dev/null || true
            return 1
        fi
        wait "$shell" 2>/dev/null || true
    }
    trap stop_shell EXIT
    # Stops the shell and exits with $1; a failure in a shell that hung may be the
    # shell's own, not the session's.
    finish() {
        trap - EXIT
        if ! stop_shell && [ "$1" != 0 ]; then
            exit "$shell_hung"
        fi
        exit "$1"
    }
    # Up to 30 s for the shell to answer; a shell that owns the name but hangs would
    # otherwise hold each call for gdbus's default 25 s.
    ready=0
    deadline=$((SECONDS + 30))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if gdbus call --session --timeout 2 --dest org.gnome.Shell.Screenshot \
            --object-path /org/gnome/Shell/Screenshot \
            --method org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1; then
            ready=1
            break
        fi
        kill -0 "$shell" 2>/dev/null || break
        sleep 0.2
    done
    if [ "$ready" != 1 ]; then
        echo "session.sh: GNOME Shell did not start; its log:" >&2
        tail -20 "$XDG_RUNTIME_DIR/shell.log" >&2
        finish 1
    fi
    # The shell starts in the Overview; a user's session shows the windows.
    gdbus call --session --timeout 10 --dest org.gnome.Shell --object-path /org/gnome/Shell \
        --method org.freedesktop.DBus.Properties.Set org.gnome.Shell OverviewActive "<false>" \
        >/dev/null || {
        echo "session.sh: GNOME Shell did not leave the Overview" >&2
        finish 1
    }
    status=0
    env -u DISPLAY WAYLAND_DISPLAY=offload-test GDK_BACKEND=wayland NO_AT_BRIDGE=0 \
        "$@" || status=$?
    finish "$status"
fi

if [ $# -lt 2 ]; then
    echo "usage: tests/gnome/session.sh WIDTHxHEIGHT COMMAND [ARGUMENT...]" >&2
    exit 2
fi
for tool in gnome-shell:gnome-shell dbus-run-session:dbus dbus-daemon:dbus gdbus:libglib2.0-bin \
    unshare:util-linux; do
    command -v "${tool%%:*}" >/dev/null || {
        echo "session.sh: ${tool%%:*} is missing: install the Debian package ${tool#*:}" >&2
        exit 1
    }
done

this=$(readlink -f "$0")
root=$(mktemp -d /tmp/offload-gnome.XXXXXX)
trap 'rm -rf "$root"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

has_system_bus() {
    [ -S /run/dbus/system_bus_socket ] &&
        gdbus call --system --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
            --method org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1
}

# One session, in folders of its own.
run_session() {
    rm -rf "${root:?}"/*
    export HOME=$root/home XDG_CONFIG_HOME=$root/config XDG_DATA_HOME=$root/data \
        XDG_CACHE_HOME=$root/cache XDG_STATE_HOME=$root/state XDG_RUNTIME_DIR=$root/run
    mkdir -p "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" \
        "$XDG_RUNTIME_DIR"
    chmod 700 "$XDG_RUNTIME_DIR"
    # GNOME Shell wants a system bus, and logind when /run/systemd/seats exists.
    if has_system_bus && { [ ! -d /run/systemd/seats ] || [ -d /run/systemd/system ]; }; then
        dbus-run-session -- "$this" --inside "$@"
        return
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "session.sh: no system bus or logind here, and only root can hide their absence" >&2
        return 1
    fi
    # A private mount namespace: /run/systemd and /run/dbus hidden, a system bus of its own.
    unshare -m bash -c '
        set -e
        mount -t tmpfs none /run/systemd
        mount -t tmpfs none /run/dbus
        dbus-daemon --system --fork --print-pid >"$XDG_RUNTIME_DIR/system-bus.pid"
        status=0
        dbus-run-session -- "$0" --inside "$@" || status=$?
        kill "$(cat "$XDG_RUNTIME_DIR/system-bus.pid")"
        exit "$status"' "$this" "$@"
}

# GNOME Shell 43 hangs now and then as it starts: it forks to start ibus-daemon and runs
# a JavaScript function in the child before exec; the child can block on GLib's type
# lock, held by another of the shell's threads at the fork, and the shell blocks reading
# from the child. Here that was 6 starts in 278 with both cores busy (stacks taken with
# eu-stack), and twice in CI. The shell skips that fork only when it runs in a systemd
# user unit, which this session cannot fake. So a session whose start or command failed
# in a hung shell is run again in a fresh one, up to three times in all, and says so.
attempts=3
for attempt in $(seq "$attempts"); do
    status=0
    run_session "$@" || status=$?
    if [ "$status" != "$shell_hung" ] || [ "$attempt" = "$attempts" ]; then
        break
    fi
    echo "session.sh: GNOME Shell hung and the run failed; once more, in a new session" >&2
done
if [ "$status" = "$shell_hung" ]; then
    status=1
fi
exit "$status"
