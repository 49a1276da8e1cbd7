//! Reading the files a user names (`audit PATH`, `apply -f FILE`,
//! `recommend --audit PATH`), with limits, so that no input can make aksos
//! read forever or fill memory.
//!
//! Three rules, each ending the command with exit 2 and the path named:
//!
//! - Only **regular files** are read. Symlinks are followed, so a link to a
//!   regular file is fine; a device (`/dev/zero`), a FIFO or a socket, reached
//!   directly or through a link, is refused. The file is opened non-blocking
//!   and checked on the open handle (not only by name), so a FIFO cannot make
//!   the open hang and a file swapped after the check is still caught.
//! - At most [`MAX_INPUT_BYTES`] are read from any one file, and from stdin
//!   (`-`). Real manifests and apply files are a few hundred KiB at most.
//! - Invalid UTF-8 is replaced rather than refused, so one odd byte does not
//!   hide the rest of a file.

use crate::error::{AppError, AppResult};
use std::io::Read;
use std::path::Path;

/// The largest input read from one file or from stdin: 16 MiB.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The limit as users read it, for errors and `--help`.
pub const MAX_INPUT_TEXT: &str = "16 MiB";

/// Reads `path` (or stdin when it is `-`) as text, within the limits above.
/// `flag` names the argument in errors (`--file`, `PATH`).
pub fn read_text(path: &Path, flag: &str) -> AppResult<String> {
    let bytes = if path.as_os_str() == "-" {
        read_capped(std::io::stdin().lock(), "stdin", flag)?
    } else {
        read_file(path, flag)?
    };
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Reads one regular file, at most [`MAX_INPUT_BYTES`].
pub fn read_file(path: &Path, flag: &str) -> AppResult<Vec<u8>> {
    let shown = path.display();
    let file = open_nonblocking(path)
        .map_err(|e| AppError::usage(flag, format!("cannot read {shown}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| AppError::usage(flag, format!("cannot read {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(AppError::usage(
            flag,
            format!(
                "{shown} is {}, not a regular file; give a file (or - to read stdin)",
                kind_of(&meta)
            ),
        ));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large(flag, &shown.to_string()));
    }
    read_capped(file, &shown.to_string(), flag)
}

/// Reads until end of input, refusing more than [`MAX_INPUT_BYTES`].
fn read_capped(source: impl Read, shown: &str, flag: &str) -> AppResult<Vec<u8>> {
    let mut bytes = Vec::new();
    source
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AppError::usage(flag, format!("cannot read {shown}: {e}")))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(flag, shown));
    }
    Ok(bytes)
}

fn too_large(flag: &str, shown: &str) -> AppError {
    AppError::usage(
        flag,
        format!(
            "{shown} is larger than {MAX_INPUT_TEXT}, the most aksos reads from one input; \
             split it into smaller files"
        ),
    )
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of
    // waiting; for a regular file the flag changes nothing.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// What a non-regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_and_a_link_to_one_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, "kind: Pod\n").unwrap();
        assert_eq!(read_text(&file, "PATH").unwrap(), "kind: Pod\n");
        #[cfg(unix)]
        {
            let link = dir.path().join("b.yaml");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert_eq!(read_text(&link, "PATH").unwrap(), "kind: Pod\n");
        }
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_links_to_them_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.yaml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        for path in [Path::new("/dev/zero"), link.as_path()] {
            let err = read_text(path, "--file").unwrap_err();
            assert_eq!(err.exit_code(), 2);
            let text = err.to_string();
            assert!(text.starts_with("--file: "), "{text}");
            assert!(text.contains(&path.display().to_string()), "{text}");
            assert!(text.contains("a device"), "{text}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read_text(&fifo, "PATH").unwrap_err();
        assert!(err.to_string().contains("named pipe"), "{err}");
    }

    #[test]
    fn a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_text(dir.path(), "--file").unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
    }

    #[test]
    fn a_stream_past_the_limit_is_refused_after_reading_only_the_limit() {
        let zeros = std::io::repeat(0);
        let err = read_capped(zeros, "stdin", "--file").unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("larger than 16 MiB"), "{err}");
        let fits = read_capped(std::io::repeat(b'a').take(1000), "stdin", "--file").unwrap();
        assert_eq!(fits.len(), 1000);
    }

    #[test]
    fn invalid_utf8_is_replaced_not_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, b"kind: P\xffod\n").unwrap();
        assert_eq!(read_text(&file, "PATH").unwrap(), "kind: P\u{fffd}od\n");
    }
}
