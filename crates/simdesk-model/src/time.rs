//! Simulated time: the world's wall clock, advanced only by operations.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in simulated time: whole seconds since 1970-01-01T00:00:00Z.
///
/// JSON and `Display` use RFC 3339 in UTC (`2026-01-05T09:00:00Z`).
///
/// ```
/// use simdesk_model::SimTime;
/// let t = SimTime::parse("2026-01-05T09:30:00Z").unwrap();
/// assert_eq!(t.to_string(), "2026-01-05T09:30:00Z");
/// assert_eq!(t.date(), (2026, 1, 5));
/// assert_eq!(SimTime::from_ymd(1900, 1, 1).unwrap().excel_serial(), 2.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub i64);

/// English month names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number counted from 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days in a month of a year.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Excel serial day of 1970-01-01 (serial 0 is 1899-12-30).
const EXCEL_UNIX_EPOCH: i64 = 25_569;

/// A time that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid time {input:?}: expected RFC 3339 like 2026-01-05T09:00:00Z or a date 2026-01-05")]
pub struct TimeError {
    /// The text given (truncated).
    pub input: String,
}

impl SimTime {
    /// Midnight UTC of a civil date; `None` for an impossible date.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<SimTime> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) || !(1..=9999).contains(&y) {
            return None;
        }
        Some(SimTime(days_from_civil(y, m, d) * 86_400))
    }

    /// The same day at `h:m:s`.
    pub fn at(self, h: u32, m: u32, s: u32) -> SimTime {
        SimTime(self.0.div_euclid(86_400) * 86_400 + i64::from(h * 3600 + m * 60 + s))
    }

    /// Seconds since the Unix epoch.
    pub fn secs(self) -> i64 {
        self.0
    }

    /// The time `secs` seconds later.
    pub fn plus_secs(self, secs: i64) -> SimTime {
        SimTime(self.0.saturating_add(secs))
    }

    /// The civil date (year, month, day) in UTC.
    pub fn date(self) -> (i64, u32, u32) {
        civil_from_days(self.0.div_euclid(86_400))
    }

    /// Hours, minutes and seconds of the day in UTC.
    pub fn time_of_day(self) -> (u32, u32, u32) {
        let s = self.0.rem_euclid(86_400) as u32;
        (s / 3600, s / 60 % 60, s % 60)
    }

    /// ISO date `2026-01-05`.
    pub fn date_string(self) -> String {
        let (y, m, d) = self.date();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// The Excel serial day number (fractional for times of day).
    pub fn excel_serial(self) -> f64 {
        let days = self.0.div_euclid(86_400) + EXCEL_UNIX_EPOCH;
        days as f64 + self.0.rem_euclid(86_400) as f64 / 86_400.0
    }

    /// The time of an Excel serial day number.
    pub fn from_excel_serial(serial: f64) -> SimTime {
        let secs = ((serial - EXCEL_UNIX_EPOCH as f64) * 86_400.0).round();
        SimTime(secs as i64)
    }

    /// Parses RFC 3339 (`2026-01-05T09:00:00Z`, `…+02:00`) or a date alone.
    pub fn parse(s: &str) -> Result<SimTime, TimeError> {
        let err = || TimeError {
            input: s.chars().take(60).collect(),
        };
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Result<u32, TimeError> {
            let part = s.get(r).ok_or_else(err)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let day =
            SimTime::from_ymd(i64::from(num(0..4)?), num(5..7)?, num(8..10)?).ok_or_else(err)?;
        if b.len() == 10 {
            return Ok(day);
        }
        if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
            return Err(err());
        }
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if h > 23 || mi > 59 || se > 59 {
            return Err(err());
        }
        let mut rest = &s[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return Err(err());
            }
            rest = &frac[n..];
        }
        let offset = match rest {
            "Z" | "z" => 0,
            _ if rest.len() == 6
                && matches!(rest.as_bytes()[0], b'+' | b'-')
                && rest.as_bytes()[3] == b':' =>
            {
                let oh = rest[1..3].parse::<i64>().map_err(|_| err())?;
                let om = rest[4..6].parse::<i64>().map_err(|_| err())?;
                let o = oh * 3600 + om * 60;
                if rest.starts_with('-') { -o } else { o }
            }
            _ => return Err(err()),
        };
        Ok(SimTime(day.0 + i64::from(h * 3600 + mi * 60 + se) - offset))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = self.time_of_day();
        write!(f, "{}T{h:02}:{m:02}:{s:02}Z", self.date_string())
    }
}

impl Serialize for SimTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SimTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SimTime::parse(&s).map_err(serde::de::Error::custom)
    }
}

string_schema!(SimTime, "SimTime", {
    "description": "A simulated instant in UTC, RFC 3339 (2025-05-05T08:00:00Z).",
    "format": "date-time"
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [-800_000_i64, -1, 0, 1, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn parse_forms() {
        assert_eq!(SimTime::parse("1970-01-01T00:00:00Z").unwrap(), SimTime(0));
        assert_eq!(
            SimTime::parse("1970-01-01T02:00:00+02:00").unwrap(),
            SimTime(0)
        );
        assert_eq!(SimTime::parse("1970-01-02").unwrap(), SimTime(86_400));
        assert_eq!(
            SimTime::parse("2026-01-05T09:00:00.250Z")
                .unwrap()
                .to_string(),
            "2026-01-05T09:00:00Z"
        );
        for bad in [
            "",
            "2026-13-01",
            "2026-02-30",
            "2026-01-05T25:00:00Z",
            "2026-01-05T09:00:00",
            "x".repeat(100).as_str(),
            "2026-01-05T09:00:00+0200",
        ] {
            assert!(SimTime::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn excel_serials() {
        let t = SimTime::from_ymd(2026, 1, 5).unwrap();
        assert_eq!(t.excel_serial(), 46_027.0);
        assert_eq!(SimTime::from_excel_serial(46_027.5), t.at(12, 0, 0));
    }
}
