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
    let server = tokio::spawn(simdesk_serve::serve_io(Base::new(world()), config, sr, sw));
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
#[allow(dead_code)] // the benchmark uses it
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
