//! Every string comes from the locale files: both locales have the same keys, and every key that a
//! template or the code asks for exists.

use std::collections::BTreeSet;
use std::path::Path;

use yizhan_web::i18n::{EN_SOURCE, ZH_SOURCE, parse_catalog};

/// Every file below `dir`, with its text.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            let text = std::fs::read_to_string(&p).unwrap();
            out.push((p, text));
        }
    }
    out
}

fn keys(src: &str) -> BTreeSet<String> {
    parse_catalog(src).into_keys().collect()
}

/// String literals passed to `t("…")`, `f("…"`, `Text::new("…")` or `tr.t(&format!("prefix.{…}"))`
/// prefixes.
fn used_keys(dir: &Path, out: &mut BTreeSet<String>) {
    let markers = ["t(\"", "f(\"", "key: \"", "title: \"", "\"nav.", "label: \"", "Text::new(\""];
    used_keys_after(dir, &markers, out);
}

fn used_keys_after(dir: &Path, markers: &[&str], out: &mut BTreeSet<String>) {
    for (_, text) in files_under(dir) {
        for &marker in markers {
            let mut rest = text.as_str();
            while let Some(i) = rest.find(marker) {
                rest = &rest[i + marker.len()..];
                let start = if marker == "\"nav." { "nav." } else { "" };
                let end = rest.find('"').unwrap_or(0);
                let k = format!("{start}{}", &rest[..end]);
                if k.contains('.')
                    && !k.starts_with('/')
                    && !k.contains(' ')
                    && !k.contains('{')
                    && !k.ends_with('.')
                {
                    out.insert(k);
                }
            }
        }
    }
}

/// What core says of a bad value reads, in both languages, as it did when core wrote the words
/// itself: every problem has its words, with its details filled in.
#[test]
fn a_bad_value_is_said_in_both_languages() {
    use yizhan_core::validate::Invalid;
    use yizhan_web::i18n::{Lang, Tr};
    let (zh, en) = (Tr::new(Lang::Zh), Tr::new(Lang::En));
    let all = [
        Invalid::Empty,
        Invalid::TooLong { max: 5 },
        Invalid::TooShort { min: 5 },
        Invalid::BadLength { expected: 18 },
        Invalid::BadChars { found: 'q' },
        Invalid::BadFormat { hint: "A123456(3)" },
        Invalid::BadChecksum { expected: 'X' },
        Invalid::BadDate,
        Invalid::FutureDate,
        Invalid::BadRegion,
        Invalid::OutOfRange { min: "34.0".into(), max: "43.0".into() },
        Invalid::TooManyDecimals { max: 1 },
        Invalid::TooManyDecimals { max: 2 },
    ];
    for e in &all {
        for tr in [zh, en] {
            let said = tr.text(&e.text());
            assert!(
                !said.is_empty() && !said.contains('{') && !said.contains("invalid."),
                "{said}"
            );
        }
    }
    let said = |tr: Tr, e: Invalid| tr.text(&e.text());
    assert_eq!(said(zh, Invalid::TooLong { max: 20 }), "不能超过 20 个字符");
    assert_eq!(
        said(zh, Invalid::BadChecksum { expected: 'X' }),
        "校验位错误，按前面各位计算应为 X，请核对整个号码"
    );
    assert_eq!(
        said(en, Invalid::OutOfRange { min: "34.0".into(), max: "43.0".into() }),
        "must be between 34.0 and 43.0"
    );
    assert_eq!(said(en, Invalid::TooManyDecimals { max: 1 }), "at most 1 decimal place allowed");
    assert_eq!(said(en, Invalid::TooManyDecimals { max: 2 }), "at most 2 decimal places allowed");
    assert!(said(zh, Invalid::BadFormat { hint: "H12345678" }).contains("H12345678"));
    assert!(said(en, Invalid::BadChars { found: '\u{7}' }).ends_with("U+0007"));
    assert!(said(zh, Invalid::BadChars { found: '#' }).ends_with("“#”"));
    // A message inside a message, and a list, each the language's way.
    let row = yizhan_core::text::Text::new("sampling.barcode_invalid")
        .with_text("problem", Invalid::BadChars { found: '\0' }.text());
    assert_eq!(zh.text(&row), "条码：包含不允许的字符：U+0000");
    assert_eq!(en.text(&row), "barcode: contains a character that is not allowed: U+0000");
    let cols = yizhan_core::text::Text::new("import.missing_columns")
        .with_list("columns", vec!["姓名".into(), "身份证号".into()]);
    assert_eq!(zh.text(&cols), "缺少必需的列：姓名、身份证号");
    assert_eq!(en.text(&cols), "Required columns missing: 姓名, 身份证号");
}

#[test]
fn no_key_is_defined_twice() {
    for (name, src) in [("zh-CN", ZH_SOURCE), ("en", EN_SOURCE)] {
        let mut seen = BTreeSet::new();
        for line in src.lines().filter(|l| !l.trim_start().starts_with('#')) {
            if let Some((k, _)) = line.split_once(" = ") {
                assert!(seen.insert(k.trim()), "{name}: {} is defined twice", k.trim());
            }
        }
    }
}

#[test]
fn both_locales_have_the_same_keys() {
    let zh = keys(ZH_SOURCE);
    let en = keys(EN_SOURCE);
    let only_zh: Vec<_> = zh.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&zh).collect();
    assert!(only_zh.is_empty(), "missing in en.ftl: {only_zh:?}");
    assert!(only_en.is_empty(), "missing in zh-CN.ftl: {only_en:?}");
    assert!(zh.len() > 100, "catalog parsed: {}", zh.len());
}

#[test]
fn every_key_used_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    used_keys(&root.join("templates"), &mut used);
    used_keys(&root.join("src"), &mut used);
    // Core and the store speak through keys too (rules, validators, import reports).
    let markers = ["Text::new(\"", "key: \""];
    used_keys_after(&root.join("../core/src"), &markers, &mut used);
    used_keys_after(&root.join("../store/src"), &markers, &mut used);
    // The console's lines.
    used_keys_after(&root.join("../yizhan/src"), &["both(\"", "zh(\""], &mut used);
    let zh = keys(ZH_SOURCE);
    let missing: Vec<_> = used.iter().filter(|k| !zh.contains(*k)).collect();
    assert!(missing.is_empty(), "keys used but not in the locale files: {missing:?}");
    assert!(used.len() > 40, "scan found {} keys", used.len());
}

/// Keys built at run time from enums: every variant has its label.
#[test]
fn generated_keys_exist() {
    let zh = keys(ZH_SOURCE);
    for r in yizhan_core::access::Role::ALL {
        assert!(zh.contains(&format!("role.{}", r.as_str())), "{r:?}");
    }
    for s in yizhan_core::station::room::RoomState::ALL {
        assert!(zh.contains(s.label_key()), "{s:?}");
    }
    for k in yizhan_core::station::room::Cause::ALL {
        assert!(zh.contains(k.label_key()), "{k:?}");
    }
    for k in [
        yizhan_core::station::room::RoomKind::Single,
        yizhan_core::station::room::RoomKind::Family,
        yizhan_core::station::room::RoomKind::BarrierFree,
    ] {
        assert!(zh.contains(k.label_key()), "{k:?}");
    }
    for k in yizhan_core::station::room::RULE_KEYS {
        assert!(zh.contains(*k), "{k}");
    }
    for c in yizhan_core::station::guest::GuestCategory::ALL {
        assert!(zh.contains(&format!("guest.category.{}", c.as_str())), "{c:?}");
    }
    for d in yizhan_core::validate::DocType::ALL {
        assert!(zh.contains(&format!("guest.doc.{}", d.as_str())), "{d:?}");
    }
    for o in yizhan_core::station::stay::Outcome::ALL {
        assert!(zh.contains(&format!("outcome.{}", o.as_str())), "{o:?}");
    }
    for k in yizhan_core::station::release::BLOCKER_KEYS {
        assert!(zh.contains(*k), "{k}");
    }
    for s in yizhan_core::station::health::Symptom::ALL {
        assert!(zh.contains(s.label_key()), "{s:?}");
    }
    for a in yizhan_core::station::health::AlertReason::ALL {
        assert!(zh.contains(a.label_key()), "{a:?}");
    }
    assert!(zh.contains("alert.positive"));
    for r in ["positive", "fever_escalated"] {
        assert!(zh.contains(&format!("case.reason.{r}")), "{r}");
    }
    for m in yizhan_core::station::exposure_measure::Measure::ALL {
        assert!(zh.contains(m.label_key()), "{m:?}");
    }
    for r in yizhan_core::station::exposure::Reason::ALL {
        assert!(zh.contains(r.label_key()), "{r:?}");
    }
    for i in yizhan_core::work::indicator::Indicator::ALL {
        assert!(zh.contains(i.label_key()), "{i:?}");
        assert!(zh.contains(i.unit().label_key()), "{i:?}");
    }
    for r in yizhan_core::station::attention::Reason::ALL {
        assert!(zh.contains(r.label_key()), "{r:?}");
    }
    for s in yizhan_core::work::resumption::Step::ALL {
        assert!(zh.contains(s.label_key()), "{s:?}");
    }
    for d in yizhan_core::work::resumption::Decision::ALL {
        assert!(zh.contains(d.label_key()), "{d:?}");
    }
    for k in yizhan_core::work::resumption::RULE_KEYS {
        assert!(zh.contains(*k), "{k}");
    }
    for f in ["plan", "reason", "decision", "resumption"] {
        assert!(zh.contains(&format!("field.{f}")), "field.{f}");
    }
    for k in ["slot.am", "slot.pm"] {
        assert!(zh.contains(k), "{k}");
    }
    for k in yizhan_core::station::stations::StationKind::ALL {
        assert!(zh.contains(&format!("station.kind.{}", k.as_str())), "{k:?}");
    }
    for f in [
        "street_id",
        "name",
        "address",
        "kind",
        "capacity",
        "contact_name",
        "contact_phone",
        "active",
        "username",
        "display_name",
        "role",
        "scope",
        "password",
        "current",
        "new",
        "repeat",
    ] {
        assert!(zh.contains(&format!("field.{f}")), "field.{f}");
    }
}

#[test]
fn staff_and_care_keys_exist() {
    use yizhan_core::{care::counselling, care::incident, care::roster, care::staff};
    let zh = keys(ZH_SOURCE);
    let mut want: Vec<&str> = Vec::new();
    want.extend(staff::PostRisk::ALL.map(|v| v.label_key()));
    want.extend(staff::LoopStatus::ALL.map(|v| v.label_key()));
    want.extend(roster::Pattern::ALL.map(|v| v.label_key()));
    want.extend(counselling::Risk::ALL.map(|v| v.label_key()));
    want.extend(incident::IncidentKind::ALL.map(|v| v.label_key()));
    want.extend(incident::ComplaintSource::ALL.map(|v| v.label_key()));
    want.extend(incident::ComplaintStatus::ALL.map(|v| v.label_key()));
    want.extend(staff::RULE_KEYS);
    want.extend(incident::RULE_KEYS);
    want.extend(yizhan_core::care::disinfection::AreaKind::ALL.map(|v| v.label_key()));
    want.extend(yizhan_core::care::disinfection::RULE_KEYS);
    use yizhan_core::care::supplies::{Category, Diet, Meal};
    want.extend(Category::ALL.iter().map(|v| v.label_key()));
    want.extend(Meal::ALL.iter().map(|v| v.label_key()));
    want.extend(Diet::ALL.iter().map(|v| v.label_key()));
    want.extend(yizhan_core::care::supplies::RULE_KEYS);
    use yizhan_core::care::relatives::{Channel, DeliveryStatus, Direction};
    want.extend(Channel::ALL.iter().map(|v| v.label_key()));
    want.extend(Direction::ALL.iter().map(|v| v.label_key()));
    want.extend(DeliveryStatus::ALL.iter().map(|v| v.label_key()));
    want.extend(yizhan_core::care::relatives::RULE_KEYS);
    want.extend(yizhan_core::care::plans::PlanKind::ALL.iter().map(|v| v.label_key()));
    use yizhan_core::care::staff::TestState;
    want.extend(
        [
            TestState::NotDue,
            TestState::Done,
            TestState::Missed,
            TestState::Pending,
            TestState::Overdue,
        ]
        .map(|s| s.label_key()),
    );
    for k in want {
        assert!(zh.contains(k), "{k}");
    }
    // Every field a staff-and-care validator can name has a label.
    for f in [
        "name",
        "phone",
        "group_id",
        "post",
        "organisation",
        "post_risk",
        "loop_status",
        "loop_start",
        "loop_end",
        "monitor_until",
        "pattern",
        "min_per_shift",
        "duties",
        "held_at",
        "minutes",
        "risk",
        "notes",
        "kind",
        "occurred_at",
        "place",
        "description",
        "injured",
        "action_taken",
        "source",
        "complainant",
        "topic",
        "detail",
        "stay_id",
        "status",
        "resolution",
        "note",
        "target",
        "agent",
        "concentration",
        "operator",
        "done_at",
        "verifier",
        "every_hours",
        "bags",
        "weight_kg",
        "contractor",
        "handed_by",
        "received_by",
        "day",
        "days",
        "shift",
        "out",
        "in",
        "items",
        "staff_id",
        "supply_category",
        "unit",
        "stock",
        "low_threshold",
        "direction",
        "quantity",
        "reason",
        "meal",
        "portions",
        "special",
        "diet",
        "relative_name",
        "channel",
        "contact_outcome",
        "sender",
        "item",
        "title",
        "steps",
        "held_on",
        "participants",
        "gaps",
        "result",
        "station_id",
        "team",
        "planned_on",
        "template_id",
        "item_id",
    ] {
        assert!(zh.contains(&format!("field.{f}")), "field.{f}");
    }
}

#[test]
fn openapi_documents_every_api_route() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let t = yizhan_store::testing::TestDb::new(yizhan_store::Backend::Sqlite).await;
        let (_, routes) = yizhan_web::build(t.db.clone(), Default::default());
        let doc = yizhan_web::api::openapi::document(&routes);
        for r in routes.iter().filter(|r| r.path.starts_with("/api/v1/")) {
            assert!(
                yizhan_web::api::openapi::describe(r.method, r.path).is_some(),
                "undocumented API route {} {}",
                r.method,
                r.path
            );
            assert!(
                doc["paths"][r.path][r.method.to_lowercase()].is_object(),
                "{} {}",
                r.method,
                r.path
            );
        }
        assert_eq!(doc["openapi"], "3.1.0");
    });
}

/// Field names an error can carry (`.on("…")`, `field: "…"`, `field: Some("…")`) in the domain
/// and the web layer: each has its `field.…` label, so no raw key (`field.worker_id`) reaches a
/// person.
#[test]
fn every_field_an_error_names_has_a_label() {
    fn scan(dir: &Path, out: &mut BTreeSet<String>) {
        for (_, text) in files_under(dir) {
            for marker in [".on(\"", "field: \"", "field: Some(\"", "field: Some(\"", "field(\""] {
                let mut rest = text.as_str();
                while let Some(i) = rest.find(marker) {
                    rest = &rest[i + marker.len()..];
                    let end = rest.find('"').unwrap_or(0);
                    let f = &rest[..end];
                    if !f.is_empty() && f.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                        out.insert(f.to_owned());
                    }
                }
            }
        }
    }
    let web = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut fields = BTreeSet::new();
    scan(&web.join("src"), &mut fields);
    scan(&web.join("../core/src"), &mut fields);
    scan(&web.join("../store/src"), &mut fields);
    let zh = keys(ZH_SOURCE);
    let missing: Vec<_> = fields.iter().filter(|f| !zh.contains(&format!("field.{f}"))).collect();
    assert!(missing.is_empty(), "fields without a label: {missing:?}");
    assert!(fields.len() > 80, "scan found {} fields", fields.len());
}

/// No Rust source outside tests, demo data and benchmarks holds a Chinese string literal: what
/// Yizhan says is in the locale files (`locales/*.ftl`), what it reads and seeds in Chinese
/// (province names, plate prefixes, sheet headers, seeded names) in `core/src/words.txt`.
#[test]
fn no_chinese_literals_outside_the_locale_files() {
    fn is_cjk(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
    }
    /// A line with a string literal holding a Chinese character (a `//` comment is not one).
    fn has_cjk_literal(line: &str) -> bool {
        let code = match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        let mut in_str = false;
        let mut prev = ' ';
        for c in code.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if in_str && is_cjk(c) {
                return true;
            }
            prev = c;
        }
        false
    }
    fn scan(root: &Path, dir: &Path, out: &mut Vec<(String, usize)>) {
        for (p, text) in files_under(dir) {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            // Tests, demo data and benchmarks may speak Chinese.
            let skip = ["tests.rs", "tests_ops.rs", "props.rs", "fuzz.rs"].contains(&name.as_str())
                || name.starts_with("demo")
                || name.starts_with("bench");
            if skip || !name.ends_with(".rs") {
                continue;
            }
            // A file's unit tests come last, after `#[cfg(test)]`.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let n = code.lines().filter(|l| has_cjk_literal(l)).count();
            if n > 0 {
                out.push((p.strip_prefix(root).unwrap().to_string_lossy().into_owned(), n));
            }
        }
    }
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    for c in ["core", "store", "web", "yizhan"] {
        scan(&crates, &crates.join(c).join("src"), &mut found);
    }
    found.sort();
    assert!(
        found.is_empty(),
        "Chinese text in code (lines per file): {found:?}; put what Yizhan says in \
         locales/*.ftl and use a key, what it reads or seeds in core/src/words.txt"
    );
    // The scan sees code: a literal on purpose in a scanned file is found.
    assert!(has_cjk_literal(r#"let x = "姓名";"#) && !has_cjk_literal("// 姓名"));
}

/// No template says anything in Chinese or with full-width punctuation of its own: the words are
/// in the locale files, so the English pages are English throughout (the exceptions: the brand
/// mark 驿, the logo, and 中文 on the button that switches to Chinese).
#[test]
fn templates_say_nothing_outside_the_locale_files() {
    fn wide(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    }
    /// The template's own text: what is left once expressions, tags and comments are cut out.
    fn literal(src: &str) -> String {
        let mut out = String::new();
        let mut rest = src;
        while let Some(i) = rest.find(['{']) {
            out.push_str(&rest[..i]);
            let close = match rest[i..].chars().nth(1) {
                Some('{') => "}}",
                Some('%') => "%}",
                Some('#') => "#}",
                _ => {
                    out.push('{');
                    rest = &rest[i + 1..];
                    continue;
                }
            };
            rest = match rest[i..].find(close) {
                Some(j) => &rest[i + j + 2..],
                None => "",
            };
        }
        out.push_str(rest);
        out
    }
    assert_eq!(literal("a{{ x }}b{% if y %}c{# z #}d{e"), "abcd{e");
    let mut found = Vec::new();
    for (p, text) in files_under(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")) {
        let own = literal(&text).replace("brand-mark\">驿<", "").replace(">中文<", "");
        let wide: String = own.chars().filter(|c| wide(*c)).collect();
        if !wide.is_empty() {
            found.push(format!("{}: {wide}", p.display()));
        }
    }
    assert!(found.is_empty(), "Chinese or full-width text in templates:\n{}", found.join("\n"));
}

/// Every icon a template or the navigation names is in the sprite (a missing one shows nothing).
#[test]
fn every_icon_named_is_in_the_sprite() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sprite = std::fs::read_to_string(web.join("assets/vendor/icons.svg")).unwrap();
    let mut named: BTreeSet<String> = BTreeSet::new();
    for (_, text) in files_under(&web.join("templates")) {
        for part in text.split("icons.svg#").skip(1) {
            let name: String =
                part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            if !name.is_empty() {
                named.insert(name);
            }
        }
    }
    // The navigation's areas name their icons after themselves.
    for key in parse_catalog(ZH_SOURCE).into_keys() {
        if let Some(area) = key.strip_prefix("nav.group.") {
            named.insert(area.to_owned());
        }
    }
    assert!(named.len() >= 8, "{named:?}");
    let missing: Vec<_> =
        named.iter().filter(|n| !sprite.contains(&format!("<symbol id=\"{n}\""))).collect();
    assert!(missing.is_empty(), "icons missing from assets/vendor/icons.svg: {missing:?}");
}
