//! The persona: who they are, their home folder and habits.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct Person {
    pub(super) display: String,
    pub(super) given: String,
    pub(super) family: String,
    pub(super) email: String,
}

impl Person {
    pub(super) fn json(&self, role: &str) -> J {
        json!({"name": self.display, "first": self.first(), "given": self.given, "family": self.family, "email": self.email, "role": role})
    }
    pub(super) fn first(&self) -> String {
        if self.display.contains(&self.given) {
            self.given.clone()
        } else {
            self.display.clone()
        }
    }
}

/// The places a persona of `t` may live: locations in the pack's
/// countries (every country a locale serves when it names none).
pub(super) fn places(t: &Template) -> Vec<crate::pack::Location> {
    let countries = &t.pack.meta.countries;
    t.common
        .locations
        .iter()
        .filter(|l| {
            if countries.is_empty() {
                crate::locale::for_country(&t.common.locales, &l.country).is_some()
            } else {
                countries.contains(&l.country)
            }
        })
        .cloned()
        .collect()
}

impl<'t> Gen<'t> {
    pub(super) fn new_person(&mut self) -> Person {
        let names = &self.t.common.names;
        for _ in 0..200 {
            let n = self.rng.pick(names).clone();
            if self.used_names.insert(n.display.clone()) {
                return Person {
                    display: n.display,
                    given: n.given,
                    family: n.family,
                    email: String::new(),
                };
            }
        }
        let n = self.rng.pick(names).clone();
        Person {
            display: n.display,
            given: n.given,
            family: n.family,
            email: String::new(),
        }
    }

    pub(super) fn address(&self, p: &Person, domain: &str) -> String {
        format!(
            "{}.{}@{domain}",
            ascii_fold(&p.given),
            ascii_fold(&p.family)
        )
    }

    pub(super) fn persona_and_home(&mut self) -> Result<(), GenError> {
        let pack = self.pack;
        let p = self.new_person();
        let employer = self.rng.pick(&pack.meta.employers).clone();
        self.domain = employer.domain.clone();
        let role = self.rng.pick(&pack.meta.roles).clone();
        // The place was drawn before the pack was localized, from a stream
        // of its own; this draw keeps the rest of the persona as it was.
        let _ = self.rng.below(self.t.common.locations.len());
        let loc = self.place.clone();
        let windows = self.rng.chance(0.55);
        let login = if !p.display.is_ascii() && windows && self.rng.chance(0.4) {
            component(&p.display.replace(' ', ""))
        } else {
            match self.rng.below(3) {
                0 => ascii_fold(&p.given),
                1 => format!("{}{}", ascii_fold(&p.given), ascii_fold(&p.family)),
                _ => format!("{}.{}", ascii_fold(&p.given), ascii_fold(&p.family)),
            }
        };
        let home = if windows {
            format!("/C/Users/{login}")
        } else {
            format!("/Users/{login}")
        };
        self.home = self.vp(&home)?;
        let mut quirks = BTreeSet::new();
        if self.rng.chance(0.5) {
            quirks.insert("keeps_versions".to_owned());
        }
        if self.rng.chance(0.35) {
            quirks.insert("desktop_dumper".to_owned());
        } else if self.rng.chance(0.5) {
            quirks.insert("dated_folders".to_owned());
        }
        quirks.insert(
            if self.rng.chance(0.6) {
                "naming_by_client"
            } else {
                "naming_by_date"
            }
            .to_owned(),
        );
        let sep = match self.rng.below(3) {
            0 => " ",
            1 => "_",
            _ => "-",
        };
        self.sep = sep;
        quirks.insert(
            match sep {
                " " => "separator_space",
                "_" => "separator_underscore",
                _ => "separator_dash",
            }
            .to_owned(),
        );
        let docs_root = if windows && self.rng.chance(0.4) {
            quirks.insert("onedrive".to_owned());
            let short = employer.name.split_whitespace().next().unwrap_or("Work");
            self.join(&self.home, &format!("OneDrive - {short}"))?
                .join("Documents")
                .map_err(|e| self.e(e))?
        } else {
            self.home.join("Documents").map_err(|e| self.e(e))?
        };
        self.quirks = quirks;
        self.work = self.join(&docs_root, &pack.meta.work_folder)?;
        self.desktop = self.home.join("Desktop").map_err(|e| self.e(e))?;
        self.downloads = self.home.join("Downloads").map_err(|e| self.e(e))?;
        for f in [
            self.work.clone(),
            self.desktop.clone(),
            self.downloads.clone(),
        ] {
            self.folder(&f);
        }
        for f in &pack.meta.folders {
            let p = self.join(&self.work, f)?;
            self.folder(&p);
        }
        let years = self.rng.int(3, 24) as u32;
        let (y, _, _) = self.start.date();
        let mut career = Vec::new();
        let mut year = y - i64::from(years);
        let steps = self.rng.int(1, 3);
        for _ in 0..steps {
            let len = self.rng.int(2, 5);
            if year + len >= y - 1 {
                break;
            }
            let emp = loop {
                let e = self.rng.pick(&pack.meta.employers).name.clone();
                if e != employer.name || pack.meta.employers.len() == 1 {
                    break e;
                }
            };
            career.push(CareerStep {
                employer: emp,
                role: self.rng.pick(&pack.meta.earlier_roles).clone(),
                from: year,
                to: year + len,
            });
            year += len;
        }
        let mut tools = pack.meta.tools.clone();
        self.rng.shuffle(&mut tools);
        tools.truncate(self.rng.int(3, tools.len().max(3) as i64) as usize);
        tools.sort();
        let skill =
            ["basic", "intermediate", "advanced", "power_user"][self.rng.below(4)].to_owned();
        let h = self.rng.int(7, 9);
        let m = [0, 30][self.rng.below(2)];
        let style = [Style::Terse, Style::Chatty, Style::Formal, Style::Formal][self.rng.below(4)];
        self.style = style;
        let profile = Profile {
            template: self.t.id.clone(),
            industry: pack.meta.industry.clone(),
            location: ProfileLocation {
                city: loc.city,
                country: loc.country,
                timezone: loc.timezone,
            },
            years_experience: years,
            career,
            skill_level: skill,
            tools,
            working_hours: format!("{h:02}:{m:02}-{:02}:{m:02}", h + 9),
            working_days: if self.rng.chance(0.85) {
                "Mon-Fri"
            } else {
                "Mon-Thu, Fri mornings"
            }
            .to_owned(),
            quirks: self.quirks.iter().cloned().collect(),
            os: if windows { "windows" } else { "macos" }.to_owned(),
            home: self.home.as_str().to_owned(),
            email_style: style,
            locale: ProfileLocale {
                id: self.locale_id.to_owned(),
                currency: self.locale.currency.clone(),
                symbol: self.locale.symbol.clone(),
                date_long: self.locale.date_long.clone(),
                date_short: self.locale.date_short.clone(),
            },
        };
        let email = self.address(&p, &employer.domain);
        self.persona = Person {
            email: email.clone(),
            ..p
        };
        let J::Object(map) = serde_json::to_value(&profile).map_err(|e| self.e(e))? else {
            return Err(self.e("profile is not an object"));
        };
        self.spec.persona = Persona {
            name: self.persona.display.clone(),
            email,
            role,
            employer: employer.name,
            profile: map.into_iter().collect(),
        };
        self.spec.home = self.home.clone();
        Ok(())
    }
}
