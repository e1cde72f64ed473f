//! Upgrading a SQLite database that already holds inspections, rectifications and photos to the
//! migration that rebuilds those tables (0017): every row and every link survives, and the
//! foreign keys and the file check clean (PostgreSQL alters the tables in place); the import
//! reports kept as one JSON text per run becoming a row per problem (0023); certificates'
//! computable check codes replaced by random ones (0026); and the inspecting street of the
//! inspections already planned (0027); and the outbox's channels rebuilt for e-mail and SMS under
//! the notifications that name them (0035), each on both backends.

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

/// A SQLite file migrated up to (not including) `version`, and the migrator with them all.
async fn sqlite_before(
    name: &str,
    version: i64,
) -> (std::path::PathBuf, sqlx::SqlitePool, sqlx::migrate::Migrator) {
    let dir = std::env::temp_dir().join(format!("yizhan-migrate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let opts = SqliteConnectOptions::new()
        .filename(dir.join("old.db"))
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(opts).await.unwrap();
    let all = sqlx::migrate!("./migrations/sqlite");
    before(&all, version).run(&pool).await.unwrap();
    (dir, pool, all)
}

/// The migrations before `version`.
fn before(all: &sqlx::migrate::Migrator, version: i64) -> sqlx::migrate::Migrator {
    sqlx::migrate::Migrator {
        migrations: all
            .migrations
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ignore_missing: all.ignore_missing,
        locking: all.locking,
        no_tx: all.no_tx,
        table_name: all.table_name.clone(),
        create_schemas: all.create_schemas.clone(),
    }
}

/// A PostgreSQL database of its own, migrated up to (not including) `version`.
struct FreshPg {
    server: sqlx::PgPool,
    name: String,
    url: String,
}

impl FreshPg {
    async fn before(tag: &str, version: i64) -> (FreshPg, sqlx::PgPool, sqlx::migrate::Migrator) {
        let admin = std::env::var("YIZHAN_TEST_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("yizhan_migrate_{tag}_{}", std::process::id());
        let server = sqlx::PgPool::connect(&admin)
            .await
            .expect("PostgreSQL for tests is unreachable (set YIZHAN_TEST_PG)");
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        let fresh = FreshPg { server, url: format!("{base}/{name}"), name };
        fresh.drop_query().await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{}\"", fresh.name)))
            .execute(&fresh.server)
            .await
            .unwrap();
        // One connection: session settings made by a test hold for its every statement.
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(&fresh.url)
            .await
            .unwrap();
        let all = sqlx::migrate!("./migrations/postgres");
        before(&all, version).run(&pool).await.unwrap();
        (fresh, pool, all)
    }

    async fn drop_query(&self) {
        let drop = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&self.server).await.unwrap();
    }

    async fn drop(self) {
        self.drop_query().await;
    }
}

#[tokio::test]
async fn the_inspection_rebuild_keeps_every_row_and_link() {
    // The database as the release before 0017 left it.
    let (dir, pool, all) = sqlite_before("0017", 17).await;
    for sql in [
        "INSERT INTO district (id, name, code) VALUES (1, '龙岗区', '440307')",
        "INSERT INTO streets (id, district_id, name) VALUES (1, 1, '吉华街道')",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let station = "INSERT INTO stations (id, street_id, name, address, kind, capacity, contact_name, contact_phone, active, created_at, updated_at)
                   VALUES (1, 1, '卓汇健康驿站', '吉华', 'hotel', 10, '陈', '13800138000', 1, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')";
    sqlx::query(station).execute(&pool).await.unwrap();
    // `?1` is the one timestamp every row was written at.
    let t = "2026-01-01T01:00:00.000000Z";
    for sql in [
        "INSERT INTO inspection_templates (id, name, version, created_by, created_at) VALUES (1, '检查表', 1, 'x', ?1)",
        "INSERT INTO inspection_items (id, template_id, position, topic, text, standard) VALUES (1, 1, 0, '消杀', '记录', ?1)",
        "INSERT INTO inspections (id, template_id, station_id, kind, planned_on, team, created_by, created_at, started_at) VALUES (5, 1, 1, 'unannounced', '2026-01-01', '督导组', 'x', ?1, ?1)",
        "INSERT INTO inspection_results (inspection_id, item_id, result, note, recorded_by, recorded_at) VALUES (5, 1, 'fail', '无记录', 'x', ?1)",
        "INSERT INTO rectifications (id, inspection_id, item_id, station_id, severity, finding, responsible, deadline, status, reply, submitted_by, created_by, created_at) VALUES (9, 5, 1, 1, 'major', '无记录', '卓汇', '2026-02-01', 'submitted', '已补', 'lead', 'x', ?1)",
        "INSERT INTO photos (id, inspection_id, rectification_id, width, height, bytes, sha256, uploaded_by, uploaded_at) VALUES (3, 5, 9, 1, 1, 1, '0', 'x', ?1)",
    ] {
        sqlx::query(sql).bind(t).execute(&pool).await.unwrap();
    }

    all.run(&pool).await.unwrap();

    let (kind, station, street, enterprise): (String, Option<i64>, Option<i64>, Option<i64>) =
        sqlx::query_as(
            "SELECT unit_kind, station_id, street_id, enterprise_id FROM inspections WHERE id = 5",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((kind.as_str(), station, street, enterprise), ("station", Some(1), None, None));
    let (status, reply, unit): (String, String, String) =
        sqlx::query_as("SELECT status, reply, unit_kind FROM rectifications WHERE id = 9")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), reply.as_str(), unit.as_str()), ("submitted", "已补", "station"));
    let (linked,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM photos p JOIN rectifications r ON r.id = p.rectification_id JOIN inspections i ON i.id = p.inspection_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(linked, 1);
    let broken: Vec<(String, i64, String, i64)> =
        sqlx::query_as("PRAGMA foreign_key_check").fetch_all(&pool).await.unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    let (ok,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
    assert_eq!(ok, "ok");
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys").fetch_one(&pool).await.unwrap();
    assert_eq!(fk, 1, "foreign keys are back on after the rebuild");
    // The new rule holds: a unit of one kind only.
    let bad = sqlx::query(
        "INSERT INTO inspections (template_id, unit_kind, station_id, street_id, kind, planned_on, team, created_by, created_at) VALUES (1, 'street', 1, 1, 'planned', '2026-01-02', 't', 'x', ?1)",
    )
    .bind(t)
    .execute(&pool)
    .await;
    assert!(bad.unwrap_err().to_string().contains("ck_inspections_unit"));
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The import report as the release before 0023 kept it (one JSON text per run) and what 0023
/// must make of it: a row per problem, the counts, the run done.
const OLD_REPORT: &str =
    r#"[[3,"手机号","手机号应为 11 位"],[3,"姓名","必填"],[5,"身份证号","该身份证号已登记。"]]"#;

async fn check_moved_report(url: &str) {
    let db = yizhan_store::Db::connect(&yizhan_store::ConnectOptions {
        url: url.into(),
        max_connections: 1,
    })
    .await
    .unwrap();
    let lines: Vec<(i64, String, String)> = yizhan_store::work::import_runs::problems(&db, 7, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.row_no, l.column_name, l.message))
        .collect();
    assert_eq!(
        lines,
        vec![
            (3, "手机号".into(), "手机号应为 11 位".into()),
            (3, "姓名".into(), "必填".into()),
            (5, "身份证号".into(), "该身份证号已登记。".into()),
        ]
    );
    let run = yizhan_store::work::import_runs::get(&db, 7).await.unwrap();
    assert_eq!(
        (run.status.as_str(), run.problems, run.rows_bad, run.permille),
        ("done", 3, 2, 1000)
    );
    db.close().await;
}

#[tokio::test]
async fn the_import_reports_move_to_a_row_per_problem_on_sqlite() {
    let (dir, pool, all) = sqlite_before("0023", 23).await;
    let t = "2026-01-01T01:00:00.000000Z";
    sqlx::query("INSERT INTO users (id, username, display_name, password_hash, created_at, updated_at) VALUES (1, 'jia', '甲', '-', ?1, ?1)")
        .bind(t)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO import_runs (id, kind, mode, file_name, rows_read, imported, report, user_id, created_at) VALUES (7, 'workers', 'all', 'a.xlsx', 6, 0, ?1, 1, ?2)")
        .bind(OLD_REPORT)
        .bind(t)
        .execute(&pool)
        .await
        .unwrap();
    all.run(&pool).await.unwrap();
    pool.close().await;
    check_moved_report(&format!("sqlite:{}", dir.join("old.db").display())).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_import_reports_move_to_a_row_per_problem_on_postgres() {
    let (fresh, pool, all) = FreshPg::before("0023", 23).await;
    sqlx::query("INSERT INTO users (id, username, display_name, password_hash, created_at, updated_at) VALUES (1, 'jia', '甲', '-', now(), now())")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO import_runs (id, kind, mode, file_name, rows_read, imported, report, user_id, created_at) VALUES (7, 'workers', 'all', 'a.xlsx', 6, 0, $1, 1, now())")
        .bind(OLD_REPORT)
        .execute(&pool)
        .await
        .unwrap();
    all.run(&pool).await.unwrap();
    pool.close().await;
    check_moved_report(&fresh.url).await;
    fresh.drop().await;
}

/// Certificates as the release before 0026 issued them: a code anyone could compute.
const OLD_CODES: [(i64, &str, &str); 2] =
    [(1, "S001-20210125-0001", "3f2a9c0d1e4b"), (2, "S001-20210125-0002", "9b1c7e2d4a60")];

/// What 0026 must make of them: 32 lowercase hex digits each, new and different.
fn check_new_codes(codes: Vec<(i64, String)>) {
    assert_eq!(codes.len(), 2);
    for ((id, code), (old_id, _, old)) in codes.iter().zip(OLD_CODES) {
        assert_eq!(*id, old_id);
        assert_eq!(code.len(), 32, "{code}");
        assert!(code.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(!code.starts_with(old));
    }
    assert_ne!(codes[0].1, codes[1].1);
}

#[tokio::test]
async fn old_certificate_codes_are_replaced_by_random_ones_on_sqlite() {
    let (dir, pool, all) = sqlite_before("0026", 26).await;
    // Only the certificates matter here: their stays are not needed to prove the codes move.
    sqlx::query("PRAGMA foreign_keys = OFF").execute(&pool).await.unwrap();
    for (id, number, code) in OLD_CODES {
        sqlx::query("INSERT INTO certificates (id, stay_id, number, code, issued_at, issued_by) VALUES (?1, ?1, ?2, ?3, '2021-01-25T02:00:00.000000Z', 'lead')")
            .bind(id)
            .bind(number)
            .bind(code)
            .execute(&pool)
            .await
            .unwrap();
    }
    all.run(&pool).await.unwrap();
    let codes: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM certificates ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    check_new_codes(codes);
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn old_certificate_codes_are_replaced_by_random_ones_on_postgres() {
    let (fresh, pool, all) = FreshPg::before("0026", 26).await;
    // Foreign-key triggers off for this session: the certificates' stays are not needed here.
    sqlx::query("SET session_replication_role = replica").execute(&pool).await.unwrap();
    for (id, number, code) in OLD_CODES {
        sqlx::query("INSERT INTO certificates (id, stay_id, number, code, issued_at, issued_by) VALUES ($1, $1, $2, $3, now(), 'lead')")
            .bind(id)
            .bind(number)
            .bind(code)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query("SET session_replication_role = DEFAULT").execute(&pool).await.unwrap();
    all.run(&pool).await.unwrap();
    let codes: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM certificates ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    check_new_codes(codes);
    pool.close().await;
    fresh.drop().await;
}

/// Inspections planned before 0027, by whom, and the inspecting street 0027 must find: a
/// street's commander → that street; the district's inspector, someone holding both, an
/// account since deleted, a street's commander inspecting outside the street → the district.
fn inspections_before_0027(t: &str) -> Vec<String> {
    let mut sql = vec![
        "INSERT INTO district (id, name, code) VALUES (1, '龙岗区', '440307')".to_owned(),
        "INSERT INTO streets (id, district_id, name) VALUES (1, 1, '吉华街道'), (2, 1, '平湖街道')".to_owned(),
        format!("INSERT INTO stations (id, street_id, name, address, kind, capacity, contact_name, contact_phone, active, created_at, updated_at)
                 VALUES (1, 1, '卓汇健康驿站', '吉华', 'hotel', 10, '陈', '13800138000', TRUE, {t}, {t})"),
        format!("INSERT INTO users (id, username, display_name, password_hash, created_at, updated_at)
                 VALUES (1, 'jiedao', '街道', '-', {t}, {t}), (2, 'ducha', '督导', '-', {t}, {t}), (3, 'both', '兼', '-', {t}, {t})"),
        "INSERT INTO user_roles (user_id, role, scope_kind, scope_id) VALUES (1, 'commander', 'street', 1), (2, 'inspector', 'district', NULL), (3, 'commander', 'street', 1), (3, 'inspector', 'district', NULL)".to_owned(),
        format!("INSERT INTO inspection_templates (id, name, version, created_by, created_at) VALUES (1, '检查表', 1, 'x', {t})"),
    ];
    for (id, unit, by) in [
        (1, "station", "jiedao"),
        (2, "station", "ducha"),
        (3, "station", "both"),
        (4, "station", "gone"),
        (5, "street2", "jiedao"),
    ] {
        let (kind, station, street) = match unit {
            "station" => ("station", "1", "NULL"),
            _ => ("street", "NULL", "2"),
        };
        sql.push(format!(
            "INSERT INTO inspections (id, template_id, unit_kind, station_id, street_id, kind, planned_on, team, created_by, created_at)
             VALUES ({id}, 1, '{kind}', {station}, {street}, 'unannounced', '2026-01-01', '组', '{by}', {t})"
        ));
    }
    sql
}

const INSPECTORS_AFTER_0027: [(i64, Option<i64>); 5] =
    [(1, Some(1)), (2, None), (3, None), (4, None), (5, None)];

#[tokio::test]
async fn planned_inspections_get_their_inspecting_street_on_sqlite() {
    let (dir, pool, all) = sqlite_before("0027", 27).await;
    for sql in inspections_before_0027("'2026-01-01T01:00:00.000000Z'") {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
    }
    all.run(&pool).await.unwrap();
    let got: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, inspector_street_id FROM inspections ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(got, INSPECTORS_AFTER_0027);
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn planned_inspections_get_their_inspecting_street_on_postgres() {
    let (fresh, pool, all) = FreshPg::before("0027", 27).await;
    for sql in inspections_before_0027("now()") {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
    }
    all.run(&pool).await.unwrap();
    let got: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, inspector_street_id FROM inspections ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(got, INSPECTORS_AFTER_0027);
    pool.close().await;
    fresh.drop().await;
}

/// Two channels and three notifications before 0035 (one sent, one waiting, one given up).
fn outbox_before_0035(t: &str) -> Vec<String> {
    vec![
        format!("INSERT INTO notification_channels (id, name, kind, min_severity, per_minute, url_sealed, url_hint, secret_sealed, active, created_by, created_at)
                 VALUES (4, '医疗组群', 'wecom', 'danger', 20, 'v1:aa', 'qyapi …1234', NULL, TRUE, 'admin', {t}),
                        (9, '钉钉群', 'dingtalk', 'warning', 5, 'v1:bb', 'oapi …abcd', 'v1:cc', FALSE, 'admin', {t})"),
        format!("INSERT INTO notifications (id, channel_id, source, source_id, event, severity, facts, status, attempts, next_at, created_at, sent_at, last_error)
                 VALUES (11, 4, 'alert', 1, 'raised', 'danger', '{{}}', 'sent', 1, {t}, {t}, {t}, NULL),
                        (12, 9, 'alert', 1, 'raised', 'danger', '{{}}', 'pending', 2, {t}, {t}, NULL, 'HTTP 500'),
                        (13, 4, 'supply', 2, 'low', 'warning', '{{\"item\":\"口罩\"}}', 'failed', 8, {t}, {t}, NULL, 'gone')"),
    ]
}

type OutboxRow = (i64, i64, String, String, i64, Option<String>, Option<i64>);

fn check_outbox_after_0035(rows: Vec<OutboxRow>, channels: Vec<(i64, String, bool, String)>) {
    assert_eq!(
        rows.iter().map(|r| (r.0, r.1, r.3.as_str(), r.4)).collect::<Vec<_>>(),
        [(11, 4, "sent", 1), (12, 9, "pending", 2), (13, 4, "failed", 8)]
    );
    assert_eq!(rows[1].5.as_deref(), Some("HTTP 500"));
    assert_eq!(rows[2].2, r#"{"item":"口罩"}"#);
    assert!(rows.iter().all(|r| r.6.is_none()), "no digest yet");
    assert_eq!(
        channels,
        [
            (4, "wecom".to_owned(), true, String::new()),
            (9, "dingtalk".to_owned(), false, String::new())
        ]
    );
}

const OUTBOX_ROWS: &str = "SELECT id, channel_id, facts, status, attempts, last_error, digest_id FROM notifications ORDER BY id";
const CHANNEL_ROWS: &str =
    "SELECT id, kind, active, recipients FROM notification_channels ORDER BY id";
const MAIL_CHANNEL: &str = "INSERT INTO notification_channels (name, kind, min_severity, url_sealed, url_hint, recipients, sender, active, created_by, created_at)
    VALUES ('值班邮箱', 'email', 'danger', 'v1:dd', 'smtp …587', 'a@b.cn', 'y@b.cn', TRUE, 'admin', CURRENT_TIMESTAMP)";

#[tokio::test]
async fn the_outbox_keeps_every_row_as_its_channels_learn_mail_and_sms_on_sqlite() {
    let (dir, pool, all) = sqlite_before("0035", 35).await;
    for sql in outbox_before_0035("'2026-12-01T01:00:00.000000Z'") {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
    }
    all.run(&pool).await.unwrap();
    let rows = sqlx::query_as(OUTBOX_ROWS).fetch_all(&pool).await.unwrap();
    let channels = sqlx::query_as(CHANNEL_ROWS).fetch_all(&pool).await.unwrap();
    check_outbox_after_0035(rows, channels);
    let broken: Vec<(String, i64, String, i64)> =
        sqlx::query_as("PRAGMA foreign_key_check").fetch_all(&pool).await.unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    sqlx::query(MAIL_CHANNEL).execute(&pool).await.unwrap();
    // The outbox still names only channels that exist.
    let orphan = sqlx::query("INSERT INTO notifications (channel_id, source, source_id, event, severity, facts, next_at, created_at) VALUES (999, 'alert', 5, 'raised', 'danger', '{}', 'x', 'x')")
        .execute(&pool)
        .await;
    assert!(orphan.is_err(), "the foreign key survived the rebuild");
    pool.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_outbox_keeps_every_row_as_its_channels_learn_mail_and_sms_on_postgres() {
    let (fresh, pool, all) = FreshPg::before("0035", 35).await;
    for sql in outbox_before_0035("now()") {
        sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await.unwrap();
    }
    all.run(&pool).await.unwrap();
    let rows = sqlx::query_as(OUTBOX_ROWS).fetch_all(&pool).await.unwrap();
    let channels = sqlx::query_as(CHANNEL_ROWS).fetch_all(&pool).await.unwrap();
    check_outbox_after_0035(rows, channels);
    sqlx::query(MAIL_CHANNEL).execute(&pool).await.unwrap();
    pool.close().await;
    fresh.drop().await;
}
