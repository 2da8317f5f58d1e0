//! Scenario data: the shipped costs and prose, working hours, validation.

use expect_test::expect;
use simdesk_model::SimTime;
use simdesk_sim::{
    BUILTIN_COSTS, BUILTIN_PROSE, Costs, Prose, Scenario, Session, TOOL_NAMES, WorkingHours,
};

use crate::fixture::*;

#[test]
fn shipped_costs_and_prose_parse_and_cover_everything() {
    let costs = Costs::parse(BUILTIN_COSTS).unwrap();
    for t in TOOL_NAMES {
        assert!(costs.tools.contains_key(*t), "no cost for {t}");
    }
    let prose = Prose::parse(BUILTIN_PROSE).unwrap();
    let styles = ["terse", "skeptical", "chatty", "formal"];
    for rule in [
        "answer",
        "unknown",
        "review_fail",
        "review_pass",
        "reminder",
        "escalation",
        "resolution",
    ] {
        for st in styles {
            assert!(
                prose
                    .rules
                    .get(rule)
                    .and_then(|r| r.get(st))
                    .is_some_and(|v| !v.is_empty()),
                "no {rule} prose for {st}"
            );
        }
    }
    for st in styles {
        assert!(
            prose.greetings.contains_key(st) && prose.signoffs.contains_key(st),
            "{st}"
        );
    }
}

#[test]
fn working_hours_skip_nights_weekends_and_follow_the_time_zone() {
    let h: WorkingHours = toml_hours(
        r#"start = "09:00"
end = "17:30"
utc_offset_minutes = 120"#,
    );
    let cases = [
        // Monday 06:00 UTC = 08:00 local: wait for 09:00 local.
        ("2026-01-05T06:00:00Z", "2026-01-05T07:00:00Z"),
        // Inside hours: unchanged.
        ("2026-01-05T10:00:00Z", "2026-01-05T10:00:00Z"),
        // Friday 16:00 UTC = 18:00 local: Monday 09:00 local.
        ("2026-01-09T16:00:00Z", "2026-01-12T07:00:00Z"),
        // Saturday: Monday.
        ("2026-01-10T12:00:00Z", "2026-01-12T07:00:00Z"),
    ];
    for (at, want) in cases {
        let got = h.next_open(SimTime::parse(at).unwrap());
        assert_eq!(got.to_string(), want, "{at}");
    }
}

/// With a named zone the day's offset follows daylight saving: 09:00 in
/// New York is 14:00 UTC in January and 13:00 UTC in July, and the
/// Sunday the clocks go forward does not shift Monday's opening.
#[test]
fn working_hours_in_a_named_zone_follow_daylight_saving() {
    let h: WorkingHours = toml_hours(
        r#"start = "09:00"
end = "17:30"
utc_offset_minutes = -300
timezone = "America/New_York""#,
    );
    let cases = [
        ("2026-01-05T12:00:00Z", "2026-01-05T14:00:00Z"),
        ("2026-07-06T12:00:00Z", "2026-07-06T13:00:00Z"),
        // Friday 6 March after hours: Monday 9 March 09:00 EDT.
        ("2026-03-06T23:00:00Z", "2026-03-09T13:00:00Z"),
        // Friday 30 October after hours: Monday 2 November 09:00 EST.
        ("2026-10-30T22:00:00Z", "2026-11-02T14:00:00Z"),
        // 17:00 EDT in July is open; 17:00 EST in January is too.
        ("2026-07-06T21:00:00Z", "2026-07-06T21:00:00Z"),
        ("2026-01-05T22:00:00Z", "2026-01-05T22:00:00Z"),
    ];
    for (at, want) in cases {
        let got = h.next_open(SimTime::parse(at).unwrap());
        assert_eq!(got.to_string(), want, "{at}");
    }
    // The same hours at a fixed offset open an hour late in July.
    let fixed = WorkingHours {
        timezone: None,
        ..h.clone()
    };
    assert_eq!(
        fixed
            .next_open(SimTime::parse("2026-07-06T12:00:00Z").unwrap())
            .to_string(),
        "2026-07-06T14:00:00Z"
    );
    let bad = Scenario::from_toml(
        "agent = { name = \"A\", address = \"a@a.example\" }\nhome = \"/h\"\n[[collaborators]]\nkey = \"x\"\nname = \"X\"\nemail = \"x@x.example\"\n[collaborators.hours]\ntimezone = \"Europe/Nowhere\"\n",
    );
    assert!(bad.is_err_and(|e| e.to_string().contains("unknown time zone")));
}

fn toml_hours(text: &str) -> WorkingHours {
    let s = format!(
        "{}\n[[collaborators]]\nkey = \"x\"\nname = \"X\"\nemail = \"x@x.example\"\n[collaborators.hours]\n{text}\n",
        "agent = { name = \"A\", address = \"a@a.example\" }\nhome = \"/h\""
    );
    Scenario::from_toml(&s).unwrap().collaborators[0]
        .hours
        .clone()
}

#[test]
fn scenarios_that_do_not_fit_the_world_are_refused_with_where() {
    let cases = [
        (
            "duplicate",
            SCENARIO.replacen("key = \"client\"", "key = \"manager\"", 1),
        ),
        (
            "unknown sender",
            SCENARIO.replacen("from = \"peer\"", "from = \"nobody\"", 1),
        ),
        (
            "style",
            SCENARIO.replacen("style = \"terse\"", "style = \"poetic\"", 1),
        ),
        (
            "held back but on disk",
            SCENARIO.replace(
                "/Users/ana/Downloads/positions_corrected.csv",
                "/Users/ana/Models/fees.xlsx",
            ),
        ),
        (
            "cost of no tool",
            format!(
                "{SCENARIO}\n[costs]\ndefault_seconds = 1\nerror_seconds = 1\npage_lines = 10\ntools = {{ teleport = 1 }}\n"
            ),
        ),
    ];
    let mut log = String::new();
    for (name, text) in cases {
        let sc = Scenario::from_toml(&text).unwrap();
        let e = Session::new(world(), std::sync::Arc::new(sc)).unwrap_err();
        log.push_str(&format!("{name}: {e}\n"));
    }
    let e = Scenario::from_toml("agent = 3").unwrap_err();
    log.push_str(&format!(
        "bad toml: {}\n",
        e.to_string().lines().next().unwrap_or_default()
    ));
    expect![[r#"
        duplicate: scenario collaborators[1].key: duplicate key "manager"
        unknown sender: scenario schedule[1].from: no collaborator "nobody"
        style: scenario collaborators[0].style: no prose for style "poetic"
        held back but on disk: scenario collaborators[2].knows[0].file: held-back file /Users/ana/Models/fees.xlsx is already on disk
        cost of no tool: scenario costs.tools.teleport: no tool has this name
        bad toml: scenario toml: TOML parse error at line 1, column 9
    "#]].assert_eq(&log);
}

#[test]
fn the_scenario_schema_is_an_object_and_sessions_cross_threads() {
    assert_eq!(Scenario::schema()["type"], "object");
    fn send<T: Send + Sync>() {}
    send::<Session>();
}
