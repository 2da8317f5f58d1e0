//! The people of generated worlds (issue 16), on every template × 20
//! seeds: each template draws from its own name pool, so no person turns up
//! in two templates' worlds, and nobody in one computer shares another's
//! name; mail greets a person the way their name is written (`Анна`, never
//! `Anna` or `Анна Смирнова`); each person signs every message the same way
//! and unlike anyone else; a career spans the years of experience and ends
//! at the current employer.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use simdesk_gen::{GenError, NameEntry, Template, WorldSpec, templates_from_files};
use simdesk_model::{Email, Mailbox};

use crate::common::{make, templates};

const SEEDS: std::ops::Range<u64> = 0..20;

/// Every template with its worlds, generated once for all tests here.
fn worlds() -> &'static [(Template, Vec<WorldSpec>)] {
    static WORLDS: OnceLock<Vec<(Template, Vec<WorldSpec>)>> = OnceLock::new();
    WORLDS.get_or_init(|| {
        templates()
            .into_iter()
            .map(|t| {
                let specs = SEEDS.map(|s| make(&t, s)).collect();
                (t, specs)
            })
            .collect()
    })
}

/// Every message of a computer as its parties and paragraphs: the backlog,
/// the scheduled requests and the disagreeing instructions.
fn messages(spec: &WorldSpec) -> Vec<(String, Mailbox, Vec<Mailbox>, Vec<String>)> {
    let text = |e: &Email| -> Vec<String> {
        e.body
            .iter()
            .map(|p| simdesk_model::inlines_text(&p.inlines))
            .collect()
    };
    let mut out: Vec<_> = spec
        .emails
        .iter()
        .map(|m| {
            let e = &m.email;
            let to = e.to.iter().chain(&e.cc).cloned().collect();
            (m.path.to_string(), e.from.clone(), to, text(e))
        })
        .collect();
    let Some(sc) = &spec.scenario else {
        return out;
    };
    let collab = |key: &str| {
        sc.collaborator(key)
            .map(|c| Mailbox::new(&c.name, &c.email))
    };
    for s in sc.schedule.iter().filter(|s| !s.subject.is_empty()) {
        if let Some(from) = collab(&s.from) {
            let body = s.body.split("\n\n").map(str::to_owned).collect();
            let what = format!("scheduled {:?}", s.subject);
            out.push((what, from, vec![sc.agent.clone()], body));
        }
    }
    for c in &sc.conflicts {
        for i in &c.instructions {
            if let Some(from) = collab(&i.from) {
                let body = i.body.split("\n\n").map(str::to_owned).collect();
                let what = format!("instruction {:?}", i.subject);
                out.push((what, from, vec![sc.agent.clone()], body));
            }
        }
    }
    out
}

/// Every person of a computer: address → display name.
fn people(spec: &WorldSpec) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |m: &Mailbox| {
        out.entry(m.address.to_lowercase())
            .or_default()
            .insert(m.name.clone());
    };
    add(&Mailbox::new(&spec.persona.name, &spec.persona.email));
    for (_, from, to, _) in messages(spec) {
        add(&from);
        to.iter().for_each(&mut add);
    }
    if let Some(sc) = &spec.scenario {
        for c in &sc.collaborators {
            add(&Mailbox::new(&c.name, &c.email));
        }
    }
    out
}

#[test]
fn no_person_is_in_two_templates_worlds_or_twice_in_one() {
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut bad = Vec::new();
    for (t, specs) in worlds() {
        for (seed, spec) in specs.iter().enumerate() {
            let folks = people(spec);
            let mut names: BTreeMap<&str, &str> = BTreeMap::new();
            for (addr, shown) in &folks {
                if shown.len() != 1 {
                    bad.push(format!("{} seed {seed}: {addr} is named {shown:?}", t.id));
                }
                for n in shown {
                    if let Some(other) = names.insert(n, addr) {
                        bad.push(format!(
                            "{} seed {seed}: {n} is both {other} and {addr}",
                            t.id
                        ));
                    }
                    if let Some(first) = owner.insert(n.clone(), t.id.clone())
                        && first != t.id
                    {
                        bad.push(format!("{n} is in worlds of {first} and {}", t.id));
                    }
                }
            }
            assert!(folks.len() >= 4, "{} seed {seed}: {folks:?}", t.id);
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

#[test]
fn a_name_in_two_pools_is_refused_when_templates_load() {
    let files = simdesk_gen::embedded_files()
        .iter()
        .filter(|(rel, _)| !rel.starts_with("_"))
        .map(|(rel, c)| {
            let c = if *rel == "marketing-manager/people.toml" {
                c.replace(
                    "names = [\n",
                    "names = [\n  { display = \"Анна Смирнова\", given = \"Anna\", family = \"Smirnova\", called = \"Анна\", signs = \"Анна\" },\n",
                )
            } else {
                (*c).to_owned()
            };
            ((*rel).to_owned(), c)
        });
    let err = templates_from_files(files, "test").expect_err("a shared name is refused");
    assert_eq!(
        err,
        GenError::SharedName {
            name: "Анна Смирнова".into(),
            first: "financial-advisor".into(),
            second: "marketing-manager".into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "\"Анна Смирнова\" is in the name pools of both financial-advisor and marketing-manager"
    );
}

#[test]
fn a_non_latin_name_must_say_how_it_is_greeted() {
    let files = simdesk_gen::embedded_files()
        .iter()
        .filter(|(rel, _)| rel.starts_with("paralegal/"))
        .map(|(rel, c)| {
            let c = if *rel == "paralegal/people.toml" {
                c.replace(
                    "names = [\n",
                    "names = [\n  { display = \"Иван Петров\", given = \"Ivan\", family = \"Petrov\" },\n",
                )
            } else {
                (*c).to_owned()
            };
            ((*rel).to_owned(), c)
        });
    let err = templates_from_files(files, "test").expect_err("no greeting form");
    let msg = err.to_string();
    assert!(
        msg.starts_with("template paralegal: people.toml: \"Иван Петров\" does not contain its given name \"Ivan\""),
        "{msg}"
    );
}

/// The pool entry of a display name.
fn entry<'a>(t: &'a Template, display: &str) -> Option<&'a NameEntry> {
    t.names.iter().find(|n| n.display == display)
}

/// The greeting variants of every style, `{name}` kept.
fn greeting_forms(t: &Template) -> BTreeSet<String> {
    t.common
        .styles
        .values()
        .flat_map(|s| s.greetings.iter().cloned())
        .collect()
}

/// What is wrong with a greeting line to `who`: not one of the styles'
/// greetings with the person's greeting name, or naming them by the full
/// name or the Latin transliteration of a name written in another script.
fn greeting_problem(forms: &BTreeSet<String>, who: &NameEntry, line: &str) -> Option<String> {
    let called = who.greeting_name();
    let masked = line.replace(called, "{name}");
    if !forms.contains(&masked) {
        return Some(format!("{line:?} is no greeting of {called:?}"));
    }
    let rest = line.replace(called, "");
    let latin_only = !who.display.contains(&who.given);
    if (who.display.contains(' ') || !called.contains(&who.display)) && line.contains(&who.display)
    {
        return Some(format!("{line:?} uses the full name {:?}", who.display));
    }
    if latin_only && (line.contains(&who.given) || rest.contains(&who.family)) {
        return Some(format!(
            "{line:?} uses the Latin {:?} for {:?}",
            who.given, who.display
        ));
    }
    None
}

#[test]
fn every_greeting_uses_the_name_as_written_never_the_full_or_latin_one() {
    let mut bad = Vec::new();
    let mut named = 0;
    let mut non_latin = 0;
    for (t, specs) in worlds() {
        let forms = greeting_forms(t);
        for (seed, spec) in specs.iter().enumerate() {
            for (what, _, to, body) in messages(spec) {
                let [rcpt] = to.as_slice() else { continue };
                let Some(who) = entry(t, &rcpt.name) else {
                    bad.push(format!(
                        "{} seed {seed}: {what}: {} in no pool",
                        t.id, rcpt.name
                    ));
                    continue;
                };
                let line = body.first().map(String::as_str).unwrap_or("");
                if line.contains(who.greeting_name()) {
                    named += 1;
                    non_latin += usize::from(!who.display.contains(&who.given));
                }
                if let Some(p) = greeting_problem(&forms, who, line) {
                    bad.push(format!("{} seed {seed}: {what}: {p}", t.id));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
    assert!(
        named > 1000 && non_latin > 50,
        "{named} named, {non_latin} non-Latin"
    );
}

#[test]
fn the_greeting_check_catches_what_it_names() {
    let forms: BTreeSet<String> = ["Hi {name}!", "Hi,", "Dear {name},"]
        .map(String::from)
        .into();
    let anna = NameEntry {
        display: "Анна Смирнова".into(),
        given: "Anna".into(),
        family: "Smirnova".into(),
        called: Some("Анна".into()),
        signs: Some("Анна".into()),
    };
    let yamada = NameEntry {
        display: "山田 花子".into(),
        given: "Hanako".into(),
        family: "Yamada".into(),
        called: Some("山田さん".into()),
        signs: Some("山田".into()),
    };
    let wang = NameEntry {
        display: "王芳".into(),
        given: "Fang".into(),
        family: "Wang".into(),
        called: Some("王芳".into()),
        signs: Some("王芳".into()),
    };
    assert_eq!(greeting_problem(&forms, &anna, "Hi Анна!"), None);
    assert_eq!(greeting_problem(&forms, &anna, "Hi,"), None);
    assert_eq!(greeting_problem(&forms, &yamada, "Dear 山田さん,"), None);
    assert_eq!(greeting_problem(&forms, &wang, "Hi 王芳!"), None);
    for bad in ["Hi Анна Смирнова!", "Hi Anna!", "Hello Анна,"] {
        assert!(greeting_problem(&forms, &anna, bad).is_some(), "{bad}");
    }
    assert!(greeting_problem(&forms, &yamada, "Dear 山田 花子,").is_some());
    assert!(greeting_problem(&forms, &yamada, "Dear Hanako,").is_some());
}

#[test]
fn each_person_signs_every_message_alike_and_unlike_anyone_else() {
    let mut bad = Vec::new();
    for (t, specs) in worlds() {
        for (seed, spec) in specs.iter().enumerate() {
            let mut by_sender: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (what, from, _, body) in messages(spec) {
                let Some(last) = body.iter().rev().find(|p| !p.trim().is_empty()) else {
                    continue;
                };
                let signed = last.lines().last().unwrap_or("").trim();
                // The signature is the last line, bare or after "- ".
                let signed = signed.strip_prefix("- ").unwrap_or(signed).to_owned();
                let Some(who) = entry(t, &from.name) else {
                    bad.push(format!(
                        "{} seed {seed}: {what}: {} in no pool",
                        t.id, from.name
                    ));
                    continue;
                };
                if signed != who.signature() {
                    bad.push(format!(
                        "{} seed {seed}: {what}: {} signs {signed:?}, not {:?}",
                        t.id,
                        from.name,
                        who.signature()
                    ));
                }
                by_sender
                    .entry(from.address.to_lowercase())
                    .or_default()
                    .insert(signed);
            }
            let mut owner: BTreeMap<&String, &String> = BTreeMap::new();
            for (addr, sigs) in &by_sender {
                if sigs.len() != 1 {
                    bad.push(format!("{} seed {seed}: {addr} signs as {sigs:?}", t.id));
                }
                for s in sigs {
                    if let Some(other) = owner.insert(s, addr) {
                        bad.push(format!(
                            "{} seed {seed}: {other} and {addr} both sign {s:?}",
                            t.id
                        ));
                    }
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}

#[test]
fn a_career_spans_the_years_of_experience_and_ends_at_the_current_employer() {
    let mut bad = Vec::new();
    for (t, specs) in worlds() {
        for (seed, spec) in specs.iter().enumerate() {
            let p = &spec.persona;
            let years = p.profile["years_experience"].as_i64().expect("years");
            let career = p.profile["career"].as_array().expect("career");
            let step = |s: &serde_json::Value| {
                (
                    s["employer"].as_str().unwrap_or("").to_owned(),
                    s["role"].as_str().unwrap_or("").to_owned(),
                    s["from"].as_i64().unwrap_or(0),
                    s["to"].as_i64().unwrap_or(0),
                )
            };
            let steps: Vec<_> = career.iter().map(step).collect();
            let this_year = spec.start.date().0;
            let label = format!("{} seed {seed} ({years} years, {steps:?})", t.id);
            let Some(last) = steps.last() else {
                bad.push(format!("{label}: no career"));
                continue;
            };
            if steps.len() < 2 && years > 1 {
                bad.push(format!("{label}: no earlier position"));
            }
            if last.0 != p.employer || last.1 != p.role || last.3 != this_year {
                bad.push(format!(
                    "{label}: does not end at {} as {} in {this_year}",
                    p.employer, p.role
                ));
            }
            if steps[0].2 != this_year - years {
                bad.push(format!(
                    "{label}: starts in {}, not {}",
                    steps[0].2,
                    this_year - years
                ));
            }
            for w in steps.windows(2) {
                if w[1].2 != w[0].3 {
                    bad.push(format!(
                        "{label}: {} ends {}, {} starts {}",
                        w[0].0, w[0].3, w[1].0, w[1].2
                    ));
                }
                if w[0].0 == w[1].0 {
                    bad.push(format!("{label}: {} twice in a row", w[0].0));
                }
            }
            if steps
                .iter()
                .any(|s| s.3 <= s.2 || s.0.is_empty() || s.1.is_empty())
            {
                bad.push(format!("{label}: an empty or backward position"));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems: {:#?}",
        bad.len(),
        &bad[..bad.len().min(20)]
    );
}
