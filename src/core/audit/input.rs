//! Turns the PATH arguments into manifest texts: files as given, directories
//! walked recursively for `*.yaml`, `*.yml` and `*.json`, `-` for stdin.
//! Anything that cannot be read ends the command with exit code 2, and so does
//! a device, FIFO or socket (also behind a symlink) or an input past
//! [`crate::infile::MAX_INPUT_BYTES`]: see [`crate::infile`].

use crate::error::{AppError, AppResult};
use std::path::{Path, PathBuf};

/// Where a manifest text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
}

impl Origin {
    /// The name shown next to line numbers.
    pub fn display(&self) -> String {
        match self {
            Origin::File(p) => p.display().to_string(),
            Origin::Stdin => "<stdin>".to_string(),
        }
    }

    /// Reads the whole text, within [`crate::infile`]'s limits. Invalid UTF-8
    /// is replaced rather than refused, so one odd byte does not hide the rest
    /// of the file.
    pub fn read(&self) -> AppResult<String> {
        match self {
            Origin::File(p) => crate::infile::read_text(p, "PATH"),
            Origin::Stdin => crate::infile::read_text(Path::new("-"), "PATH"),
        }
    }
}

/// Expands the arguments into the list of texts to read, in a stable order.
/// Fails on a path that does not exist or a directory that cannot be listed.
pub fn expand(paths: &[PathBuf]) -> AppResult<Vec<Origin>> {
    if paths.is_empty() {
        return Err(AppError::usage(
            "PATH",
            "give at least one file, directory or - (stdin), e.g. `aksos audit manifests/` or \
             `helm template . | aksos audit -`",
        ));
    }
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            if !out.contains(&Origin::Stdin) {
                out.push(Origin::Stdin);
            }
            continue;
        }
        let meta = std::fs::metadata(path)
            .map_err(|e| AppError::usage("PATH", format!("cannot read {}: {e}", path.display())))?;
        if meta.is_dir() {
            walk(path, &mut out)?;
        } else {
            out.push(Origin::File(path.clone()));
        }
    }
    Ok(out)
}

fn is_manifest(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "yaml" | "yml" | "json"))
}

/// Recurses into `dir`, skipping hidden entries (`.git`, ...) and not
/// following symlinked directories (no loops).
fn walk(dir: &Path, out: &mut Vec<Origin>) -> AppResult<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| AppError::Io(format!("cannot list {}: {e}", dir.display())))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| AppError::Io(format!("cannot list {}: {e}", dir.display())))?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let file_type = entry
            .file_type()
            .map_err(|e| AppError::Io(format!("cannot read {}: {e}", entry.path().display())))?;
        paths.push((entry.path(), file_type.is_dir()));
    }
    paths.sort();
    for (path, is_dir) in paths {
        if is_dir {
            walk(&path, out)?;
        } else if is_manifest(&path) {
            out.push(Origin::File(path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_yield_manifests_sorted_and_skip_hidden_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/.git")).unwrap();
        for f in ["b/z.yml", "a.json", "b/.git/x.yaml", "notes.txt", "c.YAML"] {
            std::fs::write(root.join(f), "kind: Pod\n").unwrap();
        }
        let found = expand(&[root.to_path_buf()]).unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|o| match o {
                Origin::File(p) => p.strip_prefix(root).unwrap().display().to_string(),
                Origin::Stdin => "-".into(),
            })
            .collect();
        assert_eq!(names, ["a.json", "b/z.yml", "c.YAML"]);
    }

    #[test]
    fn a_missing_path_is_a_usage_error() {
        let err = expand(&[PathBuf::from("/nonexistent/aksos-audit")]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("/nonexistent/aksos-audit"));
    }
}
