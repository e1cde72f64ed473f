//! Supplies (物资): items with a stock and a low-stock threshold, movements in and out, and the
//! meal log with special diets.

use crate::validate::date::happened_on;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{DomainError, OnField};
use crate::validate::{optional_text, parse_choice, parse_int, required_text};

code_enum!(
    /// What kind of supply an item is.
    Category, "supplies.category.", [
        Ppe => "ppe",
        Disinfectant => "disinfectant",
        Food => "food",
        Medicine => "medicine",
        Other => "other",
    ]
);

code_enum!(
    /// The three meals a day delivered to the rooms.
    Meal, "meals.meal.", [
        Breakfast => "breakfast",
        Lunch => "lunch",
        Dinner => "dinner",
    ]
);

code_enum!(
    /// A special diet a guest needs (特殊饮食).
    Diet, "meals.diet.", [
        Halal => "halal",
        Vegetarian => "vegetarian",
        Diabetic => "diabetic",
        Soft => "soft",
        Allergy => "allergy",
        Other => "other",
    ]
);

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ItemInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub low_threshold: String,
    #[serde(default)]
    pub stock: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub name: String,
    pub category: Category,
    pub unit: String,
    pub low_threshold: i64,
    pub stock: i64,
}

pub const MAX_QUANTITY: i64 = 10_000_000;

pub fn validate_item(i: &ItemInput) -> Result<NewItem, DomainError> {
    Ok(NewItem {
        name: required_text(&i.name, 40).on("name")?,
        category: parse_choice(&i.category, Category::parse, "ppe").on("supply_category")?,
        unit: required_text(&i.unit, 10).on("unit")?,
        low_threshold: parse_int(&i.low_threshold, 0, MAX_QUANTITY, "100").on("low_threshold")?,
        stock: if i.stock.trim().is_empty() {
            0
        } else {
            parse_int(&i.stock, 0, MAX_QUANTITY, "500").on("stock")?
        },
    })
}

/// A movement: `direction` is "in" (received) or "out" (issued).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MovementInput {
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMovement {
    /// Positive in, negative out.
    pub delta: i64,
    pub reason: Option<String>,
}

pub fn validate_movement(i: &MovementInput) -> Result<NewMovement, DomainError> {
    let sign = match i.direction.trim() {
        "in" => 1,
        "out" => -1,
        "" => return Err(crate::validate::Invalid::Empty).on("direction"),
        _ => return Err(crate::validate::Invalid::BadFormat { hint: "out" }).on("direction"),
    };
    Ok(NewMovement {
        delta: sign * parse_int(&i.quantity, 1, MAX_QUANTITY, "20").on("quantity")?,
        reason: optional_text(&i.reason, 100).on("reason")?,
    })
}

pub const KEY_INSUFFICIENT: &str = "error.stock_insufficient";
pub const RULE_KEYS: &[&str] = &[KEY_INSUFFICIENT];

/// The stock after a movement; never below zero (the database says so too).
pub fn apply(stock: i64, delta: i64) -> Result<i64, DomainError> {
    let after = stock.saturating_add(delta);
    if after < 0 {
        return Err(DomainError::Rule { field: Some("quantity"), key: KEY_INSUFFICIENT });
    }
    Ok(after)
}

/// At or below the threshold is low: the threshold is "reorder when only this much is left".
pub fn is_low(stock: i64, low_threshold: i64) -> bool {
    stock <= low_threshold
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MealInput {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub meal: String,
    #[serde(default)]
    pub portions: String,
    #[serde(default)]
    pub special: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeal {
    pub day: NaiveDate,
    pub meal: Meal,
    pub portions: i64,
    /// Of those, portions made for a special diet.
    pub special: i64,
    pub note: Option<String>,
}

pub fn validate_meal(i: &MealInput, today: NaiveDate) -> Result<NewMeal, DomainError> {
    let day =
        crate::station::guest::parse_date(&i.day).and_then(|d| happened_on(d, today)).on("day")?;
    let portions = parse_int(&i.portions, 0, 100_000, "150").on("portions")?;
    let special = if i.special.trim().is_empty() {
        0
    } else {
        parse_int(&i.special, 0, portions, "3").on("special")?
    };
    Ok(NewMeal {
        day,
        meal: parse_choice(&i.meal, Meal::parse, "lunch").on("meal")?,
        portions,
        special,
        note: optional_text(&i.note, 200).on("note")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_and_movements() {
        let good = ItemInput {
            name: "N95口罩".into(),
            category: "ppe".into(),
            unit: "个".into(),
            low_threshold: "200".into(),
            stock: "1000".into(),
        };
        let i = validate_item(&good).unwrap();
        assert_eq!((i.category, i.stock, i.low_threshold), (Category::Ppe, 1000, 200));
        for (bad, field) in [
            (ItemInput { name: String::new(), ..good.clone() }, "name"),
            (ItemInput { category: "toys".into(), ..good.clone() }, "supply_category"),
            (ItemInput { unit: String::new(), ..good.clone() }, "unit"),
            (ItemInput { low_threshold: "-1".into(), ..good.clone() }, "low_threshold"),
            (ItemInput { stock: "1.5".into(), ..good.clone() }, "stock"),
        ] {
            assert_eq!(validate_item(&bad).unwrap_err().field(), Some(field));
        }
        let out = validate_movement(&MovementInput {
            direction: "out".into(),
            quantity: "30".into(),
            reason: "发放".into(),
        })
        .unwrap();
        assert_eq!(out.delta, -30);
        let inn = validate_movement(&MovementInput {
            direction: "in".into(),
            quantity: "30".into(),
            reason: String::new(),
        })
        .unwrap();
        assert_eq!((inn.delta, inn.reason), (30, None));
        for (bad, field) in [
            (
                MovementInput {
                    direction: "sideways".into(),
                    quantity: "1".into(),
                    reason: String::new(),
                },
                "direction",
            ),
            (
                MovementInput {
                    direction: "out".into(),
                    quantity: "0".into(),
                    reason: String::new(),
                },
                "quantity",
            ),
        ] {
            assert_eq!(validate_movement(&bad).unwrap_err().field(), Some(field));
        }
    }

    #[test]
    fn stock_never_goes_below_zero_and_low_is_at_or_below_the_threshold() {
        assert_eq!(apply(10, -10), Ok(0));
        assert_eq!(apply(10, 5), Ok(15));
        assert_eq!(apply(10, -11).unwrap_err().field(), Some("quantity"));
        assert!(is_low(200, 200));
        assert!(is_low(0, 0));
        assert!(!is_low(201, 200));
    }

    #[test]
    fn meals() {
        let today = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let good = MealInput {
            day: "2026-01-02".into(),
            meal: "lunch".into(),
            portions: "150".into(),
            special: "4".into(),
            note: String::new(),
        };
        let m = validate_meal(&good, today).unwrap();
        assert_eq!((m.meal, m.portions, m.special), (Meal::Lunch, 150, 4));
        for (bad, field) in [
            (MealInput { day: "2026-01-03".into(), ..good.clone() }, "day"),
            (MealInput { meal: "tea".into(), ..good.clone() }, "meal"),
            (MealInput { portions: "x".into(), ..good.clone() }, "portions"),
            (MealInput { special: "151".into(), ..good.clone() }, "special"),
        ] {
            assert_eq!(validate_meal(&bad, today).unwrap_err().field(), Some(field));
        }
        assert_eq!(Diet::parse("halal"), Some(Diet::Halal));
        assert_eq!(Diet::Halal.label_key(), "meals.diet.halal");
    }
}
