//! Health, backup and integrity checks.

use std::path::Path;

use crate::db::{ConnectOptions, Db, Result, q};
use crate::error::StoreError;

/// A round trip to the database, for `/healthz`.
pub async fn ping(db: &Db) -> Result<()> {
    let (_one,): (i64,) = db.fetch_one(q("SELECT CAST(1 AS BIGINT)")).await?;
    Ok(())
}

/// `PRAGMA integrity_check` on a SQLite database; `Ok(())` only when it answers "ok".
pub async fn sqlite_integrity_check(path: &Path) -> Result<()> {
    if !path.exists() {
        return Err(StoreError::Config(format!("{} does not exist", path.display())));
    }
    let db = Db::connect(&ConnectOptions {
        url: format!("sqlite:{}", path.display()),
        max_connections: 1,
    })
    .await?;
    let rows: Vec<(String,)> = db.fetch_all(q("PRAGMA integrity_check")).await?;
    db.close().await;
    match rows.as_slice() {
        [(ok,)] if ok == "ok" => Ok(()),
        _ => Err(StoreError::Other(format!(
            "integrity check of {} failed: {}",
            path.display(),
            rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>().join("; ")
        ))),
    }
}

/// Online backup of a SQLite database to `dest` (`VACUUM INTO`), then an integrity check of the copy.
pub async fn sqlite_backup(db: &Db, dest: &Path) -> Result<u64> {
    if !matches!(db, Db::Sqlite(_)) {
        return Err(StoreError::Config(
            "backup of PostgreSQL is pg_dump's job: pg_dump -Fc DATABASE_URL > FILE".into(),
        ));
    }
    if dest.exists() {
        return Err(StoreError::Config(format!(
            "{} already exists; choose a new file",
            dest.display()
        )));
    }
    db.execute(q("VACUUM INTO $1").bind(dest.display().to_string())).await?;
    sqlite_integrity_check(dest).await?;
    Ok(std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0))
}
