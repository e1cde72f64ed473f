//! Migrations, one directory per dialect.

use crate::db::{Db, Result};

pub async fn run(db: &Db) -> Result<()> {
    match db {
        Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(&p.pool).await?,
        Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(&p.pool).await?,
    }
    // Reference data every station needs from the first minute.
    crate::station::policies::ensure_seeded(db).await
}
