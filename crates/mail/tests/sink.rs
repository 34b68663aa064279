//! The SMTP sink speaks the protocol: checked here with a raw client, byte by byte.

#![allow(clippy::unwrap_used)] // A failed unwrap in a test is a failed test.

use std::time::Duration;

use concerto_mail::testing::SmtpSink;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Client {
    reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
}

impl Client {
    async fn connect(sink: &SmtpSink) -> Client {
        let (read, writer) = TcpStream::connect(sink.addr()).await.expect("connect").into_split();
        let mut client = Client { reader: BufReader::new(read), writer };
        assert!(client.reply().await.starts_with("220 "));
        client
    }

    /// A whole reply, multi-line replies joined with `\n`.
    async fn reply(&mut self) -> String {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.expect("read reply");
            let line = line.trim_end().to_owned();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return lines.join("\n");
            }
        }
    }

    async fn send(&mut self, text: &str) -> String {
        self.writer.write_all(text.as_bytes()).await.expect("write");
        self.reply().await
    }
}

#[tokio::test]
async fn the_sink_speaks_smtp_and_unstuffs_dots() {
    let sink = SmtpSink::start().await;
    let mut c = Client::connect(&sink).await;
    assert!(c.send("MAIL FROM:<a@example.org>\r\n").await.starts_with("503"));
    let ehlo = c.send("EHLO client.example.org\r\n").await;
    assert!(ehlo.starts_with("250-") && ehlo.lines().last().is_some_and(|l| l.starts_with("250 ")), "{ehlo}");
    assert!(c.send("VRFY x\r\n").await.starts_with("500"));
    assert!(c.send("NOOP\r\n").await.starts_with("250"));
    assert!(c.send("DATA\r\n").await.starts_with("503"));
    assert!(c.send("MAIL FROM:<a@example.org> SIZE=100\r\n").await.starts_with("250"));
    assert!(c.send("RCPT TO:<discarded@example.org>\r\n").await.starts_with("250"));
    assert!(c.send("RSET\r\n").await.starts_with("250"));
    assert!(c.send("mail from:<a@example.org>\r\n").await.starts_with("250"));
    assert!(c.send("RCPT TO:<b@example.org>\r\n").await.starts_with("250"));
    assert!(c.send("RCPT TO:<c@example.org>\r\n").await.starts_with("250"));
    assert!(c.send("DATA\r\n").await.starts_with("354"));
    let data = "Subject: =?utf-8?q?Cos=C3=AC?=\r\nMessage-ID: <x@y>\r\n\r\n..punto\r\nfine\r\n.\r\n";
    assert!(c.send(data).await.starts_with("250"));
    assert!(c.send("QUIT\r\n").await.starts_with("221"));

    let [message] = sink.wait_for(1, Duration::from_secs(5)).await.try_into().expect("one message");
    assert_eq!(message.mail_from, "a@example.org");
    assert_eq!(message.rcpt_to, ["b@example.org", "c@example.org"]);
    assert_eq!(message.email.raw(), "Subject: =?utf-8?q?Cos=C3=AC?=\r\nMessage-ID: <x@y>\r\n\r\n.punto\r\nfine\r\n");
    assert_eq!(message.email.subject().as_deref(), Some("Così"));
    assert_eq!(message.email.text_body(), ".punto\nfine\n");
}

#[tokio::test]
async fn the_sink_serves_concurrent_connections_and_comes_back_after_a_stop() {
    let sink = SmtpSink::start().await;
    let mut clients = Vec::new();
    for _ in 0..10 {
        clients.push(Client::connect(&sink).await);
    }
    // All ten are open at once; each sends its message in turn.
    for (i, c) in clients.iter_mut().enumerate() {
        assert!(c.send("HELO x\r\n").await.starts_with("250"));
        assert!(c.send("MAIL FROM:<>\r\n").await.starts_with("250"));
        assert!(c.send(&format!("RCPT TO:<r{i}@example.org>\r\n")).await.starts_with("250"));
        assert!(c.send("DATA\r\n").await.starts_with("354"));
        assert!(c.send(&format!("Subject: {i}\r\n\r\nbody\r\n.\r\n")).await.starts_with("250"));
    }
    assert_eq!(sink.wait_for(10, Duration::from_secs(5)).await.len(), 10);

    sink.stop().await;
    assert!(TcpStream::connect(sink.addr()).await.is_err(), "the port is closed");
    let mut line = String::new();
    let read = clients[0].reader.read_line(&mut line).await.unwrap_or(0);
    assert_eq!(read, 0, "open connections are closed too");

    sink.restart().await;
    let mut c = Client::connect(&sink).await;
    assert!(c.send("QUIT\r\n").await.starts_with("221"));
    assert_eq!(sink.messages().len(), 10, "messages survive the restart");
}
