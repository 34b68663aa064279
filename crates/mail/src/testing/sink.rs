//! A real SMTP server for tests: it speaks the protocol over TCP, accepts every
//! message and records it. It can be stopped and started again on the same port, so
//! tests can watch the outbox retry.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use super::Email;

/// Longest command or data line accepted; a runaway client gets cut off.
const MAX_LINE: usize = 1 << 20;

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMessage {
    /// The envelope sender (`MAIL FROM`), without angle brackets.
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`), without angle brackets.
    pub rcpt_to: Vec<String>,
    /// The data, dot-unstuffed, with accessors that decode it.
    pub email: Email,
}

/// A running (or stopped) SMTP sink. Dropping it stops it.
pub struct SmtpSink {
    addr: SocketAddr,
    messages: Arc<watch::Sender<Vec<ReceivedMessage>>>,
    running: Mutex<Option<Running>>,
}

struct Running {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts a sink on a free port of 127.0.0.1.
    ///
    /// # Panics
    /// When no port can be bound: the test cannot run anyway.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the SMTP sink");
        let addr = listener.local_addr().expect("the SMTP sink's address");
        let sink = SmtpSink { addr, messages: Arc::new(watch::Sender::new(Vec::new())), running: Mutex::new(None) };
        sink.serve(listener);
        sink
    }

    /// `smtp://127.0.0.1:PORT`, for [`MailConfig::smtp_url`](crate::MailConfig).
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every message received so far, in order of arrival.
    pub fn messages(&self) -> Vec<ReceivedMessage> {
        self.messages.borrow().clone()
    }

    /// Waits until at least `count` messages have arrived and returns them all.
    ///
    /// # Panics
    /// When `timeout` passes first, saying how many arrived.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMessage> {
        let mut receiver = self.messages.subscribe();
        let waited = tokio::time::timeout(timeout, receiver.wait_for(|m| m.len() >= count)).await;
        match waited {
            Ok(Ok(messages)) => messages.clone(),
            _ => panic!("the SMTP sink expected {count} messages within {timeout:?}, got {}", self.messages().len()),
        }
    }

    /// Closes the port and every open connection, and waits until they are closed:
    /// clients then see a refused connection or a broken pooled one.
    pub async fn stop(&self) {
        let running = self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(Running { stop, task }) = running {
            // The server may have ended already; either way it is gone afterwards.
            let _ = stop.send(());
            let _ = task.await;
        }
    }

    /// Listens again on the same port, keeping the messages received so far.
    ///
    /// # Panics
    /// When the port was taken meanwhile.
    pub async fn restart(&self) {
        self.stop().await;
        let listener = TcpListener::bind(self.addr).await.expect("bind the SMTP sink's port again");
        self.serve(listener);
    }

    fn serve(&self, listener: TcpListener) {
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&self.messages), stopped));
        *self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Running { stop, task });
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(running) = self.running.get_mut().unwrap_or_else(|p| p.into_inner()).take() {
            running.task.abort();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    messages: Arc<watch::Sender<Vec<ReceivedMessage>>>,
    mut stopped: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    // Replies go out at once: with Nagle and delayed ACKs each
                    // message would otherwise wait ~40 ms.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(session(stream, Arc::clone(&messages)));
                }
            }
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    connections.shutdown().await;
}

/// The state of one SMTP conversation.
#[derive(Default)]
struct Envelope {
    greeted: bool,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

/// Serves one connection until QUIT, EOF or an I/O error.
async fn session(stream: TcpStream, messages: Arc<watch::Sender<Vec<ReceivedMessage>>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut envelope = Envelope::default();
    write.write_all(b"220 concerto-sink ESMTP ready\r\n").await?;
    while let Some(line) = read_line(&mut reader).await? {
        let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        let argument = line.get(verb.len()..).unwrap_or("").trim();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => {
                envelope = Envelope { greeted: true, ..Envelope::default() };
                b"250-concerto-sink greets you\r\n250-8BITMIME\r\n250-SIZE 10485760\r\n250 HELP\r\n"
            }
            "HELO" => {
                envelope = Envelope { greeted: true, ..Envelope::default() };
                b"250 concerto-sink\r\n"
            }
            "MAIL" if !envelope.greeted => b"503 5.5.1 EHLO first\r\n",
            "MAIL" => match path_after(argument, "FROM:") {
                Some(from) => {
                    envelope.mail_from = Some(from);
                    envelope.rcpt_to.clear();
                    b"250 2.1.0 OK\r\n"
                }
                None => b"501 5.5.4 syntax: MAIL FROM:<address>\r\n",
            },
            "RCPT" if envelope.mail_from.is_none() => b"503 5.5.1 MAIL first\r\n",
            "RCPT" => match path_after(argument, "TO:") {
                Some(to) => {
                    envelope.rcpt_to.push(to);
                    b"250 2.1.5 OK\r\n"
                }
                None => b"501 5.5.4 syntax: RCPT TO:<address>\r\n",
            },
            "DATA" if envelope.rcpt_to.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                write.write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n").await?;
                let Some(data) = read_data(&mut reader).await? else { break };
                let message = ReceivedMessage {
                    mail_from: envelope.mail_from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut envelope.rcpt_to),
                    email: Email::parse(data),
                };
                messages.send_modify(|all| all.push(message));
                b"250 2.0.0 OK queued\r\n"
            }
            "RSET" => {
                envelope = Envelope { greeted: envelope.greeted, ..Envelope::default() };
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                break;
            }
            _ => b"500 5.5.2 command not recognized\r\n",
        };
        write.write_all(reply).await?;
    }
    write.shutdown().await
}

/// `<a@b> SIZE=12` after `FROM:` -> `a@b`; the null path `<>` is allowed.
fn path_after(argument: &str, keyword: &str) -> Option<String> {
    let head = argument.get(..keyword.len())?;
    if !head.eq_ignore_ascii_case(keyword) {
        return None;
    }
    let path = argument[keyword.len()..].trim_start();
    let inner = path.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_owned())
}

/// One line without its line end, or `None` at EOF.
async fn read_line(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<Option<String>> {
    let mut buffer = Vec::new();
    let read = (&mut *reader).take(MAX_LINE as u64).read_until(b'\n', &mut buffer).await?;
    if read == 0 {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&buffer);
    Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
}

/// The data lines up to the lone `.`, with the leading dot of stuffed lines removed
/// and CRLF line ends kept; `None` when the client hung up first.
async fn read_data(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> std::io::Result<Option<String>> {
    let mut data = String::new();
    while let Some(line) = read_line(reader).await? {
        if line == "." {
            return Ok(Some(data));
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
        data.push_str("\r\n");
    }
    Ok(None)
}
