//! Economic indicators (经济指标): monthly figures of the district's economy — above-scale
//! industrial added value (规上工业增加值), import/export totals (进出口总额) … — each month's
//! actual value against its target and against the same month of last year, the year to date,
//! and the month where year-on-year growth bottoms out and turns up (增速触底反弹).
//!
//! Amounts are kept as whole **hundredths** of the indicator's unit (亿元 × 100) in an `i64`:
//! the figures are published with two decimals, so hundredths hold every one exactly; sums
//! (year to date) and comparisons (target met?) stay exact where binary floating point would
//! drift (0.1 + 0.2); and an integer is a BIGINT on both SQLite and PostgreSQL, where a NUMERIC
//! or REAL column would decode differently on each.

use std::collections::HashMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, OnField};
use crate::validate::{Invalid, parse_choice};
use crate::work::worker_import::{Mapping, Problem, RowError, columns_of, map_columns, sheet_date};

code_enum!(
    /// The catalogue: what the command follows each month.
    Indicator, "indicator.", [
        IndustrialAddedValue => "industrial_added_value",
        ImportExport => "import_export",
        Exports => "exports",
        RetailSales => "retail_sales",
        FixedInvestment => "fixed_investment",
    ]
);

code_enum!(
    /// The unit a figure is given in.
    Unit, "indicator.unit.", [
        HundredMillionYuan => "hundred_million_yuan",
    ]
);

impl Indicator {
    pub fn unit(self) -> Unit {
        match self {
            Indicator::IndustrialAddedValue
            | Indicator::ImportExport
            | Indicator::Exports
            | Indicator::RetailSales
            | Indicator::FixedInvestment => Unit::HundredMillionYuan,
        }
    }

    /// The names a sheet may use (the first is the one our template uses), besides the code:
    /// `indicator.<code>` in the words file.
    pub fn sheet_names(self) -> &'static [&'static str] {
        crate::words::words(&format!("indicator.{}", self.as_str()))
    }

    /// An indicator by its code or one of its Chinese names.
    pub fn from_sheet(s: &str) -> Option<Indicator> {
        let s = s.trim();
        Indicator::parse(s)
            .or_else(|| Indicator::ALL.iter().copied().find(|i| i.sheet_names().contains(&s)))
    }
}

/// A calendar month, written `YYYY-MM`; ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    pub fn of(day: NaiveDate) -> Month {
        Month { year: day.year(), month: day.month() }
    }

    /// The same month a year earlier.
    pub fn last_year(self) -> Month {
        Month { year: self.year - 1, month: self.month }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The earliest year a figure may be for.
pub const FIRST_YEAR: i32 = 2000;
/// The largest amount: one million 亿元 (far above any district's figure), in hundredths.
pub const MAX_AMOUNT: i64 = 100_000_000;

const MONTH_HINT: &str = "2020-03";
const AMOUNT_HINT: &str = "1234.56";

/// `2020-03`, `2020-3`, `2020/03`, `2020.3`, `2020年3月`; full-width digits folded. Not before
/// [`FIRST_YEAR`], not after the month of `today`.
pub fn parse_month(s: &str, today: NaiveDate) -> Result<Month, Invalid> {
    let t: String = s.trim().chars().map(crate::validate::fold_fullwidth).collect();
    let t = t.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let bad = Invalid::BadFormat { hint: MONTH_HINT };
    let t = t.strip_suffix('月').unwrap_or(t);
    let (y, m) = t.split_once(['-', '/', '.', '年']).ok_or_else(|| bad.clone())?;
    if y.len() != 4
        || !(1..=2).contains(&m.len())
        || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad);
    }
    let year: i32 = y.parse().map_err(|_| bad.clone())?;
    let month = m.parse::<u32>().ok().and_then(|m| Month::new(year, m)).ok_or(Invalid::BadDate)?;
    if year < FIRST_YEAR {
        return Err(Invalid::OutOfRange {
            min: format!("{FIRST_YEAR}-01"),
            max: Month::of(today).to_string(),
        });
    }
    if month > Month::of(today) {
        return Err(Invalid::FutureDate);
    }
    Ok(month)
}

/// "1234.56" (亿元) → 123456 hundredths: not negative, at most two decimals, thousands
/// separators and full-width digits tolerated.
pub fn parse_amount(s: &str) -> Result<i64, Invalid> {
    let t: String =
        s.trim().chars().map(crate::validate::fold_fullwidth).filter(|c| *c != ',').collect();
    let t = t.trim();
    if t.is_empty() {
        return Err(Invalid::Empty);
    }
    let range = || Invalid::OutOfRange { min: "0".into(), max: format_amount(MAX_AMOUNT) };
    if t.starts_with('-') {
        return Err(range());
    }
    if let Some(c) = t.chars().find(|c| !(c.is_ascii_digit() || *c == '.')) {
        return Err(Invalid::BadChars { found: c });
    }
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || frac.contains('.') || (t.contains('.') && frac.is_empty()) {
        return Err(Invalid::BadFormat { hint: AMOUNT_HINT });
    }
    // Trailing zeros say nothing ("12.500" is 12.50); more significant decimals are a typo.
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return Err(Invalid::TooManyDecimals { max: 2 });
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > 7 {
        return Err(range());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| range())? };
    let cents: i64 = format!("{frac:0<2}").parse().map_err(|_| range())?;
    let v = whole * 100 + cents;
    if v > MAX_AMOUNT {
        return Err(range());
    }
    Ok(v)
}

/// 123456 → "1234.56".
pub fn format_amount(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let a = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// A share or growth in tenths of a percent (permille), e.g. -123 → "-12.3%".
pub fn format_permille(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{}%", a / 10, a % 10)
}

/// What a person typed in the form (or a sheet row holds).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FigureInput {
    #[serde(default)]
    pub indicator: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub value: String,
    /// Optional.
    #[serde(default)]
    pub target_value: String,
}

/// One month's figure of one indicator, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewFigure {
    pub indicator: Indicator,
    pub month: Month,
    /// Hundredths of the unit.
    pub value: i64,
    pub target: Option<i64>,
}

pub fn validate_figure(i: &FigureInput, today: NaiveDate) -> Result<NewFigure, DomainError> {
    let (indicator, month, value, target) = figure_fields(i, today);
    Ok(NewFigure { indicator: indicator?, month: month?, value: value?, target: target? })
}

type Checked<T> = Result<T, DomainError>;

/// Each field checked on its own, so an import can report every problem of a row.
fn figure_fields(
    i: &FigureInput,
    today: NaiveDate,
) -> (Checked<Indicator>, Checked<Month>, Checked<i64>, Checked<Option<i64>>) {
    (
        parse_choice(&i.indicator, Indicator::from_sheet, "industrial_added_value").on("indicator"),
        parse_month(&i.month, today).on("month"),
        parse_amount(&i.value).on("value"),
        if i.target_value.trim().is_empty() {
            Ok(None)
        } else {
            parse_amount(&i.target_value).map(Some).on("target_value")
        },
    )
}

/// The columns an import reads (field, header texts; the first is the template's):
/// `indicator.header.*` in the words file.
pub fn columns() -> Vec<(&'static str, &'static [&'static str])> {
    columns_of("indicator.header.", &["indicator", "month", "value", "target_value"])
}

/// Columns a sheet must have.
pub const REQUIRED: &[&str] = &["indicator", "month", "value"];

pub fn map_headers(headers: &[String]) -> Result<Mapping, Vec<&'static str>> {
    map_columns(&columns(), REQUIRED, headers)
}

/// A month as a sheet gives it: a date cell (Excel serial or "2020-03-01") is its month.
fn sheet_month(v: &str) -> String {
    let d = sheet_date(v);
    match d.rsplit_once('-') {
        Some((ym, _)) if d.matches('-').count() == 2 => ym.to_owned(),
        _ => v.to_owned(),
    }
}

/// Every row checked (blank rows skipped; row 1 is the header), every problem of every row
/// reported with its column; the same indicator and month twice in a file is refused on the
/// later row, naming the first.
pub fn check_rows(
    mapping: &Mapping,
    rows: &[Vec<String>],
    today: NaiveDate,
) -> (Vec<(usize, NewFigure)>, Vec<RowError>) {
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<(Indicator, Month), usize> = HashMap::new();
    for (n, cells) in rows.iter().enumerate() {
        let row = n + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let input = FigureInput {
            indicator: mapping.cell(cells, "indicator"),
            month: sheet_month(&mapping.cell(cells, "month")),
            value: mapping.cell(cells, "value"),
            target_value: mapping.cell(cells, "target_value"),
        };
        let mut problem = |e: DomainError| {
            errors.push(RowError {
                row,
                column: mapping.column(e.field().unwrap_or("value")),
                error: Problem::Field(e),
            })
        };
        let (indicator, month, value, target) = figure_fields(&input, today);
        let figure = match (indicator, month, value, target) {
            (Ok(indicator), Ok(month), Ok(value), Ok(target)) => {
                Some(NewFigure { indicator, month, value, target })
            }
            (i, m, v, t) => {
                for e in [i.err(), m.err(), v.err(), t.err()].into_iter().flatten() {
                    problem(e);
                }
                None
            }
        };
        let Some(f) = figure else { continue };
        if let Some(first) = seen.get(&(f.indicator, f.month)) {
            errors.push(RowError {
                row,
                column: mapping.column("month"),
                error: Problem::DuplicateInFile(*first),
            });
            continue;
        }
        seen.insert((f.indicator, f.month), row);
        good.push((row, f));
    }
    (good, errors)
}

/// A stored figure, as the derived rows read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    pub month: Month,
    pub value: i64,
    pub target: Option<i64>,
}

/// `value` as a share of `target`, in permille (rounded half away from zero); None without a
/// positive target.
pub fn pct_of_target(value: i64, target: Option<i64>) -> Option<i64> {
    target.filter(|t| *t > 0).map(|t| ratio_permille(value, t))
}

/// Growth of `value` over `base` in permille: None when there is no base (or it is zero).
pub fn growth(value: i64, base: Option<i64>) -> Option<i64> {
    base.filter(|b| *b > 0).map(|b| ratio_permille(value - b, b))
}

fn ratio_permille(num: i64, den: i64) -> i64 {
    let (n, d) = (i128::from(num) * 1000, i128::from(den));
    let q = (n.abs() * 2 + d) / (d * 2);
    let q = if n < 0 { -q } else { q };
    i64::try_from(q).unwrap_or(i64::MAX)
}

/// One month of the year table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    pub month: Month,
    pub value: Option<i64>,
    pub target: Option<i64>,
    /// Permille of the target reached.
    pub pct_of_target: Option<i64>,
    /// Value ≥ target (None without a target or a value).
    pub met: Option<bool>,
    /// The same month last year.
    pub last_year: Option<i64>,
    /// Year-on-year growth, permille.
    pub yoy: Option<i64>,
    /// January to this month, when every one of them has a value.
    pub ytd: Option<i64>,
    pub ytd_last_year: Option<i64>,
    pub ytd_yoy: Option<i64>,
    /// Year-on-year growth bottomed out here: it fell into this month and rises in the next.
    pub trough: bool,
}

/// Cumulative sums from January: None from the first month without a value on.
fn year_to_date(values: &[Option<i64>]) -> Vec<Option<i64>> {
    let mut acc = Some(0i64);
    values
        .iter()
        .map(|v| {
            acc = acc.zip(*v).map(|(a, v)| a + v);
            acc
        })
        .collect()
}

/// The twelve months of `year`, from the figures of that year and the one before (others are
/// ignored).
pub fn year_table(year: i32, figures: &[Figure]) -> Vec<MonthRow> {
    let by_month: HashMap<Month, &Figure> = figures.iter().map(|f| (f.month, f)).collect();
    let months: Vec<Month> = (1..=12).filter_map(|m| Month::new(year, m)).collect();
    let value = |m: Month| by_month.get(&m).map(|f| f.value);
    let this: Vec<Option<i64>> = months.iter().map(|m| value(*m)).collect();
    let last: Vec<Option<i64>> = months.iter().map(|m| value(m.last_year())).collect();
    let (ytd, ytd_last) = (year_to_date(&this), year_to_date(&last));
    let yoy: Vec<Option<i64>> =
        this.iter().zip(&last).map(|(v, l)| v.and_then(|v| growth(v, *l))).collect();
    let troughs = troughs(&yoy);
    months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let target = by_month.get(m).and_then(|f| f.target);
            MonthRow {
                month: *m,
                value: this[i],
                target,
                pct_of_target: this[i].and_then(|v| pct_of_target(v, target)),
                met: this[i].zip(target).map(|(v, t)| v >= t),
                last_year: last[i],
                yoy: yoy[i],
                ytd: ytd[i],
                ytd_last_year: ytd_last[i],
                ytd_yoy: ytd[i].and_then(|v| growth(v, ytd_last[i])),
                trough: troughs[i],
            }
        })
        .collect()
}

/// Where a growth series bottoms out and turns up (触底反弹): month `i` is a trough when the
/// growth fell into it (the nearest earlier different value is higher) and rises in month
/// `i + 1`. On a flat bottom the last month of it is marked, the one growth turns up from. A
/// missing month breaks the series: nothing is concluded across it.
pub fn troughs(series: &[Option<i64>]) -> Vec<bool> {
    let mut out = vec![false; series.len()];
    for i in 0..series.len().saturating_sub(1) {
        let (Some(v), Some(next)) = (series[i], series[i + 1]) else {
            continue;
        };
        if next <= v {
            continue;
        }
        let fell_into = series[..i]
            .iter()
            .rev()
            .map_while(|x| *x)
            .find(|x| *x != v)
            .is_some_and(|before| before > v);
        out[i] = fell_into;
    }
    out
}

#[cfg(test)]
mod tests;
