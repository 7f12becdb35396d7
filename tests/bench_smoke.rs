//! `offload bench --quick --json` runs to the end on a private display and reports every
//! figure. The figures themselves are the bench's to report, not this test's to judge.

#[path = "support/display.rs"]
mod support;

#[test]
fn quick_bench_reports_every_figure_as_json() {
    support::require_display_tools();
    let (mut command, _display) = support::on_private_display(
        env!("CARGO_BIN_EXE_offload"),
        &["bench", "--quick", "--json"],
    );
    let output = command.output().expect("dbus-run-session starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "bench failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let start = stdout.find('{').expect("JSON in the output");
    let report: serde_json::Value = serde_json::from_str(&stdout[start..]).expect("valid JSON");
    for backend in ["thread", "process"] {
        for figure in [
            "job_headless_s",
            "job_in_window_s",
            "job_window_over_headless",
            "round_trip_p99_job_minus_idle_ms",
            "close_to_gone_median_ms",
            "flood_rss_growth_kib",
        ] {
            let value = &report[backend][figure];
            assert!(value.is_number(), "{backend}.{figure} missing: {report}");
        }
        for state in ["round_trip_idle_ms", "round_trip_job_ms"] {
            let calls = &report[backend][state]["calls"];
            assert!(
                calls.as_u64() > Some(0),
                "{backend}.{state} made no calls: {report}"
            );
        }
    }
    let sandbox = &report["sandbox"];
    for figure in ["spawn_confined_ms", "spawn_unconfined_ms", "job_confined_s"] {
        assert!(
            sandbox[figure]["median"].is_number() && sandbox[figure]["count"].as_u64() > Some(0),
            "sandbox.{figure} missing: {report}"
        );
    }
    assert!(sandbox["spawn_cost_ms"].is_number(), "{report}");
    let sieve = report["sieve"].as_array().expect("sieve figures");
    assert!(
        !sieve.is_empty() && sieve.iter().all(|figures| figures["offload_s"].is_number()),
        "sieve figures missing: {report}"
    );
}
