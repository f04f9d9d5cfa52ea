//! Stage timings for performance work: with `ATLAS_TIMINGS=1` in the
//! environment, each stage of a run prints its wall time to standard error.

use std::sync::OnceLock;
use std::time::Instant;

/// Whether timings are printed (read once per process).
fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("ATLAS_TIMINGS").is_some_and(|v| v != "0"))
}

/// The process's resident memory and its peak so far, in MB, where the
/// system says (Linux).
fn resident_mb() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map_or(0, |kb| kb >> 10)
    };
    format!("{:>5} (peak {:>5})", field("VmRSS:"), field("VmHWM:"))
}

/// Times consecutive stages: each [`Clock::lap`] prints the time since the
/// previous one.
pub struct Clock {
    last: Option<Instant>,
}

impl Clock {
    pub fn start() -> Clock {
        Clock {
            last: enabled().then(Instant::now),
        }
    }

    /// Prints how long `what` took since the clock started, if it took
    /// longer than a slow page (30 ms), with the memory after it.
    pub fn slow(&self, what: &str) {
        if let Some(last) = self.last {
            let took = last.elapsed();
            if took.as_millis() > 30 {
                eprintln!(
                    "    slow: {what:<24} {:>6.1} ms  {} MB resident",
                    took.as_secs_f64() * 1000.0,
                    resident_mb()
                );
            }
        }
    }

    /// Ends the stage called `what`.
    pub fn lap(&mut self, what: &str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            eprintln!(
                "  {what:<24} {:>8.1} ms  {} MB resident",
                (now - last).as_secs_f64() * 1000.0,
                resident_mb()
            );
            self.last = Some(now);
        }
    }
}

/// Prints how often each query was made and reused in the run.
pub fn stats(stats: &crate::memo::Stats) {
    if enabled() {
        for (name, (reused, made)) in &stats.0 {
            eprintln!("  query {name:<24} made {made:>7}  reused {reused:>7}");
        }
    }
}
