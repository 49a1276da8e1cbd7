//! Reads a container's `command` and `args` (and the shell scripts inside
//! them) and reports the programs that change the node: package managers,
//! kernel module loaders, `nsenter` and `chroot /host`.
//!
//! Matching is by word in command position (start of the command, after `;`,
//! `&&`, `|`, a quote, `sudo`, `chroot ROOT`, `nsenter ... --`, ...), so
//! `capture` never matches `apt`, `echo apt` is not an install, and
//! `sh -c "apt-get update && apt-get install -y x"` is.

/// What a command does to the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A package manager; `on_host` when it runs after chroot/nsenter into
    /// the host or with an install root under `/host`.
    PackageManager { on_host: bool },
    /// `modprobe`.
    LoadModule,
    /// `insmod`.
    InsertModule,
    /// `nsenter` or `chroot /host`.
    EnterHost,
}

/// One program found in a command, with the line of the string it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub action: Action,
    /// The program as written, e.g. `apt-get` or `chroot /host`.
    pub program: String,
    pub line: usize,
}

const PACKAGE_MANAGERS: &[&str] = &[
    "apt", "apt-get", "aptitude", "yum", "dnf", "microdnf", "tdnf", "zypper", "apk",
];
/// Package tools that only install with an install flag (`rpm -i`, `dpkg -i`).
const PACKAGE_TOOLS: &[&str] = &["rpm", "dpkg"];
/// Words after which the next word is still a command.
const PREFIXES: &[&str] = &[
    "sudo", "exec", "env", "nohup", "time", "command", "xargs", "nice", "then", "do", "else",
    "elif", "if", "while", "until", "!",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// The next word is a program name.
    Command,
    /// Arguments of a program of no interest.
    Args,
    /// Arguments of rpm/dpkg: an install flag makes it a package install.
    InstallerArgs,
    /// The new root of a chroot.
    ChrootRoot,
    /// nsenter options, up to `--` or the program.
    NsenterOptions,
}

enum Token<'a> {
    /// A word and how many lines into the text it sits.
    Word(&'a str, usize),
    /// Anything after which a new command starts.
    Break,
}

/// Scans `command` + `args` strings (each with its line) in order.
pub fn scan<'a>(parts: impl IntoIterator<Item = (&'a str, usize)>) -> Vec<Hit> {
    let mut scanner = Scanner {
        hits: Vec::new(),
        expect: Expect::Command,
        on_host: false,
        package_hit: None,
        root_flag_pending: false,
        installer: "",
        line: 0,
    };
    let mut previous: Option<&str> = None;
    for (text, line) in parts {
        scanner.line = line;
        // A script string (or the string after `-c`) starts a new command.
        if text.contains(char::is_whitespace) || previous == Some("-c") {
            scanner.brk();
        }
        for token in tokenize(text) {
            match token {
                Token::Break => scanner.brk(),
                Token::Word(w, lines_in) => {
                    scanner.line = line + lines_in;
                    scanner.word(w);
                }
            }
        }
        previous = Some(text);
    }
    scanner.hits
}

struct Scanner {
    hits: Vec<Hit>,
    expect: Expect,
    /// Everything after nsenter / chroot /host runs on the node.
    on_host: bool,
    /// The package-manager hit an `--installroot /host` may still move to the host.
    package_hit: Option<usize>,
    root_flag_pending: bool,
    /// rpm or dpkg, while its arguments are read.
    installer: &'static str,
    line: usize,
}

impl Scanner {
    fn brk(&mut self) {
        self.expect = Expect::Command;
        self.package_hit = None;
        self.root_flag_pending = false;
    }

    fn hit(&mut self, action: Action, program: impl Into<String>) {
        self.hits.push(Hit {
            action,
            program: program.into(),
            line: self.line,
        });
    }

    fn word(&mut self, word: &str) {
        match self.expect {
            Expect::Command => self.command(word),
            Expect::Args => self.install_root(word),
            Expect::InstallerArgs => {
                if is_install_flag(word) {
                    self.expect = Expect::Args;
                    self.package_hit = Some(self.hits.len());
                    let program = format!("{} {word}", self.installer);
                    self.hit(
                        Action::PackageManager {
                            on_host: self.on_host,
                        },
                        program,
                    );
                }
            }
            Expect::ChrootRoot => {
                if word.starts_with('-') {
                    return;
                }
                if is_host_root(word) {
                    self.on_host = true;
                    self.hit(Action::EnterHost, format!("chroot {word}"));
                }
                self.expect = Expect::Command;
            }
            Expect::NsenterOptions => {
                if word == "--" {
                    self.expect = Expect::Command;
                } else if !word.starts_with('-') && !word.bytes().all(|b| b.is_ascii_digit()) {
                    self.expect = Expect::Command;
                    self.command(word);
                }
            }
        }
    }

    fn command(&mut self, word: &str) {
        // Options of a prefix (`sudo -E`) and variable assignments (`DEBIAN_FRONTEND=x`).
        if word.starts_with('-') || (word.contains('=') && !word.starts_with('/')) {
            return;
        }
        let name = word.rsplit('/').next().unwrap_or(word);
        self.expect = Expect::Args;
        if PREFIXES.contains(&name) {
            self.expect = Expect::Command;
        } else if name == "chroot" {
            self.expect = Expect::ChrootRoot;
        } else if name == "nsenter" {
            self.on_host = true;
            self.hit(Action::EnterHost, "nsenter");
            self.expect = Expect::NsenterOptions;
        } else if PACKAGE_MANAGERS.contains(&name) {
            self.package_hit = Some(self.hits.len());
            self.hit(
                Action::PackageManager {
                    on_host: self.on_host,
                },
                name,
            );
        } else if let Some(tool) = PACKAGE_TOOLS.iter().find(|t| **t == name) {
            self.expect = Expect::InstallerArgs;
            self.installer = tool;
        } else if name == "modprobe" {
            self.hit(Action::LoadModule, name);
        } else if name == "insmod" {
            self.hit(Action::InsertModule, name);
        }
    }

    /// `--root /host`, `--root=/host`, `--installroot=/host/...` move a
    /// package install onto the node.
    fn install_root(&mut self, word: &str) {
        let Some(index) = self.package_hit else {
            return;
        };
        let value = if self.root_flag_pending {
            self.root_flag_pending = false;
            Some(word)
        } else if let Some((flag, value)) = word.split_once('=') {
            is_root_flag(flag).then_some(value)
        } else {
            self.root_flag_pending = is_root_flag(word);
            None
        };
        if value.is_some_and(is_host_root) {
            self.hits[index].action = Action::PackageManager { on_host: true };
        }
    }
}

fn is_root_flag(flag: &str) -> bool {
    matches!(
        flag,
        "--root" | "--installroot" | "--instdir" | "--admindir"
    )
}

fn is_host_root(path: &str) -> bool {
    path.starts_with("/host") || path == "/rootfs" || path.starts_with("/rootfs/")
}

/// `rpm -i/-U/-F/--install/--upgrade` and `dpkg -i/--install/--unpack`.
fn is_install_flag(word: &str) -> bool {
    match word {
        "--install" | "--upgrade" | "--freshen" | "--reinstall" | "--unpack" => true,
        _ => match word.strip_prefix('-') {
            Some(short) if !short.starts_with('-') => {
                !short.contains(['q', 'e', 'V']) && short.contains(['i', 'U', 'F'])
            }
            _ => false,
        },
    }
}

/// Splits shell text into words and command breaks. Quotes count as breaks
/// so that `bash -c 'apt-get ...'` exposes the inner command; `#` comments
/// are dropped.
fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut newlines = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let is_break = matches!(
            b,
            b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'`' | b'\'' | b'"' | b'{' | b'}'
        );
        let is_space = b == b' ' || b == b'\t' || b == b'\r' || b == b'<' || b == b'>';
        let continuation = b == b'\\' && bytes.get(i + 1) == Some(&b'\n');
        if is_break || is_space || continuation {
            if let Some(s) = start.take() {
                tokens.push(Token::Word(&text[s..i], newlines));
            }
            if b == b'\n' || continuation {
                newlines += 1;
            }
            if is_break {
                tokens.push(Token::Break);
            }
            i += if continuation { 2 } else { 1 };
            continue;
        }
        if b == b'#' && start.is_none() {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        start.get_or_insert(i);
        i += 1;
    }
    if let Some(s) = start {
        tokens.push(Token::Word(&text[s..], newlines));
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(parts: &[&str]) -> Vec<(Action, String)> {
        scan(parts.iter().map(|p| (*p, 1)))
            .into_iter()
            .map(|h| (h.action, h.program))
            .collect()
    }

    const IN_CONTAINER: Action = Action::PackageManager { on_host: false };
    const ON_HOST: Action = Action::PackageManager { on_host: true };

    #[test]
    fn apt_get_inside_sh_c_is_found() {
        let found = actions(&["sh", "-c", "apt-get update && apt-get install -y curl"]);
        assert_eq!(
            found,
            vec![
                (IN_CONTAINER, "apt-get".to_string()),
                (IN_CONTAINER, "apt-get".to_string())
            ]
        );
    }

    #[test]
    fn words_containing_a_tool_name_do_not_match() {
        assert!(actions(&["/bin/capture", "--apt", "/var/cache/apt"]).is_empty());
        assert!(actions(&[
            "sh",
            "-c",
            "echo apt-get is not used; tcpdump -w capture.pcap"
        ])
        .is_empty());
        assert!(actions(&["sh", "-c", "# apt-get install x\nrun-app"]).is_empty());
    }

    #[test]
    fn chroot_into_host_moves_the_install_to_the_node() {
        let found = actions(&[
            "chroot",
            "/host",
            "sh",
            "-c",
            "apt-get install -y nfs-common",
        ]);
        assert_eq!(found[0], (Action::EnterHost, "chroot /host".to_string()));
        assert_eq!(found[1], (ON_HOST, "apt-get".to_string()));
    }

    #[test]
    fn nsenter_options_are_skipped_to_the_program() {
        let found = actions(&["nsenter -t 1 -m -u -i -n -p -- yum install -y iotop"]);
        assert_eq!(found[0].0, Action::EnterHost);
        assert_eq!(found[1], (ON_HOST, "yum".to_string()));
        let found = actions(&[
            "nsenter", "--target", "1", "--mount", "tdnf", "install", "x",
        ]);
        assert_eq!(found[1], (ON_HOST, "tdnf".to_string()));
    }

    #[test]
    fn rpm_and_dpkg_count_only_when_installing() {
        assert_eq!(actions(&["rpm -ivh /tmp/agent.rpm"]).len(), 1);
        assert_eq!(actions(&["dpkg", "-i", "/tmp/agent.deb"]).len(), 1);
        assert!(actions(&["rpm -qa"]).is_empty());
        assert!(actions(&["rpm -qi bash"]).is_empty());
        assert!(actions(&["dpkg -l"]).is_empty());
    }

    #[test]
    fn install_root_under_host_is_a_host_install() {
        let found = actions(&["dnf --installroot=/host install -y agent"]);
        assert_eq!(found, vec![(ON_HOST, "dnf".to_string())]);
        let found = actions(&["sudo -E DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install x"]);
        assert_eq!(found, vec![(IN_CONTAINER, "apt-get".to_string())]);
    }

    #[test]
    fn hits_in_a_script_carry_the_line_of_the_word() {
        let found = scan([("set -e\n\nmodprobe br_netfilter\n", 10)]);
        assert_eq!(found[0].line, 12);
    }

    #[test]
    fn kernel_module_loaders_are_found() {
        let found = actions(&[
            "/bin/sh",
            "-c",
            "modprobe nvidia || insmod /drivers/nvidia.ko",
        ]);
        assert_eq!(found[0].0, Action::LoadModule);
        assert_eq!(found[1].0, Action::InsertModule);
    }
}
