//! Many agents over streamable HTTP: one session per MCP session, each a
//! fork of the loaded world; a capped session map with unguessable ids;
//! bearer-token auth checked in constant time on every request.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::model::{ClientJsonRpcMessage, ProtocolVersion, ServerJsonRpcMessage};
use rmcp::transport::WorkerTransport;
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError, LocalSessionWorker, create_local_session,
};
use rmcp::transport::streamable_http_server::session::{ServerSseMessage, SessionManager};
use rmcp::transport::streamable_http_server::{
    SessionId, StreamableHttpServerConfig, StreamableHttpService,
};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::handler::{OutDir, Shared, SimServer};
use crate::{Base, ServeConfig, ServeError};

/// How long a shutdown waits for sessions to end and save.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// The path the MCP endpoint is served on.
pub const ENDPOINT: &str = "/mcp";

/// How an HTTP server listens and who may connect.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Address to bind. Anything but a loopback address needs a token.
    pub addr: SocketAddr,
    /// Bearer token every request must carry (`Authorization: Bearer …`).
    pub token: Option<String>,
}

/// Checks who may connect before anything is bound: a non-loopback
/// address needs a token; a token must not be empty.
pub fn check_access(opts: &HttpOptions) -> Result<(), ServeError> {
    match &opts.token {
        Some(t) if t.trim().is_empty() => Err(ServeError::EmptyToken),
        Some(_) => Ok(()),
        None if opts.addr.ip().is_loopback() => Ok(()),
        None => Err(ServeError::TokenRequired(opts.addr)),
    }
}

/// A running HTTP server: where it listens, and how to stop it.
pub struct HttpServer {
    /// The address actually bound (port 0 becomes a real port).
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl HttpServer {
    /// Stops accepting, closes every session (saving each one when an out
    /// folder is set) and waits for the server to end.
    pub async fn shutdown(self) -> Result<(), ServeError> {
        self.stop.cancel();
        let shared = self.shared.clone();
        self.wait().await?;
        match shared.all_ended(SHUTDOWN_GRACE).await {
            0 => Ok(()),
            n => Err(ServeError::Task(format!(
                "{n} sessions did not end within {} s",
                SHUTDOWN_GRACE.as_secs()
            ))),
        }
    }

    /// Sessions alive now (created and not yet ended).
    pub fn live_sessions(&self) -> usize {
        self.shared.live()
    }

    /// Tool calls that went over the time limit and whose threads are
    /// still computing (their results will be discarded). Never more than
    /// [`crate::Limits::max_calls`].
    pub fn calls_cut_off(&self) -> usize {
        self.shared.calls.cut_off()
    }

    /// Waits until the server ends (after [`HttpServer::shutdown`] or an
    /// error).
    pub async fn wait(self) -> Result<(), ServeError> {
        match self.task.await {
            Ok(r) => r.map_err(|source| ServeError::Io {
                what: "serving http".into(),
                source,
            }),
            Err(e) => Err(ServeError::Task(e.to_string())),
        }
    }

    /// A token that stops the server when cancelled.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }
}

/// Binds and starts serving `base` over streamable HTTP at
/// `opts.addr`/[`ENDPOINT`]. Refuses a non-loopback address without a
/// token before binding.
pub async fn start_http(
    base: Base,
    config: ServeConfig,
    opts: HttpOptions,
) -> Result<HttpServer, ServeError> {
    check_access(&opts)?;
    let listener = TcpListener::bind(opts.addr)
        .await
        .map_err(|source| ServeError::Io {
            what: format!("binding {}", opts.addr),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Io {
        what: format!("binding {}", opts.addr),
        source,
    })?;
    let out = match &config.out {
        Some(dir) => OutDir::PerSession(dir.clone()),
        None => OutDir::None,
    };
    // Sessions exist only in the protocol revisions with the `initialize`
    // handshake; a world per session needs them, so later revisions are
    // not offered over HTTP.
    let versions: Vec<ProtocolVersion> = ProtocolVersion::KNOWN_VERSIONS
        .iter()
        .filter(|v| v.has_initialize())
        .cloned()
        .collect();
    let shared = Arc::new(Shared::new(
        base,
        config.limits.clone(),
        config.grader,
        out,
        versions.into(),
    )?);
    let stop = CancellationToken::new();
    let mut sessions = LocalSessionManager::default();
    sessions.session_config.keep_alive = Some(config.limits.idle_timeout);
    let manager = Arc::new(CappedSessions {
        inner: sessions,
        max: config.limits.max_sessions,
    });
    let mut http_config = StreamableHttpServerConfig::default()
        .with_cancellation_token(stop.child_token())
        .with_max_request_body_bytes(config.limits.max_message_bytes)
        .with_json_response(true);
    if !addr.ip().is_loopback() {
        // Reached through some other name; the token guards every request.
        http_config = http_config.disable_allowed_hosts();
    }
    let factory_shared = shared.clone();
    let service = StreamableHttpService::new(
        move || Ok(SimServer::new(factory_shared.clone())),
        manager,
        http_config,
    );
    let token = opts.token.map(|t| Arc::new(blake3::hash(t.as_bytes())));
    let app = axum::Router::new()
        .nest_service(ENDPOINT, service)
        .layer(axum::middleware::from_fn_with_state(token, require_token));
    let shutdown = stop.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await
    });
    Ok(HttpServer {
        addr,
        shared,
        stop,
        task,
    })
}

/// Refuses a request without the right bearer token with 401. The
/// comparison is of blake3 digests, whose equality is constant-time, so
/// timing says nothing about how much of a guess was right.
async fn require_token(
    State(token): State<Option<Arc<blake3::Hash>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = token else {
        return next.run(request).await;
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| blake3::hash(t.as_bytes()));
    if given.as_ref() == Some(expected.as_ref()) {
        return next.run(request).await;
    }
    let mut response = (StatusCode::UNAUTHORIZED, "missing or wrong bearer token").into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"simdesk\""),
    );
    response
}

/// rmcp's local session manager with two changes: at most `max` sessions
/// at once, and session ids of 128 random bits from the operating system
/// (never derived from anything in a world).
struct CappedSessions {
    inner: LocalSessionManager,
    max: usize,
}

/// Why a session could not be created or reached.
#[derive(Debug, thiserror::Error)]
enum SessionsError {
    #[error("too many sessions: the limit is {0}")]
    Full(usize),
    #[error("cannot draw a random session id")]
    Random(#[source] getrandom::Error),
    #[error(transparent)]
    Local(#[from] LocalSessionManagerError),
}

fn random_session_id() -> Result<SessionId, SessionsError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(SessionsError::Random)?;
    let mut id = String::with_capacity(32);
    for b in bytes {
        id.push_str(&format!("{b:02x}"));
    }
    Ok(id.into())
}

impl SessionManager for CappedSessions {
    type Error = SessionsError;
    type Transport = WorkerTransport<LocalSessionWorker>;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        let id = random_session_id()?;
        let mut sessions = self.inner.sessions.write().await;
        if sessions.len() >= self.max {
            return Err(SessionsError::Full(self.max));
        }
        let (handle, worker) = create_local_session(id.clone(), self.inner.session_config.clone());
        sessions.insert(id.clone(), handle);
        Ok((id, WorkerTransport::spawn(worker)))
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        Ok(self.inner.initialize_session(id, message).await?)
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        Ok(self.inner.has_session(id).await?)
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        Ok(self.inner.close_session(id).await?)
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<
        impl futures_core::Stream<Item = ServerSseMessage> + Send + Sync + 'static,
        Self::Error,
    > {
        Ok(self.inner.create_stream(id, message).await?)
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        Ok(self.inner.accept_message(id, message).await?)
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<
        impl futures_core::Stream<Item = ServerSseMessage> + Send + Sync + 'static,
        Self::Error,
    > {
        Ok(self.inner.create_standalone_stream(id).await?)
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<
        impl futures_core::Stream<Item = ServerSseMessage> + Send + Sync + 'static,
        Self::Error,
    > {
        Ok(self.inner.resume(id, last_event_id).await?)
    }
}
