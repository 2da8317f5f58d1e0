//! One agent over a byte stream: stdio for a real server, any
//! `AsyncRead`/`AsyncWrite` pair (an in-process duplex) for tests.
//!
//! stdout is the protocol: nothing else is ever written to it.

use std::sync::Arc;

use rmcp::ServiceExt;
use rmcp::model::ProtocolVersion;
use rmcp::transport::async_rw::AsyncRwTransport;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::handler::{OutDir, Shared, SimServer};
use crate::{Base, ServeConfig, ServeError};

/// Serves one session over `read`/`write` until the client closes the
/// stream, then saves it to `config.out` (when given). Returns the folder
/// it was saved to.
pub async fn serve_io<R, W>(
    base: Base,
    config: ServeConfig,
    read: R,
    write: W,
) -> Result<Option<std::path::PathBuf>, ServeError>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    serve_until(base, config, read, write, std::future::pending()).await
}

/// [`serve_io`] that also ends (and saves) when `stop` resolves.
async fn serve_until<R, W>(
    base: Base,
    config: ServeConfig,
    read: R,
    write: W,
    stop: impl Future<Output = ()>,
) -> Result<Option<std::path::PathBuf>, ServeError>
where
    R: AsyncRead + Send + Unpin + 'static,
    W: AsyncWrite + Send + Unpin + 'static,
{
    let out = match &config.out {
        Some(dir) => OutDir::Single(dir.clone()),
        None => OutDir::None,
    };
    let shared = Arc::new(Shared::new(
        base,
        config.limits.clone(),
        config.grader,
        out,
        std::borrow::Cow::Borrowed(ProtocolVersion::KNOWN_VERSIONS),
    )?);
    let server = SimServer::new(shared);
    let transport = AsyncRwTransport::new_server(read, write)
        .with_max_line_length(config.limits.max_message_bytes);
    let running = server
        .clone()
        .serve(transport)
        .await
        .map_err(|e| ServeError::Handshake(Box::new(e)))?;
    // The client closing the stream (or a stop signal) ends the session;
    // how it ended does not change what is saved.
    let cancel = running.cancellation_token();
    tokio::select! {
        _ = running.waiting() => {}
        () = stop => cancel.cancel(),
    }
    let saved = tokio::task::spawn_blocking(move || server.save())
        .await
        .map_err(|e| ServeError::Task(e.to_string()))?;
    Ok(saved?)
}

/// Serves one session over the process's stdin and stdout, until stdin
/// closes or the process gets SIGINT or SIGTERM; then saves it.
pub async fn serve_stdio(
    base: Base,
    config: ServeConfig,
) -> Result<Option<std::path::PathBuf>, ServeError> {
    let (read, write) = rmcp::transport::io::stdio_pipes();
    serve_until(base, config, read, write, crate::stop_signal()).await
}
