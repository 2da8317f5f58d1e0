//! Streamable HTTP: who may connect, unguessable sessions, the session cap.

use std::net::SocketAddr;

use simdesk_serve::{Base, HttpOptions, HttpServer, Limits, ServeConfig, ServeError, start_http};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{Client, world};

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;
const LIST: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}"#;

pub async fn server(config: ServeConfig, token: Option<&str>) -> HttpServer {
    start_http(
        Base::new(world()),
        config,
        HttpOptions {
            addr: "127.0.0.1:0".parse().unwrap(),
            token: token.map(str::to_owned),
        },
    )
    .await
    .unwrap()
}

async fn client(addr: SocketAddr, token: Option<&str>) -> Result<Client, String> {
    crate::common::http_client_with(addr, token).await
}

/// One raw HTTP/1.1 POST; returns the status and the response head+body.
async fn post(addr: SocketAddr, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

fn session_id(response: &str) -> String {
    response
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("mcp-session-id")
                .then(|| v.trim().to_owned())
        })
        .expect("the initialize response carries a session id")
}

#[tokio::test]
async fn non_loopback_bind_without_token_refuses_to_start() {
    for (addr, token) in [
        ("0.0.0.0:0", None),
        ("[::]:0", None),
        ("0.0.0.0:0", Some("  ")),
    ] {
        let err = start_http(
            Base::new(world()),
            ServeConfig::default(),
            HttpOptions {
                addr: addr.parse().unwrap(),
                token: token.map(str::to_owned),
            },
        )
        .await
        .map(|_| ())
        .expect_err("refused");
        assert!(
            matches!(err, ServeError::TokenRequired(_) | ServeError::EmptyToken),
            "{err}"
        );
    }
}

#[tokio::test]
async fn wrong_or_missing_token_gets_401() {
    let srv = server(ServeConfig::default(), Some("correct horse battery staple")).await;
    let addr = srv.addr;
    for headers in [
        vec![],
        vec![("Authorization", "Bearer wrong")],
        vec![("Authorization", "Bearer correct horse battery stapl")],
        vec![("Authorization", "correct horse battery staple")],
    ] {
        let (status, body) = post(addr, &headers, INIT).await;
        assert_eq!(status, 401, "{headers:?}: {body}");
        assert!(body.contains("WWW-Authenticate") || body.contains("www-authenticate"));
    }
    let (status, _) = post(
        addr,
        &[("Authorization", "Bearer correct horse battery staple")],
        INIT,
    )
    .await;
    assert_eq!(status, 200);
    // The real client: refused without the token, served with it.
    assert!(client(addr, Some("wrong")).await.is_err());
    let c = client(addr, Some("correct horse battery staple"))
        .await
        .unwrap();
    c.list_all_resources().await.unwrap();
    c.cancel().await.unwrap();
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn guessed_session_id_reaches_nothing() {
    let srv = server(ServeConfig::default(), None).await;
    let (status, head) = post(srv.addr, &[], INIT).await;
    assert_eq!(status, 200, "{head}");
    let real = session_id(&head);
    assert_eq!(real.len(), 32, "128 bits as hex: {real}");
    assert!(real.bytes().all(|b| b.is_ascii_hexdigit()));
    let (_, again) = post(srv.addr, &[], INIT).await;
    assert_ne!(session_id(&again), real);
    // A neighbour of the real id, and ids of other shapes, reach nothing.
    let mut near = real.clone().into_bytes();
    near[31] = if near[31] == b'0' { b'1' } else { b'0' };
    let near = String::from_utf8(near).unwrap();
    for guess in [
        near.as_str(),
        "1",
        "00000000000000000000000000000000",
        "../x",
    ] {
        let (status, body) = post(srv.addr, &[("Mcp-Session-Id", guess)], LIST).await;
        assert_eq!(status, 404, "{guess}: {body}");
    }
    srv.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_session_cap_refuses_new_sessions_and_keeps_the_old_ones() {
    let srv = server(
        ServeConfig {
            limits: Limits {
                max_sessions: 2,
                ..Limits::default()
            },
            ..ServeConfig::default()
        },
        None,
    )
    .await;
    let a = client(srv.addr, None).await.unwrap();
    let b = client(srv.addr, None).await.unwrap();
    assert!(
        client(srv.addr, None).await.is_err(),
        "a third session is refused"
    );
    let (status, body) = post(srv.addr, &[], INIT).await;
    assert_eq!(status, 500, "{body}");
    assert!(
        body.ends_with("too many sessions: the limit is 2"),
        "{body}"
    );
    a.list_all_resources().await.unwrap();
    b.list_all_resources().await.unwrap();
    // Closing one makes room again.
    a.cancel().await.unwrap();
    let mut c = None;
    for _ in 0..50 {
        if let Ok(x) = client(srv.addr, None).await {
            c = Some(x);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let c = c.expect("room for a new session after one closed");
    c.list_all_resources().await.unwrap();
    b.cancel().await.unwrap();
    c.cancel().await.unwrap();
    srv.shutdown().await.unwrap();
}
