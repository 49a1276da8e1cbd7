//! The emulator depends on nothing of the CLI: no source file names the
//! client's crate or its modules, and the manifest has no dependency on it.

#[test]
fn no_emulator_source_references_the_cli() {
    let root = env!("CARGO_MANIFEST_DIR");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    assert!(
        !manifest.contains("path = \"../..\"") && !manifest.contains("\naksos ="),
        "the emulator's Cargo.toml depends on the CLI"
    );
    let forbidden = [
        "aksos::",
        "crate::catalog",
        "crate::preflight",
        "crate::names",
        "crate::error",
        "crate::arm",
    ];
    let mut files = 0;
    for dir in ["src", "tests"] {
        for e in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("independence.rs") {
                files += 1;
                let text = std::fs::read_to_string(&p).unwrap();
                for f in forbidden {
                    assert!(!text.contains(f), "{} mentions {f}", p.display());
                }
            }
        }
    }
    assert!(files >= 10, "{files} files checked");
}
