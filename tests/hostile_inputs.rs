//! Files and streams an attacker (or an accident) hands to `aksos audit`,
//! `aksos apply -f` and `aksos recommend --audit`: a YAML alias bomb, a device,
//! a link to a device, an endless stdin, a file past the 16 MiB limit. Each
//! must end in exit 2 with the input named, quickly and within 1 GiB of
//! memory (enforced here with `ulimit -v`), never in a signal or a hang.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A classic "billion laughs": nine levels of nine aliases, 9^9 copies asked
/// for by a few hundred bytes.
fn bomb() -> String {
    let mut text = String::new();
    text.push_str(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    text
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary under a 1 GiB address-space limit (as the acceptance run
/// does), with `stdin` as its standard input, and a 60 s safety net.
fn run(args: &[&str], stdin: Stdio) -> Run {
    let bin = assert_cmd::cargo::cargo_bin("aksos");
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(r#"ulimit -v 1048576; exec "$0" "$@""#)
        .arg(&bin)
        .args(args)
        .env("NO_COLOR", "1")
        .env("AKSOS_TODAY", "2026-11-24")
        .env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("aksos {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn stdin_from(path: &Path) -> Stdio {
    Stdio::from(std::fs::File::open(path).unwrap())
}

fn assert_refused(r: &Run, names: &str, says: &str) {
    assert_eq!(r.code, Some(2), "stderr: {}", r.stderr);
    assert!(
        r.stderr.contains(names),
        "should name {names}: {}",
        r.stderr
    );
    assert!(r.stderr.contains(says), "should say {says}: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

#[test]
fn an_alias_bomb_is_refused_by_audit_from_a_file_and_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.yaml");
    std::fs::write(&file, bomb()).unwrap();
    let shown = file.display().to_string();
    let r = run(&["audit", &shown], Stdio::null());
    assert_refused(&r, &shown, "alias bomb");
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let r = run(&["audit", "-"], stdin_from(&file));
    assert_refused(&r, "<stdin>", "alias bomb");
    // recommend --audit reads through the same path.
    let r = run(
        &["recommend", "--runs-on", "azure", "--audit", &shown],
        Stdio::null(),
    );
    assert_refused(&r, &shown, "alias bomb");
}

#[test]
fn an_alias_bomb_is_refused_by_apply() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.yaml");
    std::fs::write(&file, bomb()).unwrap();
    let shown = file.display().to_string();
    let r = run(&["apply", "-f", &shown], Stdio::null());
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("--file"), "{}", r.stderr);
    let r = run(&["apply", "-f", "-"], stdin_from(&file));
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

#[test]
fn devices_are_refused_directly_through_a_link_and_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("zero.yaml");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let link_shown = link.display().to_string();
    let dir_shown = dir.path().display().to_string();
    for (args, names) in [
        (vec!["audit", "/dev/zero"], "/dev/zero"),
        (vec!["audit", &link_shown], &link_shown),
        (vec!["audit", &dir_shown], &link_shown),
        (vec!["apply", "-f", "/dev/zero"], "/dev/zero"),
        (vec!["apply", "-f", &link_shown], &link_shown),
    ] {
        let r = run(&args, Stdio::null());
        assert_refused(&r, names, "not a regular file");
    }
}

#[test]
fn a_link_to_a_regular_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pod.yaml");
    std::fs::write(&file, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n").unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let r = run(&["audit", &link.display().to_string()], Stdio::null());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn an_endless_stdin_is_cut_at_16_mib() {
    for args in [vec!["audit", "-"], vec!["apply", "-f", "-"]] {
        let r = run(&args, stdin_from(Path::new("/dev/zero")));
        assert_refused(&r, "stdin", "larger than 16 MiB");
    }
}

#[test]
fn a_file_past_16_mib_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    // Sparse: 17 MiB long, no disk used.
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(17 * 1024 * 1024).unwrap();
    let shown = big.display().to_string();
    for args in [vec!["audit", &shown], vec!["apply", "-f", &shown]] {
        let r = run(&args, Stdio::null());
        assert_refused(&r, &shown, "larger than 16 MiB");
    }
    // A small file beside it is read as usual.
    let ok = dir.path().join("ok.yaml");
    let mut f = std::fs::File::create(&ok).unwrap();
    f.write_all(b"kind: ConfigMap\n").unwrap();
    let r = run(&["audit", &ok.display().to_string()], Stdio::null());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn help_states_the_limit() {
    for args in [vec!["audit", "--help"], vec!["apply", "--help"]] {
        let r = run(&args, Stdio::null());
        assert_eq!(r.code, Some(0));
        // Help is wrapped to the terminal width: compare with spaces folded.
        let text = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("16 MiB"), "{args:?}: {}", r.stdout);
    }
}
