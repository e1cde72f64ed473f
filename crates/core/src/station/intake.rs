//! Intake (入住预排): the list of people a port or the district sends ahead of their arrival, read
//! from a sheet with the headers such lists carry (姓名, 证件类型, 证件号码, 人员类别, 同行编号,
//! 预计到达日期, 来源口岸 …), every row checked with the rules of the guest registration form.
//! Allocating them to stations is [`crate::station::allocation`].

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::error::DomainError;
use crate::station::guest::{GuestCategory, GuestInput, NewGuest, parse_date, validate_guest};
use crate::validate::{DocType, Invalid, optional_text};
use crate::words;
use crate::work::worker_import::{Checked, Mapping, Problem, RowError, columns_of, map_columns};

code_enum!(
    /// Where a planned arrival stands: on the list, given a station by the command, checked in
    /// there, or taken off the list.
    ArrivalState, "arrival.state.", [
        Planned => "planned",
        Allocated => "allocated",
        Arrived => "arrived",
        Cancelled => "cancelled",
    ]
);

/// The fields an arrivals sheet can fill, in the template's order.
const FIELDS: &[&str] = &[
    "name",
    "doc_type",
    "doc_number",
    "sex",
    "birth_date",
    "phone",
    "region",
    "category",
    "party",
    "expected_on",
    "port",
    "policy",
    "employer",
    "plate_cn",
    "plate_hk",
];

/// Columns a sheet must have.
pub const REQUIRED: &[&str] =
    &["name", "doc_type", "doc_number", "phone", "region", "category", "expected_on"];

pub const PARTY_MAX: usize = 40;
pub const PORT_MAX: usize = 60;

/// How far ahead a list may plan an arrival.
pub const AHEAD_DAYS: i64 = 60;

/// The fields with the header texts that name each (`arrival.header.*` in the words file).
pub fn columns() -> Vec<(&'static str, &'static [&'static str])> {
    columns_of("arrival.header.", FIELDS)
}

pub fn map_headers(headers: &[String]) -> Result<Mapping, Vec<&'static str>> {
    map_columns(&columns(), REQUIRED, headers)
}

/// The quarantine policy a category comes under unless the list names one.
pub fn default_policy(category: GuestCategory) -> &'static str {
    if category == GuestCategory::CrossBorderDriver { "driver" } else { "14+7" }
}

/// A person on the list, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArrival {
    pub guest: NewGuest,
    /// 同行编号: people who travel together (a family) and are housed together.
    pub party: Option<String>,
    pub expected_on: NaiveDate,
    /// 来源口岸 (or the office that sent the list).
    pub port: String,
    pub policy_code: String,
}

/// A cell's word for a code: 身份证 → id_card, 密切接触者 → close_contact; a code passes as is.
fn code_of(prefix: &str, codes: &[&'static str], v: &str) -> String {
    let v = v.trim();
    codes
        .iter()
        .find(|c| **c == v || words::is(&format!("{prefix}{c}"), v))
        .map(|c| (*c).to_owned())
        .unwrap_or_else(|| v.to_owned())
}

/// Checks an arrivals sheet row by row, remembering the documents and parties seen.
pub struct Checker {
    mapping: Mapping,
    today: NaiveDate,
    /// Codes of the policies in force.
    policies: HashSet<String>,
    /// A document (type, number) to the row it was first seen on.
    seen: HashMap<(DocType, String), usize>,
    /// A party to its expected day and the row that set it.
    parties: HashMap<String, (NaiveDate, usize)>,
}

impl Checker {
    pub fn new(mapping: Mapping, policies: HashSet<String>, today: NaiveDate) -> Checker {
        Checker { mapping, today, policies, seen: HashMap::new(), parties: HashMap::new() }
    }

    pub fn column_of(&self, field: &str) -> String {
        self.mapping.column(field)
    }

    /// The row's document number as stored (upper case, without spaces), to look up in bulk.
    pub fn doc_number(&self, cells: &[String]) -> Option<String> {
        let n: String = self
            .mapping
            .cell(cells, "doc_number")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        (!n.is_empty()).then_some(n)
    }

    /// Checks one data row (`row`: its number in the sheet, 1 = the header). `planned` holds the
    /// (document number, day) pairs already on the list and not taken off it.
    pub fn check(
        &mut self,
        row: usize,
        cells: &[String],
        planned: &HashSet<(String, NaiveDate)>,
    ) -> Checked<NewArrival> {
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Checked::Blank;
        }
        let get = |field: &str| self.mapping.cell(cells, field);
        let opt = |field: &str| Some(get(field)).filter(|v| !v.is_empty());
        let category = code_of(
            "arrival.category.",
            &GuestCategory::ALL.map(GuestCategory::as_str),
            &get("category"),
        );
        let input = GuestInput {
            doc_type: code_of(
                "arrival.doc_type.",
                &DocType::ALL.map(DocType::as_str),
                &get("doc_type"),
            ),
            doc_number: get("doc_number"),
            name: get("name"),
            sex: opt("sex").map(|s| code_of("arrival.sex.", &["male", "female"], &s)),
            birth_date: opt("birth_date").map(|d| crate::work::worker_import::sheet_date(&d)),
            phone: get("phone"),
            region: get("region"),
            category,
            employer: opt("employer"),
            plate_cn: opt("plate_cn"),
            plate_hk: opt("plate_hk"),
            ..GuestInput::default()
        };
        let mut problems: Vec<RowError> = Vec::new();
        let mut push = |field: &str, error: Problem| {
            problems.push(RowError { row, column: self.mapping.column(field), error })
        };
        let guest = validate_guest(&input, self.today);
        if let Err(e) = &guest {
            for one in e.each() {
                push(one.field().unwrap_or("name"), Problem::Field(one.clone()));
            }
        }
        let expected_on =
            match parse_date(&crate::work::worker_import::sheet_date(&get("expected_on"))) {
                Ok(d) if d < self.today => {
                    push("expected_on", rule("expected_on", "error.arrival_past"));
                    None
                }
                Ok(d) if (d - self.today).num_days() > AHEAD_DAYS => {
                    let e = Invalid::OutOfRange {
                        min: self.today.to_string(),
                        max: (self.today + chrono::Duration::days(AHEAD_DAYS)).to_string(),
                    };
                    push(
                        "expected_on",
                        Problem::Field(DomainError::Invalid { field: "expected_on", error: e }),
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(e) => {
                    push(
                        "expected_on",
                        Problem::Field(DomainError::Invalid { field: "expected_on", error: e }),
                    );
                    None
                }
            };
        let party = match optional_text(&get("party"), PARTY_MAX) {
            Ok(p) => p,
            Err(e) => {
                push("party", Problem::Field(DomainError::Invalid { field: "party", error: e }));
                None
            }
        };
        let port = match optional_text(&get("port"), PORT_MAX) {
            Ok(p) => p.unwrap_or_default(),
            Err(e) => {
                push("port", Problem::Field(DomainError::Invalid { field: "port", error: e }));
                String::new()
            }
        };
        let policy_code = match (opt("policy"), &guest) {
            (Some(p), _) if self.policies.contains(&p) => Some(p),
            (Some(_), _) => {
                push("policy", rule("policy", "error.policy_unknown"));
                None
            }
            (None, Ok(g)) => Some(default_policy(g.category).to_owned()),
            (None, Err(_)) => None,
        };
        // Travelling together means arriving together.
        if let (Some(p), Some(day)) = (&party, expected_on) {
            match self.parties.get(p) {
                Some((first_day, first_row)) if *first_day != day => {
                    let e = DomainError::Rule { field: Some("party"), key: "error.party_days" };
                    push("party", Problem::Field(e));
                    push("expected_on", Problem::DuplicateInFile(*first_row));
                }
                _ => {}
            }
        }
        if let (Ok(g), Some(day)) = (&guest, expected_on) {
            let doc = (g.doc_type, g.doc_number.clone());
            if let Some(first) = self.seen.get(&doc) {
                push("doc_number", Problem::DuplicateInFile(*first));
            } else if planned.contains(&(g.doc_number.clone(), day)) {
                push("doc_number", rule("doc_number", "error.arrival_planned"));
            }
        }
        match (guest, expected_on, policy_code) {
            (Ok(guest), Some(expected_on), Some(policy_code)) if problems.is_empty() => {
                self.seen.insert((guest.doc_type, guest.doc_number.clone()), row);
                if let Some(p) = &party {
                    self.parties.entry(p.clone()).or_insert((expected_on, row));
                }
                Checked::Good(NewArrival { guest, party, expected_on, port, policy_code })
            }
            _ => Checked::Bad(problems),
        }
    }
}

fn rule(field: &'static str, key: &'static str) -> Problem {
    Problem::Field(DomainError::Rule { field: Some(field), key })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    const HEADERS: &[&str] = &[
        "姓名",
        "证件类型",
        "证件号码",
        "手机号",
        "户籍地",
        "人员类别",
        "同行编号",
        "预计到达日期",
        "来源口岸",
        "工作单位",
        "内地车牌",
        "性别",
        "出生日期",
    ];

    fn checker() -> Checker {
        let m = map_headers(&s(HEADERS)).unwrap();
        let policies: HashSet<String> = ["14+7".into(), "driver".into()].into();
        Checker::new(m, policies, "2026-12-06".parse().unwrap())
    }

    fn id(body: &str) -> String {
        crate::validate::with_check_digit(body).unwrap()
    }

    #[test]
    fn a_sheet_without_its_required_columns_names_them() {
        assert_eq!(
            map_headers(&s(&["姓名", "证件号码"])).unwrap_err(),
            vec!["证件类型", "手机号", "户籍地", "人员类别", "预计到达日期"]
        );
    }

    #[test]
    fn words_of_the_sheet_become_codes_and_the_policy_follows_the_category() {
        let mut c = checker();
        let row = s(&[
            "陈大文",
            "护照",
            "E12345678",
            "+852 91234567",
            "香港",
            "跨境货车司机",
            "",
            "2026/12/8",
            "皇岗口岸",
            "某某物流",
            "粤Z1234港",
            "男",
            "1980-05-01",
        ]);
        let Checked::Good(a) = c.check(2, &row, &HashSet::new()) else {
            panic!("{:?}", c.check(3, &row, &HashSet::new()));
        };
        assert_eq!(a.guest.doc_type, DocType::Passport);
        assert_eq!(a.guest.category, GuestCategory::CrossBorderDriver);
        assert_eq!(a.policy_code, "driver");
        assert_eq!(a.expected_on.to_string(), "2026-12-08");
        assert_eq!(a.port, "皇岗口岸");
        let id_row = s(&[
            "李春花",
            "身份证",
            &id("11010519900101001"),
            "13800138000",
            "云南",
            "密接",
            "F1",
            "2026-12-07",
            "",
            "",
            "",
        ]);
        let Checked::Good(b) = c.check(3, &id_row, &HashSet::new()) else { panic!() };
        assert_eq!(b.guest.category, GuestCategory::CloseContact);
        assert_eq!(b.policy_code, "14+7");
        assert_eq!(b.party.as_deref(), Some("F1"));
    }

    #[test]
    fn every_problem_of_a_row_is_named_by_its_column() {
        let mut c = checker();
        let row = s(&[
            "",
            "身份证",
            "11010519900101",
            "1380013",
            "",
            "游客",
            "",
            "2026-12-05",
            "",
            "",
            "",
        ]);
        let Checked::Bad(errors) = c.check(2, &row, &HashSet::new()) else { panic!() };
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            vec!["证件号码", "姓名", "手机号", "户籍地", "人员类别", "预计到达日期"]
        );
        let late = s(&[
            "王五",
            "身份证",
            &id("11010519900101002"),
            "13800138000",
            "四川",
            "入境人员",
            "",
            "2027-03-01",
            "",
            "",
            "",
        ]);
        let Checked::Bad(errors) = c.check(3, &late, &HashSet::new()) else { panic!() };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].column, "预计到达日期");
    }

    #[test]
    fn a_person_twice_in_the_file_or_already_on_the_list_is_refused() {
        let mut c = checker();
        let number = id("11010519900101003");
        let row = |day: &str| {
            s(&["赵六", "身份证", &number, "13800138000", "湖南", "入境人员", "", day, "", "", ""])
        };
        assert!(matches!(c.check(2, &row("2026-12-07"), &HashSet::new()), Checked::Good(_)));
        let Checked::Bad(e) = c.check(3, &row("2026-12-07"), &HashSet::new()) else { panic!() };
        assert_eq!(e[0].error, Problem::DuplicateInFile(2));
        let mut fresh = checker();
        let planned: HashSet<(String, NaiveDate)> =
            [(number.clone(), "2026-12-09".parse().unwrap())].into();
        let Checked::Bad(e) = fresh.check(2, &row("2026-12-09"), &planned) else { panic!() };
        assert_eq!(e[0].error, rule("doc_number", "error.arrival_planned"));
        assert!(matches!(fresh.check(3, &row("2026-12-10"), &planned), Checked::Good(_)));
    }

    #[test]
    fn a_party_arrives_on_one_day() {
        let mut c = checker();
        let row = |n: &str, day: &str| {
            s(&["钱七", "身份证", &id(n), "13800138000", "湖北", "入境人员", "F9", day, "", "", ""])
        };
        assert!(matches!(
            c.check(2, &row("11010519900101004", "2026-12-07"), &HashSet::new()),
            Checked::Good(_)
        ));
        let Checked::Bad(e) = c.check(3, &row("11010519900101005", "2026-12-08"), &HashSet::new())
        else {
            panic!()
        };
        assert_eq!(e[0].column, "同行编号");
        assert_eq!(e[1].error, Problem::DuplicateInFile(2));
    }

    #[test]
    fn an_unknown_policy_is_refused() {
        let mut c = Checker::new(
            map_headers(&s(&[
                "姓名",
                "证件类型",
                "证件号码",
                "手机号",
                "户籍地",
                "人员类别",
                "预计到达日期",
                "隔离政策",
            ]))
            .unwrap(),
            ["14+7".to_owned()].into(),
            "2026-12-06".parse().unwrap(),
        );
        let row = s(&[
            "孙八",
            "身份证",
            &id("11010519900101006"),
            "13800138000",
            "广东",
            "入境人员",
            "2026-12-06",
            "21+7",
        ]);
        let Checked::Bad(e) = c.check(2, &row, &HashSet::new()) else { panic!() };
        assert_eq!(e[0].column, "隔离政策");
    }
}
