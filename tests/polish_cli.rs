//! Completions, man page, help text and typo suggestions: generated from the
//! same clap definitions, so every command is covered.

use assert_cmd::Command;
use clap::CommandFactory;

fn aksos() -> Command {
    let mut c = Command::cargo_bin("aksos").unwrap();
    c.env_remove("AZURE_SUBSCRIPTION_ID")
        .env_remove("AKSOS_ARM_ENDPOINT");
    c
}

#[test]
fn completions_for_every_shell_know_the_commands_and_flags() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = aksos().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        for word in ["nodepool", "migrate", "os-sku", "refresh-provider"] {
            assert!(text.contains(word), "{shell} completion lacks {word}");
        }
    }
    let bad = aksos().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn man_page_is_roff_with_every_command() {
    let out = aksos().arg("man").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(".TH aksos 1"));
    for cmd in [
        "feature", "provider", "cluster", "nodepool", "scan", "migrate", "wizard", "audit",
    ] {
        assert!(text.contains(cmd), "man page lacks {cmd}");
    }
}

/// Every leaf command's --help carries an example and the top level lists exit codes.
#[test]
fn every_command_help_has_an_example() {
    fn walk(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<Vec<String>>) {
        let subs: Vec<_> = cmd
            .get_subcommands()
            .filter(|s| s.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.push(path.clone());
        }
        for s in subs {
            let mut p = path.clone();
            p.push(s.get_name().to_string());
            walk(s, p, out);
        }
    }
    let mut leaves = vec![];
    walk(&aksos::cli::Cli::command(), vec![], &mut leaves);
    assert!(leaves.len() >= 19, "{leaves:?}");
    for leaf in leaves {
        let mut args = leaf.clone();
        args.push("--help".into());
        let out = aksos().args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{leaf:?}");
        assert!(
            text.contains("Example"),
            "`aksos {}` has no example",
            leaf.join(" ")
        );
    }
    let top = aksos().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&top.stdout);
    assert!(text.contains("Exit codes") && text.contains("130"));
}

#[test]
fn typos_get_the_closest_command_or_flag() {
    let out = aksos().arg("nodepol").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'nodepool'"));
    let out = aksos()
        .args(["nodepool", "add", "--os-skuu", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--os-sku"));
    let out = aksos()
        .args(["scan", "--fail-on", "retird"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retired"));
}
