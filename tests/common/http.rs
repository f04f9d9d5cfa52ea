//! A minimal HTTP/1.1 and server-sent events client for driving `atlas
//! serve` in tests and the rebuild benchmark: plain `TcpStream`s, every wait
//! bounded by [`WAIT`].

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// The longest any request or event is waited for.
pub const WAIT: Duration = Duration::from_secs(120);

/// A reply: status, head, and body as text and bytes.
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends `GET <target>` exactly as given (no normalisation) and reads the reply.
pub fn get(addr: SocketAddr, target: &str) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read reply");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let bytes = raw[split..].to_vec();
    let body = String::from_utf8_lossy(&bytes).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head,
        body,
        bytes,
    }
}

/// An open server-sent events stream.
pub struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    pub fn open(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).expect("connect");
        write!(
            stream,
            "GET /__atlas/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let mut e = Events {
            stream,
            seen: String::new(),
        };
        e.wait_for("event: hello");
        e
    }

    /// The next event, if one arrives within `wait`.
    pub fn next_within(&mut self, wait: Duration) -> Option<String> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(end) = self.seen.find("\n\n") {
                let event: String = self.seen.drain(..end + 2).collect();
                if event.contains("event:") {
                    return Some(event);
                }
                continue;
            }
            if Instant::now() >= deadline {
                return None;
            }
            self.read_more();
        }
    }

    /// Waits for an event, then for the stream to be quiet for `quiet`;
    /// returns the last event (the state the server settled in).
    pub fn settle(&mut self, quiet: Duration) -> String {
        let mut last = self
            .next_within(WAIT)
            .expect("an event on the event stream");
        while let Some(e) = self.next_within(quiet) {
            last = e;
        }
        last
    }

    /// Reads what the stream has (or nothing, after its read timeout) into
    /// `seen`. Panics when the stream is closed or fails.
    fn read_more(&mut self) {
        let mut buf = [0u8; 8192];
        match self.stream.read(&mut buf) {
            Ok(0) => panic!("event stream closed; got:\n{}", self.seen),
            Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => panic!("event stream: {e}"),
        }
    }

    /// Reads until an event containing `needle` arrives; returns that event.
    pub fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(at) = self.seen.find(needle) {
                let start = self.seen[..at].rfind("\n\n").map_or(0, |i| i + 2);
                let end = self.seen[at..]
                    .find("\n\n")
                    .map_or(self.seen.len(), |i| at + i);
                let event = self.seen[start..end].to_string();
                self.seen.drain(..end);
                return event;
            }
            assert!(
                Instant::now() < deadline,
                "no `{needle}` on the event stream; got:\n{}",
                self.seen
            );
            self.read_more();
        }
    }
}
