//! Test databases: a fresh SQLite file or a fresh PostgreSQL database per test, dropped afterwards.
//!
//! PostgreSQL is found at `YIZHAN_TEST_PG` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! When it is unreachable the test fails: CI must never pass by skipping a backend.

use std::path::PathBuf;

use crate::db::{Backend, ConnectOptions, Db};

pub struct TestDb {
    pub db: Db,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(PathBuf),
    Postgres { admin_url: String, name: String },
}

fn admin_url() -> String {
    std::env::var("YIZHAN_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn unique_name() -> String {
    use rand::Rng;
    let n: u64 = rand::rng().random();
    format!("yizhan_test_{}_{n:016x}", std::process::id())
}

impl TestDb {
    /// A migrated, empty database on `backend`.
    pub async fn new(backend: Backend) -> TestDb {
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique_name());
                std::fs::create_dir_all(&dir).expect("create temp dir");
                let url = format!("sqlite:{}", dir.join("test.db").display());
                (url, Cleanup::SqliteDir(dir))
            }
            Backend::Postgres => {
                let admin = admin_url();
                let name = unique_name();
                let pool = sqlx::PgPool::connect(&admin).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL for tests is unreachable at {}: {e}. Start it (see README) or set YIZHAN_TEST_PG.",
                        crate::db::redact_url(&admin)
                    )
                });
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&pool)
                    .await
                    .expect("create test database");
                pool.close().await;
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
                (format!("{base}/{name}"), Cleanup::Postgres { admin_url: admin, name })
            }
        };
        let db = Db::connect(&ConnectOptions { url: url.clone(), max_connections: 8 })
            .await
            .expect("connect test database");
        crate::migrate::run(&db).await.expect("migrate test database");
        TestDb { db, url, cleanup }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                // Drop runs outside any async context we can await in: use a thread with its own runtime.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("runtime");
                    rt.block_on(async move {
                        if let Ok(pool) = sqlx::PgPool::connect(&admin_url).await {
                            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            )))
                            .execute(&pool)
                            .await;
                            pool.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Declares one async test per backend: `both_backends!(name, |db: TestDb| async move { … })`
/// expands to `name_sqlite` and `name_postgres`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::testing::TestDb::new($crate::Backend::Sqlite).await;
                ($body)(t).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::testing::TestDb::new($crate::Backend::Postgres).await;
                ($body)(t).await;
            }
        }
    };
}

/// Fails unless the district board's lines and 14-day trend read from the counters equal what
/// the records say (and again after a fold). Tests call it after writes that move a counter.
pub async fn assert_counters_agree(db: &Db) {
    use crate::station::counters;
    let today = yizhan_core::time::local_date(crate::db::now());
    let first = today - chrono::Duration::days(13);
    for _ in 0..2 {
        assert_eq!(
            counters::lines(db, today).await.unwrap(),
            counters::recount(db, today).await.unwrap(),
            "the counters against the records"
        );
        assert_eq!(
            counters::days(db, first).await.unwrap(),
            counters::recount_days(db, first).await.unwrap(),
            "check-ins and alerts per day against the records"
        );
        counters::fold(db).await.unwrap();
    }
}
