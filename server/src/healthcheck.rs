//! `vitrine healthcheck`: one HTTP GET of `/healthz` on the local server.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub async fn run(listen: SocketAddr) -> ExitCode {
    // A server listening on 0.0.0.0 is reached on loopback.
    let target = if listen.ip().is_unspecified() {
        SocketAddr::from((Ipv4Addr::LOCALHOST, listen.port()))
    } else {
        listen
    };
    match tokio::time::timeout(Duration::from_secs(3), get_status(target)).await {
        Ok(Ok(200)) => ExitCode::SUCCESS,
        Ok(Ok(status)) => {
            eprintln!("healthcheck: /healthz answered {status}");
            ExitCode::FAILURE
        }
        Ok(Err(e)) => {
            eprintln!("healthcheck: {target}: {e}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("healthcheck: {target}: no answer within 3 s");
            ExitCode::FAILURE
        }
    }
}

async fn get_status(target: SocketAddr) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(target).await?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let mut head = [0u8; 32];
    let n = stream.read(&mut head).await?;
    // "HTTP/1.1 200 OK"
    std::str::from_utf8(&head[..n])
        .ok()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP response"))
}
