//! The persona: who they are, their home folder and habits.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct Person {
    pub(super) display: String,
    pub(super) given: String,
    pub(super) family: String,
    /// How others greet them, in the script of `display`.
    pub(super) called: String,
    /// The name they sign with, the same on every message.
    pub(super) signs: String,
    pub(super) email: String,
}

impl Person {
    pub(super) fn json(&self, role: &str) -> J {
        json!({"name": self.display, "first": self.first(), "called": self.called, "signs": self.signs, "given": self.given, "family": self.family, "email": self.email, "role": role})
    }

    /// How running text mentions them: the name they sign with, in the
    /// script of their display name and without the honorific a greeting
    /// adds (`王芳`, `山田`, `최준호`; `called` is the greeting's
    /// `山田さん`, `최준호 님`), so a possessive reads `최준호's`, never
    /// `최준호 님's`.
    pub(super) fn first(&self) -> String {
        self.signs.clone()
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
    /// A person of the template's pool not yet in this computer, whose
    /// greeting, signature and address are not anyone else's here either.
    pub(super) fn new_person(&mut self) -> Result<Person, GenError> {
        let free: Vec<&NameEntry> = self
            .t
            .names
            .iter()
            .filter(|n| {
                !self.used_names.contains(&n.display)
                    && !self
                        .used_names
                        .contains(&format!("called:{}", n.greeting_name()))
                    && !self
                        .used_names
                        .contains(&format!("signs:{}", n.signature()))
                    && !self.used_names.contains(&format!(
                        "addr:{}.{}",
                        ascii_fold(&n.given),
                        ascii_fold(&n.family)
                    ))
            })
            .collect();
        if free.is_empty() {
            return Err(self.e(format!(
                "the name pool ({} names in people.toml) is used up",
                self.t.names.len()
            )));
        }
        let n = (*self.rng.pick(&free)).clone();
        for k in [
            n.display.clone(),
            format!("called:{}", n.greeting_name()),
            format!("signs:{}", n.signature()),
            format!("addr:{}.{}", ascii_fold(&n.given), ascii_fold(&n.family)),
        ] {
            self.used_names.insert(k);
        }
        Ok(Person {
            called: n.greeting_name().to_owned(),
            signs: n.signature().to_owned(),
            display: n.display,
            given: n.given,
            family: n.family,
            email: String::new(),
        })
    }

    /// Gives a drawn person back to the pool (a draw that was not kept).
    pub(super) fn release_person(&mut self, p: &Person) {
        for k in [
            p.display.clone(),
            format!("called:{}", p.called),
            format!("signs:{}", p.signs),
            format!("addr:{}.{}", ascii_fold(&p.given), ascii_fold(&p.family)),
        ] {
            self.used_names.remove(&k);
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
        let p = self.new_person()?;
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
        let career = self.career(years, y, &employer.name, &role);
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
                city: loc.city.clone(),
                country: loc.country.clone(),
                timezone: loc.timezone.name().to_owned(),
            },
            years_experience: years,
            career,
            skill_level: skill,
            tools,
            working_hours: format!("{h:02}:{m:02}-{:02}:{m:02}", h + 9),
            // The days `WorkingHours` schedules by: the weekdays, less the
            // place's public holidays (listed below).
            working_days: "Mon-Fri".to_owned(),
            public_holidays: self.holidays_near(&loc.city, &loc.country),
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
                decimal: self.locale.decimal.to_string(),
                thousands: self.locale.thousands.to_string(),
                grouping: self.locale.grouping,
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
        self.hours = WorkingHours {
            start: ClockTime((h * 60 + m) as u16),
            end: ClockTime(((h + 9) * 60 + m) as u16),
            utc_offset_minutes: self.utc_offset(),
            timezone: Some(loc.timezone),
            holidays: self.holiday_dates(&loc.city, &loc.country),
            ..WorkingHours::default()
        };
        Ok(())
    }

    /// A career of `years` ending this year (`y`) at the current employer
    /// in the current role: one to three earlier positions at other
    /// employers, oldest first, each starting the year the one before it
    /// ends, together spanning exactly `years`.
    fn career(&mut self, years: u32, y: i64, current: &str, role: &str) -> Vec<CareerStep> {
        let pack = self.pack;
        let years = i64::from(years.max(1));
        let tenure = self.rng.int(1, (years - 1).clamp(1, 6));
        let earlier = years - tenure;
        let mut lengths: Vec<i64> = Vec::new();
        if earlier > 0 {
            let steps = self.rng.int(1, earlier.min(3)) as usize;
            lengths = vec![1; steps];
            for _ in steps as i64..earlier {
                let i = self.rng.below(steps);
                lengths[i] += 1;
            }
        }
        let mut out = Vec::new();
        let mut from = y - years;
        let mut last = current.to_owned();
        for len in lengths {
            let others: Vec<&String> = pack
                .meta
                .employers
                .iter()
                .map(|e| &e.name)
                .filter(|e| e.as_str() != current && e.as_str() != last)
                .collect();
            let emp = if others.is_empty() {
                current.to_owned()
            } else {
                (*self.rng.pick(&others)).clone()
            };
            out.push(CareerStep {
                employer: emp.clone(),
                role: self.rng.pick(&pack.meta.earlier_roles).clone(),
                from,
                to: from + len,
            });
            last = emp;
            from += len;
        }
        out.push(CareerStep {
            employer: current.to_owned(),
            role: role.to_owned(),
            from,
            to: y,
        });
        out
    }

    /// The public holidays of a place as dates.
    pub(super) fn holiday_dates(&self, city: &str, country: &str) -> BTreeSet<LocalDate> {
        self.t
            .common
            .holidays_of(city, country)
            .into_iter()
            .flat_map(|t| t.keys())
            .filter_map(|d| LocalDate::parse(d))
            .collect()
    }

    /// The place's public holidays from a week before the backlog starts
    /// to a week after the month ends, date to name.
    fn holidays_near(&self, city: &str, country: &str) -> BTreeMap<String, String> {
        let lo = self.start.plus_secs(-7 * 86_400).date_string();
        let hi = self.now.plus_secs(45 * 86_400).date_string();
        self.t
            .common
            .holidays_of(city, country)
            .into_iter()
            .flat_map(|t| t.iter())
            .filter(|(d, _)| **d >= lo && **d <= hi)
            .map(|(d, n)| (d.clone(), n.clone()))
            .collect()
    }
}
