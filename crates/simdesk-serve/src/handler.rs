//! The MCP server of one session: tools, resources and the brief prompt,
//! translated to and from the simulation by [`crate::door`].

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, GetPromptResult, Implementation, InitializeRequestParams, InitializeResult,
    ListPromptsResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams, Prompt,
    PromptMessage, ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, ResourceContents, Role, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::Value;

use simdesk_sim::Session;

use crate::ServeError;
use crate::calls::{Calls, NotDone, Over, Refusal, Slot};
use crate::door::{self, Base, HARNESS_SAVE, HARNESS_SCORE};
use crate::limits::Limits;
use crate::save::save_session;

/// The name of the prompt that gives the agent its brief.
pub const BRIEF_PROMPT: &str = "brief";

/// Where sessions are saved.
#[derive(Debug, Clone)]
pub enum OutDir {
    /// Not saved.
    None,
    /// The one session of a stdio server is saved to exactly this folder.
    Single(PathBuf),
    /// Each HTTP session is saved to `session-N` inside this folder, `N`
    /// counting sessions in the order they were created.
    PerSession(PathBuf),
}

/// What every session of one server shares (read-only).
pub(crate) struct Shared {
    pub(crate) base: Base,
    pub(crate) limits: Limits,
    pub(crate) tools: Arc<Vec<Tool>>,
    pub(crate) grader: bool,
    pub(crate) out: OutDir,
    pub(crate) versions: Cow<'static, [ProtocolVersion]>,
    /// The calls computing, all sessions together.
    pub(crate) calls: Calls,
    next_session: AtomicU64,
    /// Sessions alive (created and not yet dropped and saved).
    live: AtomicUsize,
    /// Woken each time a session ends.
    ended: tokio::sync::Notify,
}

impl Shared {
    pub(crate) fn new(
        base: Base,
        limits: Limits,
        grader: bool,
        out: OutDir,
        versions: Cow<'static, [ProtocolVersion]>,
    ) -> Result<Shared, ServeError> {
        let tools = if grader {
            door::tools_with_harness()?
        } else {
            door::tools()?
        };
        Ok(Shared {
            base,
            calls: Calls::new(limits.max_calls),
            limits,
            tools: Arc::new(tools),
            grader,
            out,
            versions,
            next_session: AtomicU64::new(1),
            live: AtomicUsize::new(0),
            ended: tokio::sync::Notify::new(),
        })
    }

    /// Sessions alive now.
    pub(crate) fn live(&self) -> usize {
        self.live.load(Ordering::SeqCst)
    }

    /// Waits until every session has ended (and been saved), or `limit`
    /// has passed; returns how many are still alive.
    pub(crate) async fn all_ended(&self, limit: std::time::Duration) -> usize {
        let wait = async {
            loop {
                let ended = self.ended.notified();
                if self.live() == 0 {
                    return;
                }
                ended.await;
            }
        };
        let _ = tokio::time::timeout(limit, wait).await;
        self.live()
    }
}

/// One session's state. Calls run on a fork of `session` and replace it
/// when they complete, so a call that is cut off changes nothing.
struct Room {
    shared: Arc<Shared>,
    session: Session,
    /// Where this session saves, if anywhere.
    out: Option<PathBuf>,
    /// The trajectory length at the last save.
    saved_at: Option<usize>,
    /// A client completed the handshake: only such sessions are saved
    /// when they end (HTTP makes a server for a session before it knows
    /// whether the session will be admitted).
    started: bool,
}

impl Room {
    fn save(&mut self) -> Result<Option<PathBuf>, crate::save::SaveError> {
        let Some(dir) = self.out.clone() else {
            return Ok(None);
        };
        save_session(&self.session, &dir)?;
        self.saved_at = Some(self.session.step_count());
        Ok(Some(dir))
    }
}

impl Drop for Room {
    fn drop(&mut self) {
        if self.started
            && self.out.is_some()
            && self.saved_at != Some(self.session.step_count())
            && let Err(e) = self.save()
        {
            eprintln!("simdesk serve: {}", crate::error_chain(&e));
        }
        self.shared.live.fetch_sub(1, Ordering::SeqCst);
        self.shared.ended.notify_waiters();
    }
}

/// The MCP server of one session. Cloning it shares the session.
#[derive(Clone)]
pub struct SimServer {
    room: Arc<Mutex<Room>>,
    /// Whether a call of this session is running (see [`crate::calls`]).
    slot: Slot,
    shared: Arc<Shared>,
}

impl SimServer {
    pub(crate) fn new(shared: Arc<Shared>) -> SimServer {
        let n = shared.next_session.fetch_add(1, Ordering::Relaxed);
        shared.live.fetch_add(1, Ordering::SeqCst);
        let out = match &shared.out {
            OutDir::None => None,
            OutDir::Single(dir) => Some(dir.clone()),
            OutDir::PerSession(dir) => Some(dir.join(format!("session-{n}"))),
        };
        SimServer {
            room: Arc::new(Mutex::new(Room {
                shared: shared.clone(),
                session: shared.base.fork(),
                out,
                saved_at: None,
                started: false,
            })),
            slot: Slot::default(),
            shared,
        }
    }

    fn room(&self) -> MutexGuard<'_, Room> {
        // A panic while the lock was held cannot leave a half-applied call:
        // calls run on forks. Keep serving.
        self.room.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Saves the session now (when the server has an out folder).
    pub fn save(&self) -> Result<Option<PathBuf>, crate::save::SaveError> {
        self.room().save()
    }

    async fn call(&self, name: String, args: Value) -> CallToolResult {
        if self.shared.grader && name == HARNESS_SCORE {
            let limits = &self.shared.limits;
            let outcome = self
                .shared
                .calls
                .run(&self.slot, limits, || {
                    let world = self.room().session.world().fork();
                    move || simdesk_check::score(&world, None)
                })
                .await;
            return match outcome {
                Ok((report, _release)) => match serde_json::to_value(&report) {
                    Ok(v) => CallToolResult::structured(v),
                    Err(e) => door::tool_error(&format!("cannot serialise the score: {e}"), ""),
                },
                Err(why) => not_done(why, limits),
            };
        }
        if self.shared.grader && name == HARNESS_SAVE {
            let this = self.clone();
            return tokio::task::spawn_blocking(move || match this.save() {
                Ok(Some(dir)) => CallToolResult::success(vec![ContentBlock::text(format!(
                    "saved to {}",
                    dir.display()
                ))]),
                Ok(None) => door::tool_error(
                    "this server has no --out folder",
                    "start simdesk serve with --out DIR",
                ),
                Err(e) => door::tool_error(&crate::error_chain(&e), "check the --out folder"),
            })
            .await
            .unwrap_or_else(|e| door::tool_error(&format!("saving failed: {e}"), ""));
        }
        let limits = &self.shared.limits;
        let outcome = self
            .shared
            .calls
            .run(&self.slot, limits, || {
                let mut fork = self.room().session.fork();
                move || {
                    let result = door::call(&mut fork, &name, args);
                    (fork, result)
                }
            })
            .await;
        match outcome {
            Ok(((session, result), release)) => {
                self.room().session = session;
                drop(release);
                result
            }
            Err(why) => not_done(why, limits),
        }
    }
}

/// The tool error for a call that gave no result.
fn not_done(why: NotDone, limits: &Limits) -> CallToolResult {
    match why {
        NotDone::Failed(e) => door::tool_error(
            &format!("the call failed inside the server: {e}"),
            "nothing changed; try another call",
        ),
        NotDone::CutOff(Over::Cpu(limit)) => door::tool_error(
            &format!("the call used more than {limit:?} of CPU time, the limit per call"),
            "nothing changed; ask for less at once",
        ),
        NotDone::CutOff(Over::Wall(limit)) => door::tool_error(
            &format!("the call ran for more than {limit:?}, the limit per call"),
            "nothing changed; ask for less at once",
        ),
        NotDone::Refused(Refusal::SessionBusy) => door::tool_error(
            "another call of this session is still running",
            "wait for its result before the next call",
        ),
        NotDone::Refused(Refusal::SessionCutOff) => door::tool_error(
            "this session's previous call went over the time limit and is still finishing on the server; nothing of it will be kept",
            "try again in a moment",
        ),
        NotDone::Refused(Refusal::ServerFull { max, cut_off }) => door::tool_error(
            &format!(
                "{max} calls are computing on this server, its limit ({cut_off} of them cut off by the time limit and still finishing); waited {:?} for one to end",
                limits.call_time
            ),
            "nothing changed; try again in a moment",
        ),
    }
}

impl ServerHandler for SimServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_resources()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new("simdesk", env!("CARGO_PKG_VERSION")))
        .with_instructions(
            "A simulated office computer. Get the `brief` prompt first, then work \
             through the tools; time passes only through your calls.",
        )
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        context.peer.set_peer_info(request.clone());
        self.room().started = true;
        self.negotiate_initialize(&request)
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        self.shared.versions.clone()
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(
            self.shared.tools.as_ref().clone(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = Value::Object(request.arguments.unwrap_or_default());
        Ok(self.call(request.name.into_owned(), args).await.into())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let world = self.room().session.world().fork();
        Ok(ListResourcesResult::with_all_items(door::resources(&world)))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let world = self.room().session.world().fork();
        match door::read(&world, &request.uri) {
            Ok(text) => Ok(ReadResourceResult::new(vec![
                ResourceContents::text(text, request.uri).with_mime_type("text/plain"),
            ])
            .into()),
            Err(message) => Err(ErrorData::resource_not_found(message, None)),
        }
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(vec![Prompt::new(
            BRIEF_PROMPT,
            Some("Who you are, who you work for and where your mail is"),
            None,
        )]))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        if request.name != BRIEF_PROMPT {
            return Err(ErrorData::invalid_params(
                format!(
                    "no prompt named `{}`; the one prompt is `brief`",
                    request.name
                ),
                None,
            ));
        }
        let brief = self.room().session.brief().to_owned();
        Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, brief)]).into())
    }
}
