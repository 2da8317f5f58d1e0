//! The scenario a generated computer carries: who the agent is, the
//! schedule of what arrives, the collaborators as data (hours, latency,
//! what they know, what they review), conflicting instructions, follow-up
//! rules, time costs, prose and the brief. Serde types read from TOML or
//! JSON; nothing here is code a template would have to write.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use simdesk_engine::Workspace;
use simdesk_model::{Artifact, Mailbox, Objective, SimTime, TimeZone, VPath};

use crate::error::ScenarioError;
use crate::tools::TOOL_NAMES;

/// The scenario format version this crate reads.
pub const SCENARIO_VERSION: u32 = 1;

/// Per-tool time costs shipped with simdesk (`templates/_sim/costs.toml`).
pub const BUILTIN_COSTS: &str = include_str!("../../../templates/_sim/costs.toml");

/// Message prose shipped with simdesk (`templates/_sim/prose.toml`).
pub const BUILTIN_PROSE: &str = include_str!("../../../templates/_sim/prose.toml");

/// A month of work around a world: schedule, collaborators, costs, brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1.
    #[serde(default = "version_one")]
    pub version: u32,
    /// The agent: the persona's name and address.
    pub agent: Mailbox,
    /// How collaborators greet the agent (`Анна`, `山田さん`); empty: the
    /// first word of the agent's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub agent_called: String,
    /// The persona's home folder (mail lives in `<home>/Mail/Inbox` and
    /// `<home>/Mail/Sent`, arriving files in `<home>/Downloads`).
    pub home: VPath,
    /// The persona's time zone as minutes east of UTC, used when
    /// `timezone` is not set.
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// The persona's time zone by IANA name (`America/Los_Angeles`): when
    /// set, local times (mail file names, due dates in prose) follow the
    /// zone's daylight-saving rule and `utc_offset_minutes` is not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<TimeZone>,
    /// How the persona's country writes a date in prose, as an Excel date
    /// code (`d mmmm yyyy`); ISO dates when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// What the agent is told when the session starts.
    #[serde(default)]
    pub brief: String,
    /// The end of the month: waiting past it is cut short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<SimTime>,
    /// What each tool call costs in simulated time.
    #[serde(default = "Costs::builtin")]
    pub costs: Costs,
    /// The people who write to the agent and answer it.
    #[serde(default)]
    pub collaborators: Vec<CollaboratorSpec>,
    /// Emails (with requests, objectives, files) and files that arrive at
    /// set times.
    #[serde(default)]
    pub schedule: Vec<Scheduled>,
    /// Pairs of instructions that disagree, and whose word wins.
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    /// Reminders before due dates and escalations after.
    #[serde(default)]
    pub follow_ups: FollowUps,
    /// Message prose, by rule and style.
    #[serde(default = "Prose::builtin")]
    pub prose: Prose,
}

fn version_one() -> u32 {
    SCENARIO_VERSION
}

/// Simulated seconds each tool call costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// A tool not listed in `tools`.
    pub default_seconds: u32,
    /// A refused call (bad arguments, unknown path …).
    pub error_seconds: u32,
    /// Lines of a file's text view per `read_file` page.
    pub page_lines: u32,
    /// Seconds by tool name.
    #[serde(default)]
    pub tools: BTreeMap<String, u32>,
}

impl Costs {
    /// Reads costs from TOML (the form of `templates/_sim/costs.toml`).
    pub fn parse(text: &str) -> Result<Costs, ScenarioError> {
        toml::from_str(text).map_err(|e| ScenarioError::Toml {
            source: Arc::new(e),
        })
    }

    /// The costs shipped in `templates/_sim/costs.toml`.
    pub fn builtin() -> Costs {
        // The embedded file is checked by a test; a flat minute per call
        // only stands in if it ever failed to parse.
        Costs::parse(BUILTIN_COSTS).unwrap_or(Costs {
            default_seconds: 60,
            error_seconds: 30,
            page_lines: 120,
            tools: BTreeMap::new(),
        })
    }

    /// Seconds a call of `tool` costs.
    pub fn of(&self, tool: &str) -> u32 {
        self.tools
            .get(tool)
            .copied()
            .unwrap_or(self.default_seconds)
    }
}

/// Message templates by rule, then by style, several variants each.
/// Placeholders: `{name}` (how the recipient is greeted:
/// [`Scenario::agent_greeting_name`]), `{me}` (the name the sender signs
/// with: [`CollaboratorSpec::signature_name`]), `{fact}`, `{files}`, `{title}`, `{due}`, `{problems}`, `{text}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prose {
    /// How each style opens a message.
    pub greetings: BTreeMap<String, Vec<String>>,
    /// How each style closes a message.
    pub signoffs: BTreeMap<String, Vec<String>>,
    /// Bodies by rule (`answer`, `unknown`, `review_fail`, `review_pass`,
    /// `reminder`, `escalation`, `resolution`), then by style.
    pub rules: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl Prose {
    /// Reads prose from TOML (the form of `templates/_sim/prose.toml`).
    pub fn parse(text: &str) -> Result<Prose, ScenarioError> {
        toml::from_str(text).map_err(|e| ScenarioError::Toml {
            source: Arc::new(e),
        })
    }

    /// The prose shipped in `templates/_sim/prose.toml`.
    pub fn builtin() -> Prose {
        // Checked by a test, like the costs.
        Prose::parse(BUILTIN_PROSE).unwrap_or(Prose {
            greetings: BTreeMap::new(),
            signoffs: BTreeMap::new(),
            rules: BTreeMap::new(),
        })
    }
}

/// A collaborator: who they are, when they work, how fast they answer,
/// what they know and what they review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollaboratorSpec {
    /// Key the scenario uses (`manager`, `contact-2`); the actor of their
    /// events.
    pub key: String,
    /// Full name.
    pub name: String,
    /// How others greet them (`Анна`, `山田さん`); empty: the first word
    /// of `name`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub called: String,
    /// The name they sign with, the same on every message they write;
    /// empty: the first word of `name`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub signature: String,
    /// Email address.
    pub email: String,
    /// Role or title.
    #[serde(default)]
    pub role: String,
    /// Relation to the persona (`manager`, `peer`, `client`, `vendor`).
    #[serde(default)]
    pub relation: String,
    /// Writing style: a key of the prose tables (`terse`, `skeptical`,
    /// `chatty`, `formal`).
    #[serde(default = "formal")]
    pub style: String,
    /// When they work, local to where they live (see `location`).
    #[serde(default)]
    pub hours: WorkingHours,
    /// Where they live when that is not where the persona lives (a
    /// colleague abroad): their `hours` are then read in this place's time
    /// zone, and `hours.holidays` should list this place's public
    /// holidays. None: the persona's place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Place>,
    /// Minutes between reading a message and answering it.
    #[serde(default = "sixty")]
    pub latency_minutes: u32,
    /// What they can tell or send when asked.
    #[serde(default)]
    pub knows: Vec<Knowledge>,
    /// Objective ids whose deliverables they review.
    #[serde(default)]
    pub reviews: Vec<String>,
}

impl CollaboratorSpec {
    /// How others greet them: `called`, or the first word of the name.
    pub fn greeting_name(&self) -> &str {
        or_first_word(&self.called, &self.name)
    }

    /// The name they sign with: `signature`, or the first word of the name.
    pub fn signature_name(&self) -> &str {
        or_first_word(&self.signature, &self.name)
    }

    /// The hours they answer in: `hours`, read in the time zone of their
    /// `location` when they have one.
    pub fn working_hours(&self) -> WorkingHours {
        let mut h = self.hours.clone();
        if let Some(l) = &self.location {
            h.timezone = Some(l.timezone);
        }
        h
    }
}

/// A place someone lives: city, country and time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// City (`Bengaluru`).
    #[serde(default)]
    pub city: String,
    /// Country (`India`).
    #[serde(default)]
    pub country: String,
    /// IANA time zone (`Asia/Kolkata`); an unknown name is an error when
    /// the scenario is read.
    pub timezone: TimeZone,
}

/// `given` unless empty, else the first word of `name`.
fn or_first_word<'a>(given: &'a str, name: &'a str) -> &'a str {
    if given.trim().is_empty() {
        name.split_whitespace().next().unwrap_or(name)
    } else {
        given
    }
}

fn formal() -> String {
    "formal".to_owned()
}

fn sixty() -> u32 {
    60
}

/// Something a collaborator knows: a fact, a file, or both, and how a
/// question is recognised as asking for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Knowledge {
    /// Id, unique per collaborator.
    pub id: String,
    /// Words a question uses (case-insensitive, in subject or body).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// How many of `keywords` must occur (default 1).
    #[serde(default = "one")]
    pub min_keywords: usize,
    /// Paths or refs whose mention asks for it (matched by file name too).
    #[serde(default)]
    pub refs: Vec<String>,
    /// Attachment file names that ask for it.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// What they tell.
    #[serde(default)]
    pub fact: String,
    /// A file they send (created in the world when sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileDrop>,
    /// Held back: the file is not on disk and the fact not written down
    /// anywhere until someone asks.
    #[serde(default)]
    pub hold_back: bool,
    /// The objective this unblocks, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
}

fn one() -> usize {
    1
}

/// A file that lands in the world: its path and content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileDrop {
    /// Where it lands (usually `<home>/Downloads/…`).
    pub path: VPath,
    /// The content.
    pub artifact: Artifact,
}

/// Something that arrives at a set time: an email from a collaborator
/// (with files and an objective it assigns), or files alone when
/// `subject` is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scheduled {
    /// When.
    pub at: SimTime,
    /// The collaborator's key.
    pub from: String,
    /// Subject; empty for a file drop without a message.
    #[serde(default)]
    pub subject: String,
    /// Body; blank lines separate paragraphs.
    #[serde(default)]
    pub body: String,
    /// Files attached (or dropped).
    #[serde(default)]
    pub files: Vec<FileDrop>,
    /// The objective the message assigns, recorded when it arrives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<Objective>,
    /// The objective an earlier request assigned that this message changes
    /// (a new file name, a corrected figure): work on it should wait for
    /// it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// Two instructions that disagree about one objective, and whose word wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    /// Id (`conflict-1`).
    pub id: String,
    /// The objective concerned.
    pub objective: String,
    /// The two instructions, in the order they arrive.
    pub instructions: Vec<Instruction>,
    /// The collaborator whose word wins; the objective's goals follow it.
    pub winner: String,
    /// Words of a question about the disagreement (to either party, after
    /// both instructions arrived): the winner answers with `resolution`.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The winner's answer.
    pub resolution: String,
}

/// One of two disagreeing instructions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Instruction {
    /// The collaborator's key.
    pub from: String,
    /// When it arrives.
    pub at: SimTime,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
}

/// When collaborators follow up on due dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUps {
    /// Who escalations come from (a collaborator key); none: no escalation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    /// Hours before a due date the requester reminds, when not yet met.
    #[serde(default = "day")]
    pub remind_hours_before: u32,
    /// Hours after a due date the manager escalates, when not yet met.
    #[serde(default = "two")]
    pub escalate_hours_after: u32,
}

fn day() -> u32 {
    24
}

fn two() -> u32 {
    2
}

impl Default for FollowUps {
    fn default() -> Self {
        FollowUps {
            manager: None,
            remind_hours_before: day(),
            escalate_hours_after: two(),
        }
    }
}

/// A collaborator's working days and hours, in their own time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    /// Start of the working day, local (`09:00`).
    #[serde(default = "nine")]
    pub start: ClockTime,
    /// End of the working day, local (`17:30`).
    #[serde(default = "five_thirty")]
    pub end: ClockTime,
    /// Working days.
    #[serde(default = "weekdays")]
    pub days: BTreeSet<Weekday>,
    /// Their time zone as minutes east of UTC, used when `timezone` is
    /// not set.
    #[serde(default)]
    pub utc_offset_minutes: i32,
    /// Their time zone by IANA name (`America/New_York`): when set, the
    /// offset on each day follows the zone's daylight-saving rule
    /// ([`simdesk_model::tz`]) and `utc_offset_minutes` is not used. An
    /// unknown name is an error when the scenario is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<TimeZone>,
    /// Public holidays where they live, local dates (`2026-01-19`): no
    /// work on these days even when `days` names their weekday.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub holidays: BTreeSet<LocalDate>,
}

fn nine() -> ClockTime {
    ClockTime(9 * 60)
}

fn five_thirty() -> ClockTime {
    ClockTime(17 * 60 + 30)
}

fn weekdays() -> BTreeSet<Weekday> {
    use Weekday::*;
    [Mon, Tue, Wed, Thu, Fri].into_iter().collect()
}

impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours {
            start: nine(),
            end: five_thirty(),
            days: weekdays(),
            utc_offset_minutes: 0,
            timezone: None,
            holidays: BTreeSet::new(),
        }
    }
}

/// A calendar date without a time (`2026-01-19` in TOML and JSON), as the
/// day number counted from 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDate(pub i64);

impl LocalDate {
    /// The date of a civil year, month and day; `None` for an impossible
    /// date.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<LocalDate> {
        SimTime::from_ymd(y, m, d).map(|t| LocalDate(t.secs().div_euclid(86_400)))
    }

    /// Parses `YYYY-MM-DD`; `None` for anything else.
    pub fn parse(s: &str) -> Option<LocalDate> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let t = &s[r];
            t.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| t.parse().ok())
                .flatten()
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        LocalDate::from_ymd(y, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
    }

    /// The weekday of this date.
    pub fn weekday(self) -> Weekday {
        Weekday::of_day(self.0)
    }
}

impl std::fmt::Display for LocalDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&SimTime(self.0 * 86_400).date_string())
    }
}

impl Serialize for LocalDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        LocalDate::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("date {s:?} is not a YYYY-MM-DD calendar date"))
        })
    }
}

impl JsonSchema for LocalDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LocalDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A calendar date, YYYY-MM-DD.",
            "pattern": "^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$"
        })
    }
}

/// A day of the week.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// The weekday of a day number counted from 1970-01-01 (a Thursday).
    pub fn of_day(day: i64) -> Weekday {
        use Weekday::*;
        [Thu, Fri, Sat, Sun, Mon, Tue, Wed][day.rem_euclid(7) as usize]
    }
}

/// A time of day as minutes after midnight; `HH:MM` in TOML and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub u16);

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:02}:{:02}", self.0 / 60, self.0 % 60))
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let bad = || serde::de::Error::custom(format!("time of day {s:?} is not HH:MM"));
        let (h, m) = s.split_once(':').ok_or_else(bad)?;
        let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if h > 24 || m > 59 || (h == 24 && m > 0) {
            return Err(bad());
        }
        Ok(ClockTime(h * 60 + m))
    }
}

impl JsonSchema for ClockTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClockTime".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A time of day, HH:MM (24-hour).",
            "pattern": "^[0-2][0-9]:[0-5][0-9]$"
        })
    }
}

/// The UTC offset at `t`, minutes east, of a clock that keeps `timezone`
/// when set, else the fixed `utc_offset_minutes` (the persona's and each
/// collaborator's clock are both kept this way).
fn offset_at(timezone: Option<TimeZone>, utc_offset_minutes: i32, t: SimTime) -> i32 {
    timezone.map_or(utc_offset_minutes, |z| z.offset_minutes_at(t))
}

/// `t` as such a clock reads it (a local time written as if it were UTC).
fn wall_clock(timezone: Option<TimeZone>, utc_offset_minutes: i32, t: SimTime) -> SimTime {
    t.plus_secs(i64::from(offset_at(timezone, utc_offset_minutes, t)) * 60)
}

impl WorkingHours {
    /// Whether they work on local day `day` (counted from 1970-01-01): one
    /// of their `days` and not a public holiday.
    pub fn works_on(&self, day: i64) -> bool {
        self.days.contains(&Weekday::of_day(day)) && !self.holidays.contains(&LocalDate(day))
    }

    /// Their UTC offset at `t`, minutes east: the zone's on that day when
    /// `timezone` is set, else `utc_offset_minutes`.
    pub fn offset_minutes_at(&self, t: SimTime) -> i32 {
        offset_at(self.timezone, self.utc_offset_minutes, t)
    }

    /// `t` as their wall clock reads it (a local time written as if it
    /// were UTC).
    pub fn local(&self, t: SimTime) -> SimTime {
        wall_clock(self.timezone, self.utc_offset_minutes, t)
    }

    /// The instant their wall clock reads `secs` seconds into local day
    /// `day` (counted from 1970-01-01).
    pub fn at_local(&self, day: i64, secs: i64) -> SimTime {
        let local = SimTime(day * 86_400 + secs);
        match self.timezone {
            Some(z) => z.utc_of_local(local),
            None => local.plus_secs(-i64::from(self.utc_offset_minutes) * 60),
        }
    }

    /// The local day (counted from 1970-01-01) of `t` in their time zone.
    pub fn local_day(&self, t: SimTime) -> i64 {
        self.local(t).secs().div_euclid(86_400)
    }

    /// Whether `t` falls inside these working hours.
    pub fn is_open(&self, t: SimTime) -> bool {
        self.next_open(t) == t
    }

    /// The first moment at or after `t` inside these working hours: on a
    /// working day that is not a holiday, between `start` and `end`, in
    /// local time on that day (daylight saving included).
    pub fn next_open(&self, t: SimTime) -> SimTime {
        if self.days.is_empty() || self.start >= self.end {
            return t;
        }
        let local = self.local(t).secs();
        let (start, end) = (i64::from(self.start.0) * 60, i64::from(self.end.0) * 60);
        let first = local.div_euclid(86_400);
        let mut sod = local.rem_euclid(86_400);
        // A week, plus every holiday that could fall inside the search.
        let span = 8 + self.holidays.len() as i64;
        for day in first..first + span {
            if self.works_on(day) && sod < end {
                return if sod >= start {
                    t
                } else {
                    self.at_local(day, start)
                };
            }
            sod = 0;
        }
        t
    }
}

impl Scenario {
    /// Reads a scenario from TOML text.
    pub fn from_toml(text: &str) -> Result<Scenario, ScenarioError> {
        toml::from_str(text).map_err(|e| ScenarioError::Toml {
            source: Arc::new(e),
        })
    }

    /// Reads a scenario from JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        serde_json::from_str(text).map_err(|e| ScenarioError::Json {
            source: Arc::new(e),
        })
    }

    /// The JSON Schema of a scenario, generated from the types.
    pub fn schema() -> serde_json::Value {
        schemars::schema_for!(Scenario).to_value()
    }

    /// How collaborators greet the agent: `agent_called`, or the first
    /// word of the agent's name.
    pub fn agent_greeting_name(&self) -> &str {
        or_first_word(&self.agent_called, &self.agent.name)
    }

    /// `t` as the persona's wall clock reads it (a local time written as
    /// if it were UTC): by `timezone` when set, else by
    /// `utc_offset_minutes`.
    pub fn local(&self, t: SimTime) -> SimTime {
        wall_clock(self.timezone, self.utc_offset_minutes, t)
    }

    /// The collaborator with this key.
    pub fn collaborator(&self, key: &str) -> Option<&CollaboratorSpec> {
        self.collaborators.iter().find(|c| c.key == key)
    }

    /// The collaborator with this address (case-insensitive).
    pub fn collaborator_by_email(&self, address: &str) -> Option<&CollaboratorSpec> {
        self.collaborators
            .iter()
            .find(|c| c.email.eq_ignore_ascii_case(address))
    }

    /// Checks the scenario against the world it will run on: version,
    /// unique keys, every key and tool named exists, styles have prose,
    /// held-back files are not already on disk.
    pub fn validate(&self, world: &Workspace) -> Result<(), ScenarioError> {
        let bad = |at: String, message: String| Err(ScenarioError::Invalid { at, message });
        if self.version != SCENARIO_VERSION {
            return bad(
                "version".into(),
                format!("version {} is not {SCENARIO_VERSION}", self.version),
            );
        }
        for t in self.costs.tools.keys() {
            if !TOOL_NAMES.contains(&t.as_str()) {
                return bad(format!("costs.tools.{t}"), "no tool has this name".into());
            }
        }
        let mut keys = BTreeSet::new();
        for (i, c) in self.collaborators.iter().enumerate() {
            if !keys.insert(c.key.as_str()) {
                return bad(
                    format!("collaborators[{i}].key"),
                    format!("duplicate key {:?}", c.key),
                );
            }
            if !self.prose.greetings.contains_key(&c.style) {
                return bad(
                    format!("collaborators[{i}].style"),
                    format!("no prose for style {:?}", c.style),
                );
            }
            for (j, k) in c.knows.iter().enumerate() {
                if let Some(f) = &k.file
                    && k.hold_back
                    && world.artifact(&f.path).is_some()
                {
                    return bad(
                        format!("collaborators[{i}].knows[{j}].file"),
                        format!("held-back file {} is already on disk", f.path),
                    );
                }
            }
        }
        let known = |k: &str| keys.contains(k);
        for (i, s) in self.schedule.iter().enumerate() {
            if !known(&s.from) {
                return bad(
                    format!("schedule[{i}].from"),
                    format!("no collaborator {:?}", s.from),
                );
            }
            if s.subject.is_empty() && s.files.is_empty() {
                return bad(
                    format!("schedule[{i}]"),
                    "neither a subject nor files".into(),
                );
            }
        }
        for (i, c) in self.conflicts.iter().enumerate() {
            if c.instructions.len() != 2 {
                return bad(
                    format!("conflicts[{i}].instructions"),
                    format!("{} instructions, expected 2", c.instructions.len()),
                );
            }
            for k in c.instructions.iter().map(|x| &x.from).chain([&c.winner]) {
                if !known(k) {
                    return bad(format!("conflicts[{i}]"), format!("no collaborator {k:?}"));
                }
            }
        }
        if let Some(m) = &self.follow_ups.manager
            && !known(m)
        {
            return bad(
                "follow_ups.manager".into(),
                format!("no collaborator {m:?}"),
            );
        }
        Ok(())
    }
}
