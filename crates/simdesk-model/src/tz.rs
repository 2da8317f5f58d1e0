//! Time zones with daylight saving: the IANA zones personas and
//! collaborators live in ([`ZONES`]), each with its standard offset and
//! the rule that moves its clocks, and the UTC offset of a zone at any
//! [`SimTime`].
//!
//! A small hand-written table rather than the tz database: the templates
//! name a few dozen zones, and the rules in force since 2007 are enough
//! for worlds dated 2025–2026. A zone not in the table is an error
//! ([`UnknownZone`]) wherever a name is read, never a guess.
//!
//! ```
//! use simdesk_model::{SimTime, tz};
//! let ny = tz::zone("America/New_York").unwrap();
//! let july = SimTime::parse("2026-07-15T12:00:00Z").unwrap();
//! let january = SimTime::parse("2026-01-15T12:00:00Z").unwrap();
//! assert_eq!(ny.offset_minutes_at(july), -240);
//! assert_eq!(ny.offset_minutes_at(january), -300);
//! assert!(tz::zone("Mars/Olympus_Mons").is_err());
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::{SimTime, days_from_civil, days_in_month};

/// When a zone's clocks move an hour forward and back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DstRule {
    /// No daylight saving: the standard offset all year.
    None,
    /// United States and Canada: from the second Sunday of March at 02:00
    /// local standard time to the first Sunday of November at 02:00 local
    /// daylight time.
    NorthAmerica,
    /// European Union, United Kingdom and Ireland: from the last Sunday of
    /// March at 01:00 UTC to the last Sunday of October at 01:00 UTC.
    Europe,
    /// South-eastern Australia: from the first Sunday of October at 02:00
    /// local standard time to the first Sunday of April at 03:00 local
    /// daylight time (the summer spans the new year).
    Australia,
    /// New Zealand: from the last Sunday of September at 02:00 local
    /// standard time to the first Sunday of April at 03:00 local daylight
    /// time.
    NewZealand,
}

/// An IANA time zone: its name, standard offset and daylight-saving rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone {
    /// IANA name (`America/New_York`).
    pub name: &'static str,
    /// Standard (winter) time as minutes east of UTC.
    pub standard_minutes: i32,
    /// When clocks move.
    pub rule: DstRule,
}

const fn z(name: &'static str, standard_minutes: i32, rule: DstRule) -> Zone {
    Zone {
        name,
        standard_minutes,
        rule,
    }
}

/// Every zone simdesk knows, by name: the zones of
/// `templates/_common/people.toml` and of the collaborators' places, and
/// a few neighbours a scenario may name.
pub const ZONES: &[Zone] = &[
    z("America/Vancouver", -480, DstRule::NorthAmerica),
    z("America/Los_Angeles", -480, DstRule::NorthAmerica),
    z("America/Denver", -420, DstRule::NorthAmerica),
    z("America/Phoenix", -420, DstRule::None),
    z("America/Chicago", -360, DstRule::NorthAmerica),
    z("America/New_York", -300, DstRule::NorthAmerica),
    z("America/Toronto", -300, DstRule::NorthAmerica),
    z("Europe/London", 0, DstRule::Europe),
    z("Europe/Dublin", 0, DstRule::Europe),
    z("Europe/Lisbon", 0, DstRule::Europe),
    z("Europe/Berlin", 60, DstRule::Europe),
    z("Europe/Paris", 60, DstRule::Europe),
    z("Europe/Amsterdam", 60, DstRule::Europe),
    z("Europe/Madrid", 60, DstRule::Europe),
    z("Europe/Zurich", 60, DstRule::Europe),
    z("Africa/Johannesburg", 120, DstRule::None),
    z("Asia/Dubai", 240, DstRule::None),
    z("Asia/Kolkata", 330, DstRule::None),
    z("Asia/Singapore", 480, DstRule::None),
    z("Asia/Hong_Kong", 480, DstRule::None),
    z("Asia/Shanghai", 480, DstRule::None),
    z("Asia/Tokyo", 540, DstRule::None),
    z("Australia/Brisbane", 600, DstRule::None),
    z("Australia/Sydney", 600, DstRule::Australia),
    z("Australia/Melbourne", 600, DstRule::Australia),
    z("Pacific/Auckland", 720, DstRule::NewZealand),
    z("UTC", 0, DstRule::None),
];

/// A zone name the table does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {name:?}: not one of simdesk's IANA zones (simdesk_model::tz::ZONES)")]
pub struct UnknownZone {
    /// The name given (truncated).
    pub name: String,
}

/// The zone of an IANA name.
pub fn zone(name: &str) -> Result<&'static Zone, UnknownZone> {
    ZONES
        .iter()
        .find(|z| z.name == name)
        .ok_or_else(|| UnknownZone {
            name: name.chars().take(60).collect(),
        })
}

/// The UTC offset, in minutes east, of the zone `name` at `t`.
pub fn offset_minutes_at(name: &str, t: SimTime) -> Result<i32, UnknownZone> {
    zone(name).map(|z| z.offset_minutes_at(t))
}

/// Day number (from 1970-01-01) of the `n`th Sunday (1-based) of a month.
fn nth_sunday(y: i64, m: u32, n: i64) -> i64 {
    let first = days_from_civil(y, m, 1);
    // 1970-01-01 was a Thursday: day 3 of a week starting on Sunday = 0.
    let to_sunday = (7 - (first + 4).rem_euclid(7)) % 7;
    first + to_sunday + (n - 1) * 7
}

/// Day number of the last Sunday of a month.
fn last_sunday(y: i64, m: u32) -> i64 {
    let last = days_from_civil(y, m, days_in_month(y, m));
    last - (last + 4).rem_euclid(7)
}

impl Zone {
    /// The instant (UTC seconds) of local standard time `secs` after the
    /// start of `day`.
    fn standard_at(&self, day: i64, secs: i64) -> i64 {
        day * 86_400 + secs - i64::from(self.standard_minutes) * 60
    }

    /// Whether daylight saving is in force at `t`.
    pub fn is_dst(&self, t: SimTime) -> bool {
        let s = t.secs();
        // The year of `t` near the zone: a few hours either way cannot
        // cross a transition, which never falls on 1 January.
        let (y, _, _) = t.plus_secs(i64::from(self.standard_minutes) * 60).date();
        let two = 2 * 3600;
        match self.rule {
            DstRule::None => false,
            DstRule::NorthAmerica => {
                let on = self.standard_at(nth_sunday(y, 3, 2), two);
                // 02:00 daylight time is 01:00 standard time.
                let off = self.standard_at(nth_sunday(y, 11, 1), 3600);
                on <= s && s < off
            }
            DstRule::Europe => {
                let on = last_sunday(y, 3) * 86_400 + 3600;
                let off = last_sunday(y, 10) * 86_400 + 3600;
                on <= s && s < off
            }
            DstRule::Australia | DstRule::NewZealand => {
                // 03:00 daylight time is 02:00 standard time.
                let off = self.standard_at(nth_sunday(y, 4, 1), two);
                let on_day = if self.rule == DstRule::Australia {
                    nth_sunday(y, 10, 1)
                } else {
                    last_sunday(y, 9)
                };
                let on = self.standard_at(on_day, two);
                s < off || on <= s
            }
        }
    }

    /// The UTC offset, in minutes east, at `t`.
    pub fn offset_minutes_at(&self, t: SimTime) -> i32 {
        self.standard_minutes + if self.is_dst(t) { 60 } else { 0 }
    }

    /// The instant the zone's clocks read `local` (a wall-clock time
    /// written as if it were UTC). A time skipped when clocks go forward
    /// is read in standard time; a time that happens twice, the first.
    pub fn utc_of_local(&self, local: SimTime) -> SimTime {
        let std = local.plus_secs(-i64::from(self.standard_minutes) * 60);
        let dst = std.plus_secs(-3600);
        if self.rule != DstRule::None && self.is_dst(dst) {
            dst
        } else {
            std
        }
    }
}

/// A known time zone, written as its IANA name in TOML and JSON; reading
/// an unknown name is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeZone(pub &'static Zone);

impl TimeZone {
    /// The zone of an IANA name.
    pub fn named(name: &str) -> Result<TimeZone, UnknownZone> {
        zone(name).map(TimeZone)
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name
    }

    /// The UTC offset, in minutes east, at `t`.
    pub fn offset_minutes_at(self, t: SimTime) -> i32 {
        self.0.offset_minutes_at(t)
    }

    /// The instant the zone's clocks read `local` ([`Zone::utc_of_local`]).
    pub fn utc_of_local(self, local: SimTime) -> SimTime {
        self.0.utc_of_local(local)
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

impl Serialize for TimeZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TimeZone::named(&s).map_err(serde::de::Error::custom)
    }
}

string_schema!(TimeZone, "TimeZone", {
    "description": "An IANA time zone name (America/New_York, Asia/Kolkata)."
});

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> SimTime {
        SimTime::parse(s).unwrap()
    }

    /// The offset of `zone` one second before and at each instant.
    fn check(zone: &str, cases: &[(&str, i32, i32)]) {
        let z = super::zone(zone).unwrap();
        for (at, before, after) in cases {
            let at = t(at);
            assert_eq!(
                (
                    z.offset_minutes_at(at.plus_secs(-1)),
                    z.offset_minutes_at(at)
                ),
                (*before, *after),
                "{zone} at {at}"
            );
        }
    }

    #[test]
    fn north_american_transitions() {
        check(
            "America/New_York",
            &[
                // 2026-03-08 02:00 EST, 2026-11-01 02:00 EDT.
                ("2026-03-08T07:00:00Z", -300, -240),
                ("2026-11-01T06:00:00Z", -240, -300),
                ("2025-03-09T07:00:00Z", -300, -240),
                ("2025-11-02T06:00:00Z", -240, -300),
            ],
        );
        check(
            "America/Los_Angeles",
            &[
                ("2026-03-08T10:00:00Z", -480, -420),
                ("2026-11-01T09:00:00Z", -420, -480),
            ],
        );
    }

    #[test]
    fn european_transitions_are_at_one_utc() {
        for (zone, std) in [
            ("Europe/London", 0),
            ("Europe/Dublin", 0),
            ("Europe/Berlin", 60),
        ] {
            check(
                zone,
                &[
                    ("2026-03-29T01:00:00Z", std, std + 60),
                    ("2026-10-25T01:00:00Z", std + 60, std),
                    ("2025-03-30T01:00:00Z", std, std + 60),
                    ("2025-10-26T01:00:00Z", std + 60, std),
                ],
            );
        }
    }

    #[test]
    fn southern_summers_span_the_new_year() {
        check(
            "Australia/Sydney",
            &[
                // 2026-04-05 03:00 AEDT = 16:00Z the day before; 2026-10-04
                // 02:00 AEST = 16:00Z the day before.
                ("2026-04-04T16:00:00Z", 660, 600),
                ("2026-10-03T16:00:00Z", 600, 660),
                ("2025-04-05T16:00:00Z", 660, 600),
                ("2025-10-04T16:00:00Z", 600, 660),
            ],
        );
        check(
            "Pacific/Auckland",
            &[
                // 2026-04-05 03:00 NZDT = 14:00Z the day before; 2026-09-27
                // 02:00 NZST = 14:00Z the day before.
                ("2026-04-04T14:00:00Z", 780, 720),
                ("2026-09-26T14:00:00Z", 720, 780),
            ],
        );
        let syd = zone("Australia/Sydney").unwrap();
        assert_eq!(syd.offset_minutes_at(t("2026-01-15T00:00:00Z")), 660);
        assert_eq!(syd.offset_minutes_at(t("2026-07-15T00:00:00Z")), 600);
    }

    #[test]
    fn zones_without_daylight_saving_keep_their_offset() {
        for (zone, off) in [
            ("Asia/Kolkata", 330),
            ("Asia/Singapore", 480),
            ("Asia/Dubai", 240),
            ("Africa/Johannesburg", 120),
            ("Asia/Hong_Kong", 480),
            ("Australia/Brisbane", 600),
        ] {
            for at in ["2026-01-15T00:00:00Z", "2026-07-15T00:00:00Z"] {
                assert_eq!(offset_minutes_at(zone, t(at)), Ok(off), "{zone} {at}");
            }
        }
    }

    #[test]
    fn local_times_map_back_to_instants() {
        let ny = zone("America/New_York").unwrap();
        // 09:00 local in July is 13:00Z, in January 14:00Z.
        assert_eq!(
            ny.utc_of_local(t("2026-07-15T09:00:00Z")),
            t("2026-07-15T13:00:00Z")
        );
        assert_eq!(
            ny.utc_of_local(t("2026-01-15T09:00:00Z")),
            t("2026-01-15T14:00:00Z")
        );
        let syd = zone("Australia/Sydney").unwrap();
        assert_eq!(
            syd.utc_of_local(t("2026-01-15T09:00:00Z")),
            t("2026-01-14T22:00:00Z")
        );
        // Every hour of two years maps there and back.
        for z in ZONES {
            let mut at = t("2025-01-01T00:00:00Z");
            while at < t("2027-01-01T00:00:00Z") {
                let local = at.plus_secs(i64::from(z.offset_minutes_at(at)) * 60);
                let back = z.utc_of_local(local);
                // Only the repeated hour may map to its first occurrence.
                assert!(back == at || back == at.plus_secs(-3600), "{} {at}", z.name);
                at = at.plus_secs(3600);
            }
        }
    }

    #[test]
    fn unknown_zones_are_errors() {
        assert_eq!(
            zone("Europe/Atlantis").unwrap_err().to_string(),
            "unknown time zone \"Europe/Atlantis\": not one of simdesk's IANA zones (simdesk_model::tz::ZONES)"
        );
        let parsed: Result<TimeZone, _> = serde_json::from_str("\"Nowhere/Town\"");
        assert!(parsed.is_err());
        let ok: TimeZone = serde_json::from_str("\"Asia/Kolkata\"").unwrap();
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"Asia/Kolkata\"");
    }
}
