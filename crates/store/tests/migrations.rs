//! Upgrading a SQLite database that already holds inspections, rectifications and photos to the
//! migration that rebuilds those tables (0017): every row and every link survives, and the
//! foreign keys and the file check clean. (PostgreSQL alters the tables in place.)

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

#[tokio::test]
async fn the_inspection_rebuild_keeps_every_row_and_link() {
    let dir = std::env::temp_dir().join(format!("yizhan-migrate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let opts = SqliteConnectOptions::new()
        .filename(dir.join("old.db"))
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .unwrap();
    let all = sqlx::migrate!("./migrations/sqlite");
    // The database as the release before 0017 left it.
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = all
        .migrations
        .iter()
        .filter(|m| m.version < 17)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();
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
    assert_eq!(
        (kind.as_str(), station, street, enterprise),
        ("station", Some(1), None, None)
    );
    let (status, reply, unit): (String, String, String) =
        sqlx::query_as("SELECT status, reply, unit_kind FROM rectifications WHERE id = 9")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), reply.as_str(), unit.as_str()),
        ("submitted", "已补", "station")
    );
    let (linked,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM photos p JOIN rectifications r ON r.id = p.rectification_id JOIN inspections i ON i.id = p.inspection_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(linked, 1);
    let broken: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    let (ok,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(ok, "ok");
    let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(&pool)
        .await
        .unwrap();
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
