//! Shared fixtures: a generated computer, and clients connected to it.

use std::sync::OnceLock;

use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult, JsonObject};
use rmcp::service::{RoleClient, RunningService};
use serde_json::Value;
use simdesk_engine::Workspace;
use simdesk_serve::{Base, ServeConfig};

/// A connected rmcp client.
pub type Client = RunningService<RoleClient, ()>;

/// The generated computer every test serves (built once per process).
pub fn world() -> Workspace {
    static WORLD: OnceLock<Workspace> = OnceLock::new();
    WORLD
        .get_or_init(|| {
            let t = simdesk_gen::builtin_template("financial-advisor").unwrap();
            let spec =
                simdesk_gen::generate(&t, 7, 0, &simdesk_gen::GenOptions::default()).unwrap();
            simdesk_gen::build(&spec).unwrap()
        })
        .fork()
}

/// The base every test serves: the generated computer, no scenario.
pub fn base() -> Base {
    Base::from_world(world(), None).expect("the quiet scenario fits")
}

/// A client talking to a fresh in-process server over a duplex stream.
/// The server task returns the folder the session was saved to.
pub async fn connect(
    config: ServeConfig,
) -> (
    Client,
    tokio::task::JoinHandle<Result<Option<std::path::PathBuf>, simdesk_serve::ServeError>>,
) {
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let (sr, sw) = tokio::io::split(server_io);
    let server = tokio::spawn(simdesk_serve::serve_io(base(), config, sr, sw));
    let client = ().serve(client_io).await.expect("client handshake");
    (client, server)
}

/// An rmcp client over streamable HTTP to `addr`, with a bearer token.
pub async fn http_client_with(
    addr: std::net::SocketAddr,
    token: Option<&str>,
) -> Result<Client, String> {
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    let mut cfg = StreamableHttpClientTransportConfig::with_uri(format!("http://{addr}/mcp"));
    if let Some(t) = token {
        cfg = cfg.auth_header(t);
    }
    ().serve(StreamableHttpClientTransport::from_config(cfg))
        .await
        .map_err(|e| e.to_string())
}

/// An rmcp client over streamable HTTP to `addr`.
pub async fn http_client(addr: std::net::SocketAddr) -> Client {
    http_client_with(addr, None)
        .await
        .expect("http client handshake")
}

/// Calls `name` with `args` (an object) and returns the result.
pub async fn call(client: &Client, name: &str, args: Value) -> CallToolResult {
    let args: JsonObject = match args {
        Value::Object(m) => m,
        other => panic!("arguments must be an object, not {other}"),
    };
    client
        .call_tool(CallToolRequestParams::new(name.to_owned()).with_arguments(args))
        .await
        .expect("a tool call is answered with a result, never a protocol error")
}

/// The text of a tool result (all text blocks, joined).
pub fn text(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One raw HTTP/1.1 POST; returns the status and the response head+body.
pub async fn post(
    addr: std::net::SocketAddr,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
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

pub fn session_id(response: &str) -> String {
    response
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("mcp-session-id")
                .then(|| v.trim().to_owned())
        })
        .expect("the initialize response carries a session id")
}
