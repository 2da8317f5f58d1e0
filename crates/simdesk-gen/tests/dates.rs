//! Dates that agree (issue 16), on every template × several seeds: a
//! document named with a date says that date inside and nothing later (a
//! data file nothing later); no email
//! attaches a file dated after it; `Archive/<year>/` holds only that year
//! or earlier; and every email, scheduled arrival and due date falls inside
//! the persona's working hours on a working day that is not a public
//! holiday where they live, in the persona's time zone — the hours and days
//! their profile states, which are also the ones the month is scheduled by.

use std::sync::OnceLock;

use simdesk_gen::WorldSpec;
use simdesk_model::{Artifact, SimTime, TimeZone, VPath};
use simdesk_sim::{ClockTime, LocalDate, WorkingHours};

use crate::common::{dates_in, make, short_date_code, templates};

/// Seeds whose files are built and read for the date checks (building is
/// the slow part).
const FILE_SEEDS: u64 = 6;

/// Seeds whose timestamps and due dates are checked.
const SEEDS: std::ops::Range<u64> = 0..20;

/// The ISO dates (`2026-01-05`) in a text, in order.
fn iso_dates(s: &str) -> Vec<String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(|i| b[i].is_ascii_digit());
    let mut out = Vec::new();
    let mut i = 0;
    while i + 10 <= b.len() {
        let bounded = (i == 0 || !b[i - 1].is_ascii_digit())
            && (i + 10 == b.len() || !b[i + 10].is_ascii_digit());
        if bounded
            && digits(i..i + 4)
            && b[i + 4] == b'-'
            && digits(i + 5..i + 7)
            && b[i + 7] == b'-'
            && digits(i + 8..i + 10)
        {
            out.push(s[i..i + 10].to_owned());
            i += 10;
        } else {
            i += 1;
        }
    }
    out
}

/// The date a file's name carries, if any.
fn name_date(p: &VPath) -> Option<String> {
    iso_dates(p.file_name().unwrap_or("")).into_iter().next()
}

/// The persona's working hours as their profile states them
/// (`working_hours` `08:30-17:30`, `working_days` `Mon-Fri`) in their time
/// zone (`location.timezone`, daylight saving included), less the public holidays of where they live
/// (`templates/_common/holidays.toml`, the city's table before the
/// country's).
fn hours(spec: &WorldSpec) -> WorkingHours {
    let p = &spec.persona.profile;
    let text = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
    let clock = |s: &str| {
        let (h, m) = s.split_once(':').expect("HH:MM");
        ClockTime(h.parse::<u16>().expect("hour") * 60 + m.parse::<u16>().expect("minute"))
    };
    let working = text("working_hours");
    let (start, end) = working
        .split_once('-')
        .expect("working_hours is HH:MM-HH:MM");
    assert_eq!(text("working_days"), "Mon-Fri", "{}", spec.persona.name);
    let loc = &p["location"];
    let (city, country) = (
        loc["city"].as_str().unwrap_or(""),
        loc["country"].as_str().unwrap_or(""),
    );
    let common = &templates()[0].common;
    let table = common
        .holidays_of(city, country)
        .unwrap_or_else(|| panic!("no holidays for {city}, {country}"));
    WorkingHours {
        start: clock(start),
        end: clock(end),
        utc_offset_minutes: spec.scenario.as_ref().map_or(0, |s| s.utc_offset_minutes),
        timezone: Some(
            TimeZone::named(loc["timezone"].as_str().unwrap_or("")).expect("a known time zone"),
        ),
        holidays: table
            .keys()
            .map(|d| LocalDate::parse(d).expect("a date"))
            .collect(),
        ..WorkingHours::default()
    }
}

/// `t`'s date in the persona's time zone.
fn local_date(h: &WorkingHours, t: SimTime) -> String {
    h.local(t).date_string()
}

/// Every artifact of the built world with its text (exports included).
fn texts(spec: &WorldSpec) -> Vec<(VPath, String)> {
    let ws = simdesk_gen::build(spec).expect("builds");
    ws.artifacts()
        .filter(|(_, a)| !matches!(a, Artifact::Email(_)))
        .map(|(p, a)| (p.clone(), simdesk_engine::plain_text(a)))
        .collect()
}

/// Every template on every seed, generated once for all tests: label,
/// seed, spec.
fn worlds() -> &'static [(String, u64, WorldSpec)] {
    static WORLDS: OnceLock<Vec<(String, u64, WorldSpec)>> = OnceLock::new();
    WORLDS.get_or_init(|| {
        let mut out = Vec::new();
        for t in templates() {
            for seed in SEEDS {
                out.push((format!("{} seed {seed}", t.id), seed, make(&t, seed)));
            }
        }
        out
    })
}

/// The entries of a file that lists dated lines (`2025-09-04,Partner,…` in
/// a time export, `09/04/2025: Draft motion (Partner)` in a chronology),
/// as ISO dates in the order listed.
fn listed_dates(text: &str, short: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_start_matches(['-', ' ']))
        .filter(|l| matches!(l.as_bytes().get(10), Some(b':' | b',')))
        .filter_map(|l| dates_in(&l[..10], short).into_iter().next())
        .map(|(d, _)| d)
        .collect()
}

/// Dated entries read in date order: the paralegal's time exports list
/// their entries oldest first, and so does every chronology made from
/// them (never "a chronology that is billing entries out of date order").
#[test]
fn dated_entries_are_listed_in_date_order() {
    let mut lists = 0;
    let mut bad = Vec::new();
    for (label, seed, spec) in worlds() {
        if *seed >= FILE_SEEDS || !label.starts_with("paralegal") {
            continue;
        }
        let short = short_date_code(spec);
        for (p, text) in texts(spec) {
            let dates = listed_dates(&text, &short);
            if dates.len() < 3 {
                continue;
            }
            lists += 1;
            if dates.windows(2).any(|w| w[0] > w[1]) {
                bad.push(format!("{label}: {p} lists {dates:?}"));
            }
        }
    }
    assert!(bad.is_empty(), "{} lists out of order: {bad:#?}", bad.len());
    assert!(lists >= 30, "only {lists} dated lists");
    assert_eq!(
        listed_dates(
            "- 09/04/2025: Draft motion\n- 08/27/2025: Hearing\n",
            "mm/dd/yyyy"
        ),
        ["2025-09-04", "2025-08-27"]
    );
}

/// A month's request stating its due day (`by 6 March 2026`) as the
/// persona's calendar reads it: the due instant's local day, never the day
/// before or after (17:00 in Denver is already tomorrow in UTC). Returns
/// the requests that state the due day right, and what is wrong.
fn due_texts(spec: &WorldSpec) -> (usize, Vec<String>) {
    let h = hours(spec);
    let Some(s) = &spec.scenario else {
        return (0, Vec::new());
    };
    let long = |t: SimTime| {
        simdesk_model::format_value(
            &simdesk_model::CellValue::Date(t.excel_serial().floor()),
            s.date_format.as_deref(),
        )
    };
    let (mut right, mut bad) = (0, Vec::new());
    for x in &s.schedule {
        let Some(o) = &x.objective else { continue };
        let day = h.local(o.due);
        let says = |t: SimTime| x.body.contains(&long(t));
        if says(day) {
            right += 1;
        } else if let Some(t) = [day.plus_secs(86_400), day.plus_secs(-86_400)]
            .into_iter()
            .find(|t| says(*t))
        {
            bad.push(format!(
                "{:?} is due {} local but says {}",
                x.subject,
                long(day),
                long(t)
            ));
        }
    }
    (right, bad)
}

#[test]
fn requests_name_the_due_day_the_persona_sees() {
    let mut right = 0;
    let mut bad = Vec::new();
    for (label, _, spec) in worlds() {
        let (r, b) = due_texts(spec);
        right += r;
        bad.extend(b.into_iter().map(|d| format!("{label}: {d}")));
    }
    assert!(bad.is_empty(), "{} wrong due days: {bad:#?}", bad.len());
    assert!(right > 100, "only {right} requests state their due day");
}

/// Files, emails and arrivals whose dates disagree in one computer.
fn disagreements(spec: &WorldSpec) -> Vec<String> {
    let h = hours(spec);
    let files = texts(spec);
    let short = short_date_code(spec);
    let mut bad: Vec<String> = files
        .iter()
        .flat_map(|(p, t)| file_dates(p, t, &short))
        .collect();
    for (what, at, attached) in mail(spec) {
        bad.extend(attached_dates(&h, &what, at, &attached));
    }
    for m in &spec.emails {
        bad.extend(mail_name(&h, &m.path, m.email.date));
    }
    bad
}

/// A message whose file name (`2026-01-05 0930 Subject.eml`) is not the
/// persona's wall-clock time when it was sent.
fn mail_name(h: &WorkingHours, p: &VPath, at: SimTime) -> Option<String> {
    let l = h.local(at);
    let (hh, mm, _) = l.time_of_day();
    let want = format!("{} {hh:02}{mm:02} ", l.date_string());
    (!p.file_name().unwrap_or("").starts_with(&want))
        .then(|| format!("{p}: sent {} local", local_iso(h, at)))
}

/// A file's dates: a document named with a date says that day inside; data
/// (a workbook, a CSV) holds nothing later than its name's day; a name with
/// a month's name is dated in that month; a file in
/// `Archive/<year>/` is of that year or earlier. Dates inside are read in
/// every style the persona's locale writes (`short` orders numeric ones).
fn file_dates(p: &VPath, text: &str, short: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let inside: Vec<String> = dates_in(text, short).into_iter().map(|(d, _)| d).collect();
    if let Some(d) = name_date(p)
        && let Some(last) = inside.iter().max()
    {
        let data = matches!(p.extension(), Some("xlsx" | "csv"));
        if *last > d || !data && *last != d {
            bad.push(format!("{p}: named {d}, latest date inside {last}"));
        }
    }
    // A file named for a month ("2026-01-05 Market Commentary January")
    // is dated in that month.
    if let Some(d) = name_date(p) {
        let month: usize = d[5..7].parse().unwrap_or(0);
        let words: Vec<&str> = p
            .file_name()
            .unwrap_or("")
            .split(|c: char| !c.is_alphabetic())
            .collect();
        for (i, m) in simdesk_model::MONTH_NAMES.iter().enumerate() {
            if i + 1 != month && words.contains(m) {
                bad.push(format!("{p}: named {d} but for {m}"));
            }
        }
    }
    let parts: Vec<&str> = p.as_str().split('/').collect();
    if let Some(y) = parts
        .windows(2)
        .find(|w| w[0] == "Archive")
        .and_then(|w| w[1].parse::<i64>().ok())
    {
        let end = format!("{y:04}-12-31");
        for d in name_date(p).into_iter().chain(inside) {
            if d > end {
                bad.push(format!("{p}: in Archive/{y} but dated {d}"));
            }
        }
    }
    bad
}

/// Attachments dated after the message (its day in the persona's zone).
fn attached_dates(h: &WorkingHours, what: &str, at: SimTime, attached: &[VPath]) -> Vec<String> {
    let day = local_date(h, at);
    attached
        .iter()
        .filter_map(|a| name_date(a).filter(|d| *d > day).map(|d| (a, d)))
        .map(|(a, d)| format!("{what} ({day}) attaches {a}, dated {d}"))
        .collect()
}

/// Every email of the computer and every message the month schedules:
/// what it is, when, what it attaches.
fn mail(spec: &WorldSpec) -> Vec<(String, SimTime, Vec<VPath>)> {
    let mut mail: Vec<(String, SimTime, Vec<VPath>)> = spec
        .emails
        .iter()
        .map(|m| {
            (
                format!("{}", m.path),
                m.email.date,
                m.email.attachments.clone(),
            )
        })
        .collect();
    if let Some(s) = &spec.scenario {
        for x in &s.schedule {
            let files = x.files.iter().map(|f| f.path.clone()).collect();
            mail.push((format!("scheduled {:?}", x.subject), x.at, files));
        }
        for c in &s.conflicts {
            for i in &c.instructions {
                mail.push((format!("instruction {:?}", i.subject), i.at, Vec::new()));
            }
        }
    }
    mail
}

/// Every due date of a computer: of the objectives waiting at the start
/// and of those the month's requests assign.
fn due_dates(spec: &WorldSpec) -> Vec<(String, SimTime)> {
    let mut out: Vec<(String, SimTime)> = spec
        .objectives
        .iter()
        .map(|o| (format!("{} due", o.objective.id), o.objective.due))
        .collect();
    if let Some(s) = &spec.scenario {
        for o in s.schedule.iter().filter_map(|x| x.objective.as_ref()) {
            out.push((format!("{} due", o.id), o.due));
        }
    }
    out
}

/// Timestamps and due dates outside the persona's working hours (on a
/// weekend, a public holiday, or outside the day's hours) in one computer,
/// and collaborators scheduled by other hours than the profile states.
fn out_of_hours(spec: &WorldSpec) -> Vec<String> {
    let h = hours(spec);
    let mut bad: Vec<String> = mail(spec)
        .into_iter()
        .map(|(what, at, _)| (what, at))
        .chain(due_dates(spec))
        .filter(|(_, at)| !h.is_open(*at))
        .map(|(what, at)| format!("{what}: at {} local", local_iso(&h, at)))
        .collect();
    if let Some(s) = &spec.scenario {
        for c in &s.collaborators {
            match &c.location {
                None if c.hours != h => bad.push(format!(
                    "{} works {:?}, the profile says {h:?}",
                    c.key, c.hours
                )),
                None => {}
                Some(place) => bad.extend(away_problems(spec, &h, c, place)),
            }
        }
    }
    if let Some(listed) = spec.persona.profile.get("public_holidays")
        && let Some(listed) = listed.as_object()
    {
        for d in listed.keys() {
            if !LocalDate::parse(d).is_some_and(|d| h.holidays.contains(&d)) {
                bad.push(format!(
                    "profile lists {d} as a holiday, the table does not"
                ));
            }
        }
    } else {
        bad.push("the profile lists no public holidays".into());
    }
    bad
}

/// What is wrong with a collaborator working from `place`: their hours
/// are not the persona's clock hours in their own zone less their own
/// place's public holidays, or a message they wrote falls outside them.
fn away_problems(
    spec: &WorldSpec,
    persona: &WorkingHours,
    c: &simdesk_sim::CollaboratorSpec,
    place: &simdesk_sim::Place,
) -> Vec<String> {
    let mut bad = Vec::new();
    let common = &templates()[0].common;
    let table = common
        .holidays_of(&place.city, &place.country)
        .unwrap_or_else(|| panic!("no holidays for {}, {}", place.city, place.country));
    let theirs = c.working_hours();
    let want: std::collections::BTreeSet<LocalDate> = table
        .keys()
        .map(|d| LocalDate::parse(d).expect("a date"))
        .collect();
    if theirs.holidays != want {
        bad.push(format!(
            "{} in {}: holidays not the place's",
            c.key, place.city
        ));
    }
    if (theirs.start, theirs.end, &theirs.days) != (persona.start, persona.end, &persona.days)
        || theirs.timezone != Some(place.timezone)
    {
        bad.push(format!("{} in {}: works {theirs:?}", c.key, place.city));
    }
    if place.city == spec.persona.profile["location"]["city"] {
        bad.push(format!("{} is 'away' in the persona's own city", c.key));
    }
    for m in spec
        .emails
        .iter()
        .filter(|m| m.email.from.address.eq_ignore_ascii_case(&c.email))
    {
        if !theirs.is_open(m.email.date) {
            bad.push(format!(
                "{} wrote {} at {} local to {}",
                c.key,
                m.path,
                local_iso(&theirs, m.email.date),
                place.city
            ));
        }
    }
    bad
}

fn local_iso(h: &WorkingHours, t: SimTime) -> String {
    let l = h.local(t);
    let (hh, mm, _) = l.time_of_day();
    format!("{} {hh:02}:{mm:02}", l.date_string())
}

fn check(what: &str, seeds: u64, f: fn(&WorldSpec) -> Vec<String>) {
    let bad: Vec<String> = worlds()
        .iter()
        .filter(|(_, seed, _)| *seed < seeds)
        .flat_map(|(label, _, spec)| f(spec).into_iter().map(move |d| format!("{label}: {d}")))
        .collect();
    assert!(
        bad.is_empty(),
        "{} {what}, first: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

#[test]
fn file_names_content_attachments_and_archives_agree_on_dates() {
    check("dates disagree", FILE_SEEDS, disagreements);
}

#[test]
fn every_email_arrival_and_due_date_is_in_the_personas_working_hours() {
    check("timestamps outside working hours", SEEDS.end, out_of_hours);
}

/// Every file of a computer (at the start, exported, or arriving later)
/// whose date is not a working day of the persona: a weekend or a public
/// holiday where they live. A file's date is the one in its name, else
/// (a document) the latest date inside, which is the day it was written
/// (`file_names_content_attachments_and_archives_agree_on_dates`).
fn off_day_files(spec: &WorldSpec) -> Vec<String> {
    let h = hours(spec);
    let short = short_date_code(spec);
    let mut files: Vec<(&VPath, &Artifact)> = spec
        .artifacts
        .iter()
        .map(|a| (&a.path, &a.artifact))
        .collect();
    if let Some(s) = &spec.scenario {
        let drops = s.schedule.iter().flat_map(|x| &x.files).chain(
            s.collaborators
                .iter()
                .flat_map(|c| &c.knows)
                .filter_map(|k| k.file.as_ref()),
        );
        files.extend(drops.map(|f| (&f.path, &f.artifact)));
    }
    let mut dated: Vec<(String, String)> = Vec::new();
    for (p, a) in files {
        if matches!(a, Artifact::Email(_)) {
            continue;
        }
        let data = matches!(p.extension(), Some("xlsx" | "csv"));
        let date = name_date(p).or_else(|| {
            let text = simdesk_engine::plain_text(a);
            (!data)
                .then(|| dates_in(&text, &short).into_iter().map(|(d, _)| d).max())
                .flatten()
        });
        if let Some(d) = date {
            dated.push((p.to_string(), d));
        }
    }
    dated.extend(
        spec.exports
            .iter()
            .filter_map(|x| name_date(&x.target).map(|d| (x.target.to_string(), d))),
    );
    dated
        .into_iter()
        .filter(|(_, d)| !LocalDate::parse(d).is_some_and(|d| h.works_on(d.0)))
        .map(|(p, d)| {
            let day = LocalDate::parse(&d).map(|d| format!("{:?}", d.weekday()));
            format!("{p}: dated {d} ({})", day.unwrap_or_default())
        })
        .collect()
}

/// Documents are written, and data exported, on working days: no file is
/// dated on a weekend or a public holiday of the persona's calendar.
#[test]
fn every_dated_file_is_dated_on_a_working_day() {
    check("files dated on a day off", SEEDS.end, off_day_files);
}

/// Daylight saving: a Boston persona's mail sits in their working hours
/// in summer (UTC-4) and in winter (UTC-5). Read with New York's fixed
/// standard offset, the summer month's timestamps fall an hour early, so
/// a generator (or a check) that ignored daylight saving would be caught.
#[test]
fn a_boston_personas_mail_keeps_local_hours_in_summer_and_winter() {
    let mut t = templates()
        .into_iter()
        .find(|t| t.id == "financial-advisor")
        .expect("the financial-advisor template");
    t.common.locations.retain(|l| l.city == "Boston");
    assert_eq!(t.common.locations.len(), 1, "Boston is a persona's place");
    let (mut summer, mut winter) = (None, None);
    for seed in 0..80 {
        let spec = make(&t, seed);
        // The backlog starts three weeks before the session, whose month
        // ends some seven weeks later: all of it in daylight saving time
        // from May to August, all in standard time from mid-November.
        let (_, m, d) = spec.start.date();
        if (5..=8).contains(&m) && summer.is_none() {
            summer = Some(spec);
        } else if (m == 12 || m == 11 && d >= 10) && winter.is_none() {
            winter = Some(spec);
        }
    }
    let (summer, winter) = (
        summer.expect("a summer month"),
        winter.expect("a winter month"),
    );
    let mut early = Vec::new();
    for spec in [&summer, &winter] {
        let h = hours(spec);
        assert_eq!(h.timezone.map(TimeZone::name), Some("America/New_York"));
        let bad = out_of_hours(spec);
        assert!(bad.is_empty(), "{} {bad:#?}", spec.start);
        let fixed = WorkingHours {
            timezone: None,
            utc_offset_minutes: -300,
            ..h
        };
        let stamps = mail(spec).into_iter().map(|(_, at, _)| at);
        early.push(stamps.filter(|at| !fixed.is_open(*at)).count());
    }
    assert!(early[0] > 0, "summer mail read at UTC-5 sits inside hours");
    assert_eq!(early[1], 0, "winter mail is in standard time");
}

/// The month does cross public holidays: the check above is not passing
/// only because no computer's weeks hold one.
#[test]
fn some_computers_weeks_hold_a_public_holiday() {
    let with = worlds()
        .iter()
        .filter(|(_, _, s)| {
            s.persona.profile["public_holidays"]
                .as_object()
                .is_some_and(|m| !m.is_empty())
        })
        .count();
    assert!(with * 5 >= worlds().len(), "{with} of {}", worlds().len());
}

#[test]
fn iso_dates_are_found_whole() {
    assert_eq!(
        iso_dates("2026-01-05 and x2026-01-06 and 12026-01-07 and 2026-1-08, 2025-12-31."),
        ["2026-01-05", "2026-01-06", "2025-12-31"]
    );
}

/// The checks themselves, one line a case, so the tests above cannot pass
/// by finding nothing.
#[test]
fn each_date_check_catches_what_it_names() {
    let file = |p: &str, text: &str| file_dates(&p.parse().expect("path"), text, "dd/mm/yyyy");
    assert!(file("/D/2026-01-05 Review.docx", "Prepared 2026-01-05.").is_empty());
    assert!(file("/D/2026-01-05 Review.docx", "Prepared 5 January 2026.").is_empty());
    assert_eq!(
        file("/D/2026-01-05 Review.docx", "Prepared January 12, 2026."),
        ["/D/2026-01-05 Review.docx: named 2026-01-05, latest date inside 2026-01-12"]
    );
    assert_eq!(
        file(
            "/D/2026-01-05 Chronology.docx",
            "- 12/01/2026: Draft motion"
        ),
        ["/D/2026-01-05 Chronology.docx: named 2026-01-05, latest date inside 2026-01-12"]
    );
    assert_eq!(
        file("/D/2026-01-05 Review.docx", "Prepared 2026-01-12."),
        ["/D/2026-01-05 Review.docx: named 2026-01-05, latest date inside 2026-01-12"]
    );
    assert_eq!(
        file("/D/2026-01-05 Review.pdf", "Entries to 2025-12-20."),
        ["/D/2026-01-05 Review.pdf: named 2026-01-05, latest date inside 2025-12-20"]
    );
    assert!(file("/D/time_2026-01-05.csv", "2025-12-20,Draft").is_empty());
    assert_eq!(
        file("/D/time_2026-01-05.csv", "2026-01-06,Draft"),
        ["/D/time_2026-01-05.csv: named 2026-01-05, latest date inside 2026-01-06"]
    );
    assert!(
        file(
            "/D/2026-01-05 Commentary January.docx",
            "Prepared 2026-01-05."
        )
        .is_empty()
    );
    assert_eq!(
        file(
            "/D/2026-01-05 Commentary February.docx",
            "Prepared 2026-01-05."
        ),
        ["/D/2026-01-05 Commentary February.docx: named 2026-01-05 but for February"]
    );
    assert!(file("/D/Archive/2024/Review 2024.pdf", "Prepared 2024-12-02.").is_empty());
    assert_eq!(
        file("/D/Archive/2024/2025-10-09 Review.pdf", ""),
        ["/D/Archive/2024/2025-10-09 Review.pdf: in Archive/2024 but dated 2025-10-09"]
    );
    let h = WorkingHours {
        utc_offset_minutes: 8 * 60,
        ..WorkingHours::default()
    };
    let at = SimTime::parse("2026-01-05T02:00:00Z").expect("time"); // Mon 10:00 local
    let later: VPath = "/D/time_2026-01-06.csv".parse().expect("path");
    assert_eq!(
        attached_dates(&h, "mail", at, std::slice::from_ref(&later)),
        ["mail (2026-01-05) attaches /D/time_2026-01-06.csv, dated 2026-01-06"]
    );
    assert!(attached_dates(&h, "mail", at.plus_secs(86_400), &[later]).is_empty());
    let named = |n: &str| mail_name(&h, &n.parse().expect("path"), at);
    assert_eq!(named("/M/2026-01-05 1000 Fees.eml"), None);
    assert_eq!(
        named("/M/2026-01-05 0200 Fees.eml").as_deref(),
        Some("/M/2026-01-05 0200 Fees.eml: sent 2026-01-05 10:00 local")
    );
    assert_eq!(h.next_open(at), at);
    let saturday = at.plus_secs(5 * 86_400);
    assert_ne!(h.next_open(saturday), saturday);
    assert_ne!(
        h.next_open(at.plus_secs(-3 * 3600)),
        at.plus_secs(-3 * 3600)
    );
    // A public holiday is closed all day; the next morning is open.
    let holiday = WorkingHours {
        holidays: [LocalDate::parse("2026-01-05").expect("date")].into(),
        ..h.clone()
    };
    assert!(!holiday.is_open(at));
    assert_eq!(
        holiday.next_open(at),
        SimTime::parse("2026-01-06T01:00:00Z").expect("time") // Tue 09:00 local
    );
}

/// Some collaborators work from elsewhere (a benefits vendor in London for
/// a Toronto HR partner, an e-disclosure vendor in Dublin): the month
/// schedules them by their own zone and public holidays, and the backlog's
/// mail from them sits inside their hours as well as the persona's.
#[test]
fn collaborators_abroad_keep_their_own_hours_and_holidays() {
    let mut away = 0;
    let mut other_country = 0;
    let mut mail_from_away = 0;
    for (label, _, spec) in worlds() {
        let Some(s) = &spec.scenario else { continue };
        let persona = &spec.persona.profile["location"];
        for c in &s.collaborators {
            let Some(place) = &c.location else { continue };
            away += 1;
            if persona["country"] != place.country.as_str() {
                other_country += 1;
            }
            mail_from_away += spec
                .emails
                .iter()
                .filter(|m| m.email.from.address.eq_ignore_ascii_case(&c.email))
                .count();
            let bad = away_problems(spec, &hours(spec), c, place);
            assert!(bad.is_empty(), "{label}: {bad:#?}");
        }
    }
    eprintln!(
        "{away} collaborators away, {other_country} in another country, {mail_from_away} mails from them"
    );
    assert!(away >= 40, "only {away} collaborators work from elsewhere");
    assert!(other_country >= 10, "only {other_country} abroad");
    assert!(
        mail_from_away >= 10,
        "only {mail_from_away} mails from them"
    );
}
