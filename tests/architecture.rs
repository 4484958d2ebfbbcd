//! Architecture rules, as tests (in the manner of rust-analyzer's `tidy`).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Architecture Invariant: the scheduler core (`src/core`) uses no web crate, no clock, no
/// environment and no source of randomness but its own seeded generator.
#[test]
fn core_uses_no_web_crate_clock_or_environment() {
    let forbidden = [
        "yew", "web_sys", "js_sys", "wasm_bindgen", "gloo", "std::time", "Instant", "SystemTime", "std::env", "std::fs",
        "std::thread", "HashMap", "HashSet", "rand::",
    ];
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core"), &mut files);
    assert!(files.len() > 10);
    let mut bad = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in forbidden {
                if code.contains(word) {
                    bad.push(format!("{}:{}: uses `{word}`", f.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display(), i + 1));
                }
            }
        }
    }
    assert!(bad.is_empty(), "the core must stay sans-IO and deterministic:\n{}", bad.join("\n"));
}

/// Architecture Invariant: every file of the core starts with a `//!` line saying what it is.
#[test]
fn every_core_file_says_what_it_is() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(text.starts_with("//!"), "{} does not start with a //! line", f.display());
    }
}

/// Architecture Invariant: no source file over 1,000 lines (issue 14): a file that grows past
/// that holds more than one noun and is split by noun.
#[test]
fn no_source_file_is_over_a_thousand_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 100);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 1000).then(|| format!("{}: {n} lines", f.strip_prefix(root).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by noun:\n{}", long.join("\n"));
}
