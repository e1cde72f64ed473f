//! Twice-daily health checks (temperature + symptoms), docs/design.md §3.
//!
//! Slots and deadlines are China Standard Time (Asia/Shanghai); instants are UTC.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::{Invalid, Tenths, optional_text, parse_temperature};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Slot {
    Am,
    Pm,
}

impl Slot {
    pub const ALL: [Slot; 2] = [Slot::Am, Slot::Pm];
    pub fn as_str(self) -> &'static str {
        match self {
            Slot::Am => "am",
            Slot::Pm => "pm",
        }
    }
    pub fn parse(s: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Locale key, "slot.am" or "slot.pm".
    pub fn label_key(self) -> &'static str {
        match self {
            Slot::Am => "slot.am",
            Slot::Pm => "slot.pm",
        }
    }
}
stored_code!(Slot);

/// When the slots close and when the afternoon slot opens, in Shanghai local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotConfig {
    pub am_deadline: NaiveTime,
    pub pm_deadline: NaiveTime,
    pub pm_opens: NaiveTime,
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

impl Default for SlotConfig {
    /// AM due by 10:00, PM opens at 12:00 and is due by 18:00.
    fn default() -> Self {
        SlotConfig { am_deadline: hm(10, 0), pm_deadline: hm(18, 0), pm_opens: hm(12, 0) }
    }
}

impl SlotConfig {
    /// The morning slot closes no later than the afternoon slot opens, and the
    /// afternoon slot opens before its deadline.
    pub fn is_valid(&self) -> bool {
        self.am_deadline <= self.pm_opens && self.pm_opens < self.pm_deadline
    }

    pub fn deadline(&self, slot: Slot) -> NaiveTime {
        match slot {
            Slot::Am => self.am_deadline,
            Slot::Pm => self.pm_deadline,
        }
    }
}

/// The Shanghai date and the slot a reading taken at `now` belongs to:
/// before `pm_opens` it is the morning slot, from then on the afternoon slot.
pub fn slot_at(now: DateTime<Utc>, cfg: &SlotConfig) -> (NaiveDate, Slot) {
    let local = now.with_timezone(&Shanghai);
    let slot = if local.time() < cfg.pm_opens { Slot::Am } else { Slot::Pm };
    (local.date_naive(), slot)
}

/// The instant a slot closes: its deadline on `date` in Shanghai.
pub fn slot_deadline(date: NaiveDate, slot: Slot, cfg: &SlotConfig) -> DateTime<Utc> {
    let local = date.and_time(cfg.deadline(slot));
    match Shanghai.from_local_datetime(&local).earliest() {
        Some(t) => t.with_timezone(&Utc),
        // China has had no DST since 1991, so this is unreachable for real
        // dates; fall back to the fixed UTC+8 offset rather than panic.
        None => Utc.from_utc_datetime(&(local - TimeDelta::hours(8))),
    }
}

/// A slot is overdue when it has not been recorded and its deadline has passed
/// (a reading exactly at the deadline is on time).
pub fn is_overdue(
    date: NaiveDate,
    slot: Slot,
    recorded: bool,
    now: DateTime<Utc>,
    cfg: &SlotConfig,
) -> bool {
    !recorded && now > slot_deadline(date, slot, cfg)
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Symptom {
    /// 自觉发热.
    FeverFeeling,
    Cough,
    SoreThroat,
    Fatigue,
    /// 嗅（味）觉减退.
    LossOfSmellTaste,
    Diarrhoea,
    ShortnessOfBreath,
    Other,
}

impl Symptom {
    pub const ALL: [Symptom; 8] = [
        Symptom::FeverFeeling,
        Symptom::Cough,
        Symptom::SoreThroat,
        Symptom::Fatigue,
        Symptom::LossOfSmellTaste,
        Symptom::Diarrhoea,
        Symptom::ShortnessOfBreath,
        Symptom::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Symptom::FeverFeeling => "fever_feeling",
            Symptom::Cough => "cough",
            Symptom::SoreThroat => "sore_throat",
            Symptom::Fatigue => "fatigue",
            Symptom::LossOfSmellTaste => "loss_of_smell_taste",
            Symptom::Diarrhoea => "diarrhoea",
            Symptom::ShortnessOfBreath => "shortness_of_breath",
            Symptom::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<Symptom> {
        Symptom::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Locale key, e.g. "symptom.sore_throat".
    pub fn label_key(self) -> &'static str {
        match self {
            Symptom::FeverFeeling => "symptom.fever_feeling",
            Symptom::Cough => "symptom.cough",
            Symptom::SoreThroat => "symptom.sore_throat",
            Symptom::Fatigue => "symptom.fatigue",
            Symptom::LossOfSmellTaste => "symptom.loss_of_smell_taste",
            Symptom::Diarrhoea => "symptom.diarrhoea",
            Symptom::ShortnessOfBreath => "symptom.shortness_of_breath",
            Symptom::Other => "symptom.other",
        }
    }
}
stored_code!(Symptom);

/// Raw input: the temperature as typed and the ticked symptom names.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HealthCheckInput {
    #[serde(default)]
    pub temperature: String,
    #[serde(default)]
    pub symptoms: Vec<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHealthCheck {
    pub temperature: Tenths,
    /// Distinct, in [`Symptom::ALL`] order.
    pub symptoms: Vec<Symptom>,
    pub note: Option<String>,
}

/// The day a reading is for: blank is the current slot's day (`today`); otherwise a day of the
/// stay, from its check-in day (China Standard Time) to today.
pub fn reading_day(
    raw: &str,
    today: NaiveDate,
    checked_in_on: NaiveDate,
) -> Result<NaiveDate, Invalid> {
    if raw.trim().is_empty() {
        return Ok(today);
    }
    let d = crate::station::guest::parse_date(raw)?;
    if d > today {
        return Err(Invalid::FutureDate);
    }
    crate::validate::date::within(d, checked_in_on, today)
}

/// Validates a reading. Blank symptom entries are ignored and duplicates merged.
pub fn validate_health_check(i: &HealthCheckInput) -> Result<NewHealthCheck, DomainError> {
    let temperature = parse_temperature(&i.temperature).on("temperature")?;
    let mut symptoms = Vec::new();
    for raw in &i.symptoms {
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        let s = Symptom::parse(t).ok_or(Invalid::BadFormat { hint: "cough" }).on("symptoms")?;
        symptoms.push(s);
    }
    symptoms.sort();
    symptoms.dedup();
    let note = optional_text(&i.note, 200).on("note")?;
    Ok(NewHealthCheck { temperature, symptoms, note })
}

code_enum!(
    /// Why an alert is open for a guest: a reading (fever, symptoms or both) or a positive test.
    AlertReason, "alert.", [
        Fever => "fever",
        Symptoms => "symptoms",
        FeverAndSymptoms => "fever_and_symptoms",
        Positive => "positive",
    ]
);

impl AlertReason {
    /// How strong a signal it is: a positive test above everything, then a fever with symptoms,
    /// a fever, symptoms alone. A room with several open alerts shows the strongest.
    pub fn rank(self) -> u8 {
        match self {
            AlertReason::Positive => 4,
            AlertReason::FeverAndSymptoms => 3,
            AlertReason::Fever => 2,
            AlertReason::Symptoms => 1,
        }
    }

    /// The stronger of two.
    pub fn stronger(self, other: AlertReason) -> AlertReason {
        if other.rank() > self.rank() { other } else { self }
    }
}

/// What a stored reading signals (its temperature in tenths, its symptoms as stored codes): the
/// alert it raised, if any — so a fever shows as one wherever the reading is shown.
pub fn sign_of(tenths: i64, symptoms: &str) -> Option<AlertReason> {
    let symptoms: Vec<Symptom> = symptoms.split(',').filter_map(Symptom::parse).collect();
    raises_alert(Tenths(tenths), &symptoms)
}

/// ≥ 37.3 °C or any symptom raises an alert.
pub fn raises_alert(t: Tenths, symptoms: &[Symptom]) -> Option<AlertReason> {
    match (t.is_fever(), !symptoms.is_empty()) {
        (true, true) => Some(AlertReason::FeverAndSymptoms),
        (true, false) => Some(AlertReason::Fever),
        (false, true) => Some(AlertReason::Symptoms),
        (false, false) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }
    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn slot_boundaries_in_shanghai() {
        let c = SlotConfig::default();
        assert!(c.is_valid());
        let cases = [
            // 07:59 on the 11th in Shanghai.
            ("2021-01-10T23:59:00Z", day(2021, 1, 11), Slot::Am),
            // 23:59 on the 10th.
            ("2021-01-10T15:59:00Z", day(2021, 1, 10), Slot::Pm),
            // 00:00 on the 11th.
            ("2021-01-10T16:00:00Z", day(2021, 1, 11), Slot::Am),
            // 11:59:59 and 12:00 on the 11th.
            ("2021-01-11T03:59:59Z", day(2021, 1, 11), Slot::Am),
            ("2021-01-11T04:00:00Z", day(2021, 1, 11), Slot::Pm),
            // 19:00, after the PM deadline, still the PM slot.
            ("2021-01-11T11:00:00Z", day(2021, 1, 11), Slot::Pm),
        ];
        for (t, date, slot) in cases {
            assert_eq!(slot_at(at(t), &c), (date, slot), "{t}");
        }
    }

    #[test]
    fn deadlines_and_overdue() {
        let c = SlotConfig::default();
        let d = day(2021, 1, 11);
        assert_eq!(slot_deadline(d, Slot::Am, &c), at("2021-01-11T02:00:00Z"));
        assert_eq!(slot_deadline(d, Slot::Pm, &c), at("2021-01-11T10:00:00Z"));
        assert!(!is_overdue(d, Slot::Am, false, at("2021-01-11T02:00:00Z"), &c));
        assert!(is_overdue(d, Slot::Am, false, at("2021-01-11T02:00:01Z"), &c));
        assert!(!is_overdue(d, Slot::Am, true, at("2021-01-11T09:00:00Z"), &c));
        assert!(!is_overdue(d, Slot::Pm, false, at("2021-01-11T09:59:00Z"), &c));
        assert!(is_overdue(d, Slot::Pm, false, at("2021-01-11T10:01:00Z"), &c));
        // Yesterday's unrecorded slot stays overdue.
        assert!(is_overdue(day(2021, 1, 10), Slot::Pm, false, at("2021-01-11T01:00:00Z"), &c));
        let custom = SlotConfig { am_deadline: hm(9, 30), ..c };
        assert_eq!(slot_deadline(d, Slot::Am, &custom), at("2021-01-11T01:30:00Z"));
        let bad = SlotConfig { pm_opens: hm(19, 0), ..c };
        assert!(!bad.is_valid());
    }

    #[test]
    fn alert_rules() {
        assert_eq!(raises_alert(Tenths(372), &[]), None);
        assert_eq!(sign_of(382, ""), Some(AlertReason::Fever));
        assert_eq!(sign_of(365, ""), None);
        assert_eq!(sign_of(365, "cough"), Some(AlertReason::Symptoms));
        assert_eq!(sign_of(375, "cough,fatigue"), Some(AlertReason::FeverAndSymptoms));
        assert_eq!(raises_alert(Tenths(373), &[]), Some(AlertReason::Fever));
        assert_eq!(raises_alert(Tenths(372), &[]), None);
        assert_eq!(sign_of(382, ""), Some(AlertReason::Fever));
        assert_eq!(sign_of(365, ""), None);
        assert_eq!(sign_of(365, "cough"), Some(AlertReason::Symptoms));
        assert_eq!(sign_of(375, "cough,fatigue"), Some(AlertReason::FeverAndSymptoms));
        use AlertReason::*;
        assert_eq!(Fever.stronger(Positive), Positive);
        assert_eq!(Positive.stronger(FeverAndSymptoms), Positive);
        assert_eq!(Symptoms.stronger(Fever), Fever);
        assert_eq!(FeverAndSymptoms.stronger(Fever), FeverAndSymptoms);
        assert_eq!(raises_alert(Tenths(365), &[Symptom::Cough]), Some(AlertReason::Symptoms));
        assert_eq!(
            raises_alert(Tenths(385), &[Symptom::Other]),
            Some(AlertReason::FeverAndSymptoms)
        );
    }

    #[test]
    fn a_good_check_is_normalised() {
        let i = HealthCheckInput {
            temperature: " 36.6℃ ".into(),
            symptoms: vec!["sore_throat".into(), " cough ".into(), "".into(), "cough".into()],
            note: " ".into(),
        };
        let c = validate_health_check(&i).unwrap();
        assert_eq!(c.temperature, Tenths(366));
        assert_eq!(c.symptoms, vec![Symptom::Cough, Symptom::SoreThroat]);
        assert_eq!(c.note, None);
    }

    #[test]
    fn each_bad_field_is_named() {
        let good = || HealthCheckInput {
            temperature: "36.5".into(),
            symptoms: vec![],
            note: String::new(),
        };
        type Spoil = fn(&mut HealthCheckInput);
        let cases: [(&str, Spoil); 4] = [
            ("temperature", |i| i.temperature = "".into()),
            ("temperature", |i| i.temperature = "45".into()),
            ("symptoms", |i| i.symptoms = vec!["headache".into()]),
            ("note", |i| i.note = "x".repeat(201)),
        ];
        for (field, spoil) in cases {
            let mut i = good();
            spoil(&mut i);
            assert_eq!(validate_health_check(&i).unwrap_err().field(), Some(field));
        }
    }

    #[test]
    fn names_round_trip() {
        for s in Symptom::ALL {
            assert_eq!(Symptom::parse(s.as_str()), Some(s));
            assert_eq!(s.label_key(), format!("symptom.{}", s.as_str()));
        }
        for s in Slot::ALL {
            assert_eq!(Slot::parse(s.as_str()), Some(s));
            assert_eq!(s.label_key(), format!("slot.{}", s.as_str()));
        }
        for a in AlertReason::ALL {
            assert_eq!(AlertReason::parse(a.as_str()), Some(*a));
            assert_eq!(a.label_key(), format!("alert.{}", a.as_str()));
        }
    }

    #[test]
    fn a_reading_is_for_a_day_of_the_stay() {
        let (today, checked_in) = (day(2026, 3, 10), day(2026, 3, 1));
        assert_eq!(reading_day("", today, checked_in), Ok(today));
        assert_eq!(reading_day("2026-03-01", today, checked_in), Ok(checked_in));
        assert_eq!(reading_day(" 2026-03-10 ", today, checked_in), Ok(today));
        assert_eq!(
            reading_day("2026-02-28", today, checked_in),
            Err(Invalid::OutOfRange { min: "2026-03-01".into(), max: "2026-03-10".into() })
        );
        assert!(reading_day("0001-01-01", today, checked_in).is_err());
        assert_eq!(reading_day("9999-12-31", today, checked_in), Err(Invalid::FutureDate));
        assert_eq!(reading_day("2026-02-30", today, checked_in), Err(Invalid::BadDate));
    }
}
