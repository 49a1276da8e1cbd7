//! A hostile ARM endpoint on loopback, for tests: a plain HTTP/1.1 server on
//! `127.0.0.1:0` that answers every request the way an attacker (or a broken
//! proxy) would, one [`Mode`] per server. It believes nothing about aksos and
//! parses only what it must (request line, headers, `Content-Length`).
//!
//! Each connection is served on its own thread and closed after one answer,
//! so a client that stops reading (the endless body) ends that thread with a
//! broken pipe and nothing else.
#![allow(dead_code)] // each test crate uses its own subset

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// ESC, BEL and C1 sequences a hostile server puts in everything it says:
/// clear screen, set the window title, red, an 8-bit CSI, a bidi override.
pub const NASTY: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{1b}[31m\u{9b}1;1H\u{202e}";

/// How the server answers.
#[derive(Debug, Clone)]
pub enum Mode {
    /// 400 whose error body repeats the request, `Authorization` included
    /// (and the token again in a detail and the correlation-id header).
    EchoError,
    /// 200 whose body repeats the request in a resource's (or list item's) name.
    EchoOk,
    /// 200, chunked, never ends.
    EndlessBody,
    /// Lists whose `nextLink` always points at the same page.
    NextLinkLoop,
    /// Lists whose `nextLink` always points at a new page.
    NextLinkEndless,
    /// 400 with escape sequences in code, message, target and details.
    EscapesError,
    /// 200 with escape sequences in every name and state.
    EscapesOk,
    /// 429 with this `Retry-After` value, forever.
    Throttle(String),
    /// 409 `OperationNotAllowed`, forever.
    Conflict,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
}

/// A running hostile server.
pub struct Hostile {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    /// Bytes written in endless bodies (shows the client stopped reading).
    pub streamed: Arc<AtomicUsize>,
}

impl Hostile {
    pub fn start(mode: Mode) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let streamed = Arc::new(AtomicUsize::new(0));
        let (s2, st2, str2, url2) = (seen.clone(), stop.clone(), streamed.clone(), url.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if st2.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (mode, seen, streamed, url) =
                    (mode.clone(), s2.clone(), str2.clone(), url2.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &mode, &seen, &streamed, &url);
                });
            }
        });
        Hostile {
            url,
            seen,
            stop,
            streamed,
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn serve(
    conn: TcpStream,
    mode: &Mode,
    seen: &Mutex<Vec<Seen>>,
    streamed: &AtomicUsize,
    base: &str,
) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut head = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || head.len() > 200 {
            return Ok(());
        }
        let l = line.trim_end().to_string();
        if l.is_empty() {
            break;
        }
        head.push(l);
    }
    let mut parts = head.first().map(|l| l.split(' ')).into_iter().flatten();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let header = |name: &str| {
        head.iter().skip(1).find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let authorization = header("authorization");
    let len: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len.min(1 << 20)];
    reader.read_exact(&mut body)?;
    seen.lock().expect("lock").push(Seen {
        method: method.clone(),
        path: path.clone(),
        authorization: authorization.clone(),
    });
    let echo = head.join("\n");
    let token = authorization.clone().unwrap_or_default();
    let list =
        path.contains("agentPools?") || path.contains("/features?") || path.contains("/loop");
    let mut out = conn;
    match mode {
        Mode::EchoError => {
            let b = json!({"error": {
                "code": "InvalidRequest",
                "message": format!("you sent:\n{echo}"),
                "target": token,
                "details": [{"code": "Header", "message": format!("Authorization: {token}")}],
            }});
            respond(
                &mut out,
                400,
                &[("x-ms-correlation-request-id", &token)],
                &b,
            )
        }
        Mode::EchoOk => {
            let item = pool(&format!("echo {echo}"), &token);
            let b = if list { json!({"value": [item]}) } else { item };
            respond(&mut out, 200, &[], &b)
        }
        Mode::EndlessBody => {
            write!(
                out,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            )?;
            let chunk = vec![b' '; 64 * 1024];
            loop {
                write!(out, "{:x}\r\n", chunk.len())?;
                out.write_all(&chunk)?;
                out.write_all(b"\r\n")?;
                streamed.fetch_add(chunk.len(), Ordering::Relaxed);
            }
        }
        Mode::NextLinkLoop => {
            let b = json!({
                "value": [pool("p1", "Ubuntu")],
                "nextLink": format!("{base}/loop?api-version=2025-10-01&page=2"),
            });
            respond(&mut out, 200, &[], &b)
        }
        Mode::NextLinkEndless => {
            let n = seen.lock().expect("lock").len();
            let b = json!({
                "value": [],
                "nextLink": format!("{base}/loop?api-version=2025-10-01&page={n}"),
            });
            respond(&mut out, 200, &[], &b)
        }
        Mode::EscapesError => {
            let b = json!({"error": {
                "code": format!("Bad{NASTY}Code"),
                "message": format!("message{NASTY}\u{7}\u{8}"),
                "target": format!("target{NASTY}"),
                "details": [{"code": format!("D{NASTY}"), "message": format!("m{NASTY}")}],
            }});
            respond(
                &mut out,
                400,
                &[("x-ms-correlation-request-id", "corr\u{1b}[2J")],
                &b,
            )
        }
        Mode::EscapesOk => {
            let item = pool(&format!("p{NASTY}"), &format!("Ubuntu{NASTY}"));
            let b = if list { json!({"value": [item]}) } else { item };
            respond(&mut out, 200, &[], &b)
        }
        Mode::Throttle(after) => {
            let b = json!({"error": {"code": "TooManyRequests", "message": "slow down"}});
            respond(&mut out, 429, &[("retry-after", after)], &b)
        }
        Mode::Conflict => {
            let b = json!({"error": {"code": "OperationNotAllowed", "message": "busy"}});
            respond(&mut out, 409, &[], &b)
        }
    }
}

/// An agent pool (also usable as a feature: `name` and `properties.state`).
fn pool(name: &str, os_sku: &str) -> Value {
    json!({
        "id": format!("/subscriptions/s/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1/agentPools/{name}"),
        "name": name,
        "properties": {
            "count": 1,
            "vmSize": os_sku,
            "osType": "Linux",
            "osSKU": os_sku,
            "mode": "User",
            "orchestratorVersion": os_sku,
            "provisioningState": os_sku,
            "state": os_sku,
        }
    })
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    headers: &[(&str, &str)],
    body: &Value,
) -> std::io::Result<()> {
    let body = serde_json::to_vec(body).expect("json");
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        // Header values cannot carry control characters on the wire; keep them printable.
        let v: String = v.chars().filter(|c| !c.is_control()).collect();
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    out.write_all(&body)?;
    out.flush()
}
