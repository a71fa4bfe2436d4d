//! What both benchmarks share: the allocator, their arguments, how they read peak memory
//! and how they run a measurement in a process of their own.

/// The same allocator as the `jixiao` binary, with the same options.
#[global_allocator]
static ALLOCATOR: jixiao::alloc::Allocator = tikv_jemallocator::Jemalloc;

#[export_name = "_rjem_malloc_conf"]
static ALLOCATOR_OPTIONS: jixiao::alloc::Options = jixiao::alloc::OPTIONS;

/// A benchmark's command-line arguments (after `cargo bench --bench NAME --`).
pub struct Args(Vec<String>);

impl Args {
    pub fn from_env() -> Args {
        Args(std::env::args().skip(1).collect())
    }

    /// Every value given after `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .windows(2)
            .filter(|w| w[0] == name)
            .map(|w| w[1].as_str())
            .collect()
    }

    /// The first value given after `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.all(name).first().copied()
    }

    /// The first value given after `name`, parsed; `default` when absent or unparsable.
    pub fn parse_or<T: std::str::FromStr>(&self, name: &str, default: T) -> T {
        self.get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
}

/// Peak resident memory of this process so far (VmHWM), in MB.
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Runs this benchmark again with `args`, in a process of its own (so that its peak RSS
/// is its own), and returns the numbers it printed on stdout.
pub fn run_self(args: &[&str]) -> Vec<f64> {
    numbers_printed(start_self(args), args)
}

/// Starts this benchmark again with `args`, in a process of its own; see
/// [`numbers_printed`] for its result.
pub fn start_self(args: &[&str]) -> std::process::Child {
    std::process::Command::new(std::env::current_exe().expect("this benchmark"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start a benchmark run")
}

/// Waits for a run started with [`start_self`] and returns the numbers it printed on
/// stdout.
pub fn numbers_printed(run: std::process::Child, args: &[&str]) -> Vec<f64> {
    let output = run.wait_with_output().expect("wait for a benchmark run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "benchmark run {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .split_whitespace()
        .map(|f| f.parse().unwrap_or_else(|_| panic!("not a number: {f}")))
        .collect()
}
