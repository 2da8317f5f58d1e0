//! Who applied an op: the agent, the generator, a setup or import step, or a
//! named person of the world (a collaborator, or the persona's own mail
//! from before the agent started).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Who applied an op, recorded in every [`Event`](crate::Event).
///
/// Its JSON form is a plain string: `"agent"`, `"generator"`, `"setup"`,
/// `"import"`, or the person's name or address. Any other string reads as
/// [`Actor::Collaborator`], so every string written before this type
/// existed reads back and writes out unchanged.
///
/// ```
/// use simdesk_model::Actor;
///
/// assert_eq!(Actor::from("agent"), Actor::Agent);
/// let c = Actor::from("mei.chen@example.com");
/// assert_eq!(c, Actor::Collaborator("mei.chen@example.com".into()));
/// assert_eq!(serde_json::to_string(&c).unwrap(), r#""mei.chen@example.com""#);
/// assert_eq!(serde_json::to_string(&Actor::Import).unwrap(), r#""import""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Actor {
    /// The agent being trained or evaluated (what goals and collateral are
    /// measured on).
    #[default]
    Agent,
    /// The world generator building a computer.
    Generator,
    /// A setup step before the agent starts (demos, tests, fixtures).
    Setup,
    /// Importing a folder of real files.
    Import,
    /// A named person of the world other than the agent: a collaborator
    /// (by key or address) or the persona's own earlier mail.
    Collaborator(String),
}

impl Actor {
    /// The actor's name as written in events: the keyword, or the person's
    /// name.
    pub fn as_str(&self) -> &str {
        match self {
            Actor::Agent => "agent",
            Actor::Generator => "generator",
            Actor::Setup => "setup",
            Actor::Import => "import",
            Actor::Collaborator(name) => name,
        }
    }

    /// Whether this is the agent.
    pub fn is_agent(&self) -> bool {
        *self == Actor::Agent
    }
}

impl From<&str> for Actor {
    fn from(s: &str) -> Self {
        match s {
            "agent" => Actor::Agent,
            "generator" => Actor::Generator,
            "setup" => Actor::Setup,
            "import" => Actor::Import,
            name => Actor::Collaborator(name.to_owned()),
        }
    }
}

impl From<String> for Actor {
    fn from(s: String) -> Self {
        match Actor::from(s.as_str()) {
            Actor::Collaborator(_) => Actor::Collaborator(s),
            keyword => keyword,
        }
    }
}

impl From<&String> for Actor {
    fn from(s: &String) -> Self {
        Actor::from(s.as_str())
    }
}

impl From<&Actor> for Actor {
    fn from(a: &Actor) -> Self {
        a.clone()
    }
}

impl std::str::FromStr for Actor {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Actor::from(s))
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Actor {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Actor {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Actor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Actor::from)
    }
}

string_schema!(Actor, "Actor", {
    "description": "who applied an op: agent, generator, setup, import, or a person's name or address"
});
