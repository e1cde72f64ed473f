//! Fuzzing of the domain validators that take what a person typed into a form (guests, workers,
//! enterprises, transports, relief, difficulties, indicators, inspections …): every field of every
//! form filled with hostile or plausible text. None may panic, and a refusal names a field the
//! form has (so the page can show it next to that field).
//!
//! The forms are filled through serde: a probe deserializer reads each input type's field names,
//! then a map of generated strings is deserialized into it, so a field added to a form is fuzzed
//! without touching this file.

mod fuzz_support;

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{DeserializeOwned, Deserializer, Error as _, IntoDeserializer, Visitor};
use yizhan_core::care::{counselling, disinfection, incident, plans, relatives, staff, supplies};
use yizhan_core::command::{directive, inspection, notice, rectification, task_group};
use yizhan_core::error::DomainError;
use yizhan_core::station::{guest, health, quarantine, room, stations as station, stay};
use yizhan_core::work::{difficulty, enterprise, indicator, relief, returning_worker, transport};

use fuzz_support::{config, nasty, today};

/// Finds the field names of a struct by asking it to deserialize from a probe.
struct Probe<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(Error::custom("not a struct"))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Error> {
        *self.0 = fields;
        Err(Error::custom("probed"))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// One typed value: a string, `Some(string)` for an optional field, and a list split on `|`
/// for a repeated one (symptoms, recipients).
struct Cell(String);

impl<'de> IntoDeserializer<'de, Error> for Cell {
    type Deserializer = Cell;
    fn into_deserializer(self) -> Cell {
        self
    }
}

impl<'de> Deserializer<'de> for Cell {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_string(self.0)
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_some(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let items: Vec<Cell> = self.0.split('|').map(|s| Cell(s.to_owned())).collect();
        v.visit_seq(SeqDeserializer::new(items.into_iter()))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A form of type `T` with `values` in its fields (cycled).
fn fill<T: DeserializeOwned>(values: &[String]) -> T {
    let fields = fields_of::<T>();
    assert!(!fields.is_empty(), "{} has no fields", std::any::type_name::<T>());
    let pairs =
        fields.iter().zip(values.iter().cycle()).map(|(f, v)| (f.to_string(), Cell(v.clone())));
    T::deserialize(MapDeserializer::<_, Error>::new(pairs)).expect("every field fills")
}

/// A refusal must name one of the form's fields (or none), or one of `extra`: the label keys
/// some forms name a field by.
fn names_a_field<T: DeserializeOwned, R>(r: Result<R, DomainError>, extra: &[&str]) {
    if let Err(e) = r
        && let Some(f) = e.field()
    {
        let fields = fields_of::<T>();
        assert!(
            fields.contains(&f) || extra.contains(&f),
            "{}: error on “{f}”, not a field of {fields:?}: {e:?}",
            std::any::type_name::<T>()
        );
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 3, 15, 4, 0, 0).unwrap()
}

/// What a form field gets: hostile text, or something plausible (numbers, dates, date-times,
/// codes, valid identifiers) so the checks after the first are reached too.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => nasty(),
        2 => "-?[0-9]{1,4}",
        1 => "20(19|20|21)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9])",
        1 => "2020-03-1[0-5]( |T)[0-2][0-9]:[0-5][0-9]",
        2 => prop::sample::select(vec![
            "11010519491231002X", "91350100M000100Y43", "13800138000", "京A12345", "36.5",
            "1234.56", "2020-03", "true", "on", "approve", "reject", "train", "bus", "own",
            "registered", "arrived", "at_work", "id_card", "passport", "negative", "positive",
            "pass", "fail", "ready", "in", "out", "daily", "street:1", "station:1", "male",
            "female", "云南", "industrial_added_value", "fixed", "done", "open",
        ].into_iter().map(String::from).collect::<Vec<_>>()),
    ]
}

fn values() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(value(), 1..40)
}

/// Fills form type `$t` from the generated values, runs `$check` on it, and checks the field a
/// refusal names (`$extra`: names that are not struct fields but are shown on the form).
macro_rules! forms {
    ($v:expr; $($t:ty => $check:expr $(, extra $extra:expr)?;)+) => {
        $(
            let input: $t = fill(&$v);
            #[allow(clippy::redundant_closure_call)]
            let r = ($check)(&input);
            names_a_field::<$t, _>(r, &[$($extra)?]);
        )+
    };
}

fn all_forms(v: &[String]) {
    let (day, at) = (today(), now());
    forms! { v;
        guest::GuestInput => |i| guest::validate_guest(i, day);
        guest::RelativeInput => guest::validate_relative;
        returning_worker::WorkerInput => |i| returning_worker::validate_worker(i, day);
        enterprise::EnterpriseInput => |i| enterprise::validate_enterprise(i, day);
        transport::TransportInput => |i| transport::validate_transport(i, at);
        relief::ReliefInput => relief::validate_relief;
        difficulty::TicketInput => difficulty::validate_ticket;
        indicator::FigureInput => |i| indicator::validate_figure(i, day);
        inspection::TemplateInput => inspection::validate_template;
        inspection::InspectionInput => |i| inspection::validate_inspection(i, day);
        inspection::ResultInput => inspection::validate_result;
        notice::NoticeInput => |i| notice::validate_notice(i, day);
        health::HealthCheckInput => health::validate_health_check;
        // Named by its label key, as "category" is the guest's.
        supplies::ItemInput => supplies::validate_item, extra "supply_category";
        supplies::MovementInput => supplies::validate_movement;
        supplies::MealInput => |i| supplies::validate_meal(i, day);
        relatives::ContactInput => relatives::validate_contact;
        relatives::DeliveryInput => relatives::validate_delivery;
        counselling::SessionInput => |i| counselling::validate_session(i, at);
        stay::CheckOutInput => stay::validate_check_out;
        stay::CheckInInput => stay::validate_check_in;
        plans::PlanInput => plans::validate_plan;
        plans::DrillInput => |i| plans::validate_drill(i, day);
        task_group::GroupInput => task_group::validate_group;
        task_group::TaskInput => |i| task_group::validate_task(i, day);
        task_group::StatusInput => task_group::validate_status;
        quarantine::PolicyInput => |i| quarantine::validate_policy(i, day);
        station::StationInput => station::validate_station;
        incident::IncidentInput => |i| incident::validate_incident(i, at);
        incident::ComplaintInput => incident::validate_complaint;
        rectification::OrderInput => |i| rectification::validate_order(i, day);
        rectification::ReplyInput => rectification::validate_submission;
        rectification::ReplyInput => rectification::validate_verdict;
        staff::GroupInput => staff::validate_group;
        staff::StaffInput => |i| staff::validate_staff(i, day);
        disinfection::AreaInput => disinfection::validate_area;
        disinfection::RecordInput => |i| disinfection::validate_record(i, at);
        disinfection::WasteInput => |i| disinfection::validate_waste(i, day);
        room::RoomInput => room::validate_room;
        room::BulkRoomsInput => room::validate_bulk;
    }
    for from in room::RoomState::ALL.iter().copied() {
        let input: room::StateChangeInput = fill(v);
        let r = room::validate_state_change(&input, from, v.len() as i64 % 4);
        names_a_field::<room::StateChangeInput, _>(r, &[]);
    }
    let pairs: Vec<(String, String)> = ["title", "kind", "body", "deadline", "recipient"]
        .iter()
        .cycle()
        .zip(v.iter().chain(v))
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let input = directive::DirectiveInput::from_pairs(pairs);
    if let Err(e) = directive::validate_directive(&input, day) {
        let f = e.field().unwrap_or("title");
        assert!(
            ["title", "kind", "body", "deadline", "recipient", "recipients"].contains(&f),
            "{e:?}"
        );
    }
    let _ = relief::validate_decision(&v[0], v.last().unwrap());
    let _ = relief::validate_decision("approve", &v[0]);
    let _ = relief::validate_decision("reject", &v[0]);
}

#[test]
fn every_form_has_fields_and_a_blank_one_is_refused_without_panicking() {
    all_forms(&[String::new()]);
    for s in fuzz_support::corpus() {
        all_forms(&[s]);
    }
}

proptest! {
    #![proptest_config(config("proptest-regressions/fuzz_forms.txt"))]

    #[test]
    fn any_form_is_answered_naming_one_of_its_fields(v in values()) {
        all_forms(&v);
    }
}
