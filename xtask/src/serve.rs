//! `cargo xtask serve`: build the page and serve `target/site` with a tiny static file server.
//!
//! The server binds 127.0.0.1 only, answers GET and HEAD, one thread per connection, and
//! never serves a file outside the site directory.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use crate::cmd::{self, step, warn};
use crate::{site, tools, Context, Result};

/// The example the CLI places before the server starts.
const EXAMPLE: &str = "tests/cases/placement/plain-all-nodes.yaml";

/// The most header bytes read from one request before it is refused.
const MAX_HEADER_BYTES: u64 = 16 * 1024;

/// Builds the page, shows the CLI on an example, and serves the page until interrupted.
pub fn run(port: u16, open: bool) -> Result<()> {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen()?;
    site::build()?;
    show_cli_example();
    let root = site::site_dir();
    let root = root
        .canonicalize()
        .context(|| format!("finding {}", root.display()))?;
    let listener = TcpListener::bind(("127.0.0.1", port))
        .context(|| format!("cannot listen on 127.0.0.1:{port} (try --port N)"))?;
    let url = format!("http://127.0.0.1:{port}/");
    step(&format!(
        "serving {} on {url}  (Ctrl-C to stop)",
        root.display()
    ));
    if open {
        open_browser(&url);
    }
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let root = root.clone();
                thread::spawn(move || {
                    if let Err(err) = handle(stream, &root) {
                        eprintln!("    connection error: {err}");
                    }
                });
            }
            Err(err) => eprintln!("    accept error: {err}"),
        }
    }
    Ok(())
}

/// Runs `dsim place` on [`EXAMPLE`] and prints its output; only warns when that fails.
fn show_cli_example() {
    let result = cmd::run(cmd::cargo().args([
        "run",
        "-q",
        "-p",
        "daemonset-sim",
        "--bin",
        "dsim",
        "--",
        "place",
        EXAMPLE,
        "-o",
        "text",
    ]));
    if let Err(err) = result {
        warn(&format!("the CLI example did not run: {err}"));
    }
}

/// Opens `url` in the desktop's browser when `xdg-open` (or macOS `open`) exists.
fn open_browser(url: &str) {
    let Some(opener) = ["xdg-open", "open"].iter().find_map(|p| cmd::which(p)) else {
        return;
    };
    let spawned = Command::new(opener)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    if spawned.is_err() {
        warn(&format!("could not open a browser; visit {url}"));
    }
}

/// Answers one request on `stream` with a file from `root` (or an error status).
fn handle(stream: TcpStream, root: &Path) -> Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?).take(MAX_HEADER_BYTES);
    let head = read_head(&mut reader)?;
    let status = respond(stream, root, &head.method, &head.target)?;
    println!("    {} {} {status}", head.method, head.target);
    Ok(())
}

/// A request's method and target, and the length of its body.
pub struct Head {
    /// `GET`, `HEAD`, `POST`, ...
    pub method: String,
    /// The path asked for, with its query.
    pub target: String,
    /// The `Content-Length` header's value, 0 without it.
    pub content_length: usize,
}

/// Reads a request's line and its headers, up to the blank line, from `reader`; the body,
/// if any, is what `reader` has left.
pub fn read_head(reader: &mut impl BufRead) -> Result<Head> {
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut content_length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut parts = request_line.split_whitespace();
    Ok(Head {
        method: parts.next().unwrap_or("").to_owned(),
        target: parts.next().unwrap_or("").to_owned(),
        content_length,
    })
}

/// Answers a request for `target` with a file from `root` (or an error status), then
/// closes the connection; returns the status sent.
pub fn respond(stream: TcpStream, root: &Path, method: &str, target: &str) -> Result<u16> {
    let response = if method != "GET" && method != "HEAD" {
        Response::error(405, "Method Not Allowed")
    } else {
        match resolve(root, target) {
            Some(path) => match fs::read(&path) {
                Ok(body) => Response {
                    status: 200,
                    reason: "OK",
                    content_type: content_type(&path),
                    body,
                },
                Err(_) => Response::error(404, "Not Found"),
            },
            None => Response::error(404, "Not Found"),
        }
    };
    response.write(stream, method == "HEAD")?;
    Ok(response.status)
}

/// An HTTP response.
pub struct Response {
    /// Status code, e.g. 200.
    status: u16,
    /// Reason phrase, e.g. `OK`.
    reason: &'static str,
    /// Value of the Content-Type header.
    content_type: &'static str,
    /// The body bytes.
    body: Vec<u8>,
}

impl Response {
    /// A plain-text response.
    pub fn text(status: u16, reason: &'static str, body: &str) -> Self {
        Response {
            status,
            reason,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
        }
    }

    /// A plain-text error response.
    fn error(status: u16, reason: &'static str) -> Self {
        Self::text(status, reason, &format!("{status} {reason}\n"))
    }

    /// Sends the response (without the body for HEAD) and closes the connection.
    pub fn write(&self, mut stream: TcpStream, head_only: bool) -> Result<()> {
        let header = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n\
             Connection: close\r\n\r\n",
            self.status,
            self.reason,
            self.content_type,
            self.body.len()
        );
        stream.write_all(header.as_bytes())?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()?;
        Ok(())
    }
}

/// Maps a request target to a file under `root`; `None` when it would leave `root` or is absent.
///
/// The path is percent-decoded, its query dropped, `.`/`..` segments and backslashes refused,
/// a directory means its `index.html`, and the result must still lie under `root` after
/// symlinks are resolved.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if !decoded.starts_with('/') || decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut file = root.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        match Path::new(segment).components().next() {
            Some(Component::Normal(_)) if Path::new(segment).components().count() == 1 => {
                file.push(segment);
            }
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    let file = file.canonicalize().ok()?;
    (file.starts_with(root) && file.is_file()).then_some(file)
}

/// Decodes `%XX` escapes; `None` on a malformed escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file, from its extension.
fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("ts") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "yaml" | "yml") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site directory with one file, in a fresh temporary directory.
    fn site() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-serve-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("pkg")).expect("create temp site");
        fs::write(dir.join("index.html"), "<p>hi</p>").expect("write index");
        fs::write(dir.join("pkg/a b.wasm"), [0u8, 97, 115, 109]).expect("write wasm");
        dir.canonicalize().expect("canonical temp site")
    }

    #[test]
    fn resolves_files_and_refuses_escapes() {
        let root = site();
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(
            resolve(&root, "/index.html?x=1"),
            Some(root.join("index.html"))
        );
        assert_eq!(
            resolve(&root, "/pkg/a%20b.wasm"),
            Some(root.join("pkg/a b.wasm"))
        );
        assert_eq!(resolve(&root, "/pkg/"), None);
        assert_eq!(resolve(&root, "/../etc/passwd"), None);
        assert_eq!(resolve(&root, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(&root, "/pkg/..%2f..%2fetc/passwd"), None);
        assert_eq!(resolve(&root, "/a%5c..%5cb"), None);
        assert_eq!(resolve(&root, "/%zz"), None);
        assert_eq!(resolve(&root, "http://x/"), None);
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type(Path::new("a.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("a.JS")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("m.webmanifest")),
            "application/manifest+json"
        );
    }
}
