//! One query path for both backends.
//!
//! Queries are written once in portable SQL with `$1..$n` placeholders (SQLite accepts them too,
//! sqlx binds them by number) and run on either native pool. We avoid `sqlx::Any`: it cannot
//! decode booleans, timestamps or NUMERIC (see docs/architecture.md).

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, FromRow, Postgres, SqlSafeStr, SqlStr, Sqlite};
use tokio::sync::Notify;

use crate::error::StoreError;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Which SQL dialect a pool speaks; used only where the two genuinely differ (locks, DDL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool to either backend.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgDb),
}

/// A SQLite pool for reads, a connection of its own for writes, and the writers' queue. SQLite has
/// one write lock; a writer that finds it taken sleeps in SQLite's busy handler, whose naps grow,
/// so under a burst the unlucky wait hundreds of milliseconds while the lock sits free (check-in
/// p99 340 ms against a p50 of 4 ms). Writers of this process queue here first, in order; other
/// processes still meet the busy timeout. The writer's connection is never lent to a reader: when
/// writers took theirs from the readers' pool, a writer holding the queue waited for a connection
/// behind hundreds of page reads, and under a city's load every write timed out at 10 s (issue 21).
#[derive(Debug, Clone)]
pub struct SqliteDb {
    pub pool: SqlitePool,
    writer: crate::writer::Writer,
    commits: Arc<Notify>,
}

/// A PostgreSQL pool, and the readers to wake at its commits.
#[derive(Debug, Clone)]
pub struct PgDb {
    pub pool: PgPool,
    commits: Arc<Notify>,
}

impl std::ops::Deref for PgDb {
    type Target = PgPool;
    fn deref(&self) -> &PgPool {
        &self.pool
    }
}

impl std::ops::Deref for SqliteDb {
    type Target = SqlitePool;
    fn deref(&self) -> &SqlitePool {
        &self.pool
    }
}

/// A row type that decodes from both backends (`#[derive(sqlx::FromRow)]` gives both).
pub trait BothRow:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> BothRow for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A bind value. Timestamps are the reason this exists: SQLite compares them as text, so we
/// write every one in a single fixed-width UTC format; PostgreSQL gets a real `timestamptz`.
#[derive(Debug, Clone)]
pub enum Arg {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    /// A calendar date: `DATE` on PostgreSQL, `YYYY-MM-DD` text on SQLite (sorts as it should).
    Date(Option<NaiveDate>),
    /// A file's bytes: `BYTEA` on PostgreSQL, `BLOB` on SQLite.
    Bytes(Vec<u8>),
}

impl From<&[u8]> for Arg {
    fn from(v: &[u8]) -> Self {
        Arg::Bytes(v.to_vec())
    }
}

impl From<NaiveDate> for Arg {
    fn from(v: NaiveDate) -> Self {
        Arg::Date(Some(v))
    }
}
impl From<Option<NaiveDate>> for Arg {
    fn from(v: Option<NaiveDate>) -> Self {
        Arg::Date(v)
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Self {
        Arg::Int(v)
    }
}
impl From<f64> for Arg {
    fn from(v: f64) -> Self {
        Arg::Real(Some(v))
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Self {
        Arg::Bool(Some(v))
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Arg::Text(Some(v.to_owned()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Self {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Self {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Self {
        Arg::Text(v)
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Self {
        Arg::Text(v.map(str::to_owned))
    }
}
impl From<DateTime<Utc>> for Arg {
    fn from(v: DateTime<Utc>) -> Self {
        Arg::Time(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Arg {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Arg::Time(v)
    }
}

/// The one timestamp format written to SQLite: fixed width, so text order is time order.
pub fn sqlite_time(t: &DateTime<Utc>) -> String {
    // `%Y-%m-%dT%H:%M:%S%.6fZ`, without parsing a format string for every value.
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Now, truncated to microseconds so both backends round-trip it exactly.
pub fn now() -> DateTime<Utc> {
    use chrono::DurationRound;
    Utc::now().duration_trunc(chrono::Duration::microseconds(1)).unwrap_or_else(|_| Utc::now())
}

/// A statement and its arguments.
#[derive(Debug, Clone)]
pub struct Q {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
}

/// Start a statement from static SQL.
pub fn q(sql: &'static str) -> Q {
    Q { sql: Cow::Borrowed(sql), args: Vec::new() }
}

/// Start a statement from SQL assembled at run time (only ever from constant fragments).
pub fn q_dynamic(sql: String) -> Q {
    Q { sql: Cow::Owned(sql), args: Vec::new() }
}

impl Q {
    pub fn bind(mut self, a: impl Into<Arg>) -> Self {
        self.args.push(a.into());
        self
    }

    fn sql(&self) -> SqlStr {
        match &self.sql {
            Cow::Borrowed(s) => s.into_sql_str(),
            Cow::Owned(s) => AssertSqlSafe(s.clone()).into_sql_str(),
        }
    }
}

macro_rules! bind_sqlite {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for a in $args {
            query = match a {
                Arg::Int(v) => query.bind(v),
                Arg::Real(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
                Arg::Time(v) => query.bind(v.as_ref().map(sqlite_time)),
                Arg::Date(v) => query.bind(v),
                Arg::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}

macro_rules! bind_pg {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for a in $args {
            query = match a {
                Arg::Int(v) => query.bind(v),
                Arg::Real(v) => query.bind(v),
                Arg::Text(v) => query.bind(v),
                Arg::Bool(v) => query.bind(v),
                Arg::Time(v) => query.bind(v),
                Arg::Date(v) => query.bind(v),
                Arg::Bytes(v) => query.bind(v),
            };
        }
        query
    }};
}

/// Runs one statement against a SQLite or PostgreSQL executor; shared by pools and transactions.
macro_rules! run {
    (sqlite, $ex:expr, $q:expr, execute) => {
        bind_sqlite!(sqlx::query::<Sqlite>($q.sql()), $q.args)
            .execute($ex)
            .await
            .map(|r| r.rows_affected())
    };
    (postgres, $ex:expr, $q:expr, execute) => {
        bind_pg!(sqlx::query::<Postgres>($q.sql()), $q.args)
            .execute($ex)
            .await
            .map(|r| r.rows_affected())
    };
    (sqlite, $ex:expr, $q:expr, $method:ident) => {
        bind_sqlite!(sqlx::query_as::<Sqlite, T>($q.sql()), $q.args).$method($ex).await
    };
    (postgres, $ex:expr, $q:expr, $method:ident) => {
        bind_pg!(sqlx::query_as::<Postgres, T>($q.sql()), $q.args).$method($ex).await
    };
}

/// The read/write methods, identical for a pool and a transaction.
macro_rules! query_methods {
    ($( $variant_s:ident => $ex_s:ident, $variant_p:ident => $ex_p:ident )?) => {
        pub async fn fetch_all<T: BothRow>(&mut self, q: Q) -> Result<Vec<T>> {
            Ok(match self.exec() {
                Exec::Sqlite(ex) => run!(sqlite, ex, q, fetch_all)?,
                Exec::Postgres(ex) => run!(postgres, ex, q, fetch_all)?,
            })
        }
        pub async fn fetch_optional<T: BothRow>(&mut self, q: Q) -> Result<Option<T>> {
            Ok(match self.exec() {
                Exec::Sqlite(ex) => run!(sqlite, ex, q, fetch_optional)?,
                Exec::Postgres(ex) => run!(postgres, ex, q, fetch_optional)?,
            })
        }
        /// Exactly one row; none is `StoreError::NotFound`.
        pub async fn fetch_one<T: BothRow>(&mut self, q: Q) -> Result<T> {
            self.fetch_optional(q).await?.ok_or(StoreError::NotFound)
        }
        /// Rows affected.
        pub async fn execute(&mut self, q: Q) -> Result<u64> {
            Ok(match self.exec() {
                Exec::Sqlite(ex) => run!(sqlite, ex, q, execute)?,
                Exec::Postgres(ex) => run!(postgres, ex, q, execute)?,
            })
        }
    };
}

enum Exec<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

/// A connection checked out of either pool, for reads.
pub enum Conn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

impl Conn {
    fn exec(&mut self) -> Exec<'_> {
        match self {
            Conn::Sqlite(c) => Exec::Sqlite(c),
            Conn::Postgres(c) => Exec::Postgres(c),
        }
    }
    query_methods!();
}

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE` so that two writers queue on
/// the busy timeout instead of failing when a read lock is upgraded.
pub enum Tx {
    /// The transaction, and this process's turn to write (released when the transaction ends).
    /// Each with the readers to wake at its commit.
    /// On SQLite a turn of the process's one writer, committed with others queued behind it.
    Sqlite(crate::writer::Member),
    Postgres(sqlx::Transaction<'static, Postgres>, Arc<Notify>),
}

impl Tx {
    fn exec(&mut self) -> Exec<'_> {
        match self {
            Tx::Sqlite(m) => Exec::Sqlite(m.conn()),
            Tx::Postgres(t, _) => Exec::Postgres(t),
        }
    }
    query_methods!();

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(..) => Backend::Sqlite,
            Tx::Postgres(..) => Backend::Postgres,
        }
    }

    /// Serialises writers on one key for the rest of the transaction (the audit chain needs a
    /// single writer). SQLite already holds its one write lock since `BEGIN IMMEDIATE`.
    pub async fn lock(&mut self, key: i64) -> Result<()> {
        if let Tx::Postgres(t, _) = self {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(key).execute(&mut **t).await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<()> {
        match self {
            // Wakes the readers itself, at the commit that holds this work.
            Tx::Sqlite(m) => m.commit().await,
            Tx::Postgres(t, commits) => {
                t.commit().await?;
                commits.notify_waiters();
                Ok(())
            }
        }
    }
}

/// Connection settings for the pool.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub url: String,
    pub max_connections: u32,
}

impl Db {
    /// Opens `sqlite:PATH` / `sqlite::memory:` or `postgres://…`. A SQLite file is created when
    /// missing and runs in WAL mode with `synchronous=FULL`: an acknowledged write survives power loss.
    pub async fn connect(opts: &ConnectOptions) -> Result<Db> {
        let url = opts.url.as_str();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // No JIT: Yizhan's statements are short, and a plan the estimator thinks costly (a
            // report's grouped passes over millions of rows that an index cuts to a few) was
            // compiled first: 29 ms of JIT for a 0.1 ms query, a station's attention facts 96 ms
            // instead of 13 on the city (issue 21).
            let options = PgConnectOptions::from_str(url)?.options([("jit", "off")]);
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Ok(Db::Postgres(PgDb { pool, commits: Default::default() }))
        } else if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:");
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(if memory {
                    SqliteJournalMode::Memory
                } else {
                    SqliteJournalMode::Wal
                })
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .row_buffer_size(4096);
            let pool_of = |n: u32| {
                SqlitePoolOptions::new()
                    .max_connections(n)
                    // A COMMIT that fails (disk full) leaves sqlx counting a transaction that
                    // SQLite has already rolled back, and every later BEGIN on that connection
                    // fails. A connection that comes back still "in a transaction" is closed and
                    // replaced instead of reused.
                    .after_release(|conn, _| {
                        Box::pin(async move { Ok(!sqlx::Connection::is_in_transaction(conn)) })
                    })
                    .acquire_timeout(Duration::from_secs(15))
                    .connect_with(options.clone())
            };
            // An in-memory database exists per connection: keep exactly one, for both.
            let pool = pool_of(if memory { 1 } else { opts.max_connections }).await?;
            let writer = if memory { pool.clone() } else { pool_of(1).await? };
            let commits = Arc::new(Notify::new());
            Ok(Db::Sqlite(SqliteDb {
                pool,
                writer: crate::writer::Writer::new(writer, commits.clone()),
                commits,
            }))
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL (expected sqlite:PATH or postgres://…): {}",
                redact_url(url)
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// On SQLite, the commits made since the pool opened and the writers they held (group
    /// commit, `store::writer`); on PostgreSQL nothing.
    pub fn group_commits(&self) -> Option<(u64, u64)> {
        match self {
            Db::Sqlite(p) => Some(p.writer.tally()),
            Db::Postgres(_) => None,
        }
    }

    /// Turns group commit on SQLite off (each writer commits alone) or on again: for the bench's
    /// baseline. On PostgreSQL nothing.
    pub fn group_commit(&self, on: bool) {
        if let Db::Sqlite(p) = self {
            p.writer.group(on);
        }
    }

    /// Woken at every commit of a write transaction on this pool (`store::changes`).
    pub fn commits(&self) -> &Arc<Notify> {
        match self {
            Db::Sqlite(p) => &p.commits,
            Db::Postgres(p) => &p.commits,
        }
    }

    /// A pooled connection for reads.
    pub async fn conn(&self) -> Result<Conn> {
        Ok(match self {
            Db::Sqlite(p) => Conn::Sqlite(p.acquire().await?),
            Db::Postgres(p) => Conn::Postgres(p.acquire().await?),
        })
    }

    /// A write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.writer.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?, p.commits.clone()),
        })
    }

    pub async fn fetch_all<T: BothRow>(&self, q: Q) -> Result<Vec<T>> {
        self.conn().await?.fetch_all(q).await
    }
    pub async fn fetch_optional<T: BothRow>(&self, q: Q) -> Result<Option<T>> {
        self.conn().await?.fetch_optional(q).await
    }
    pub async fn fetch_one<T: BothRow>(&self, q: Q) -> Result<T> {
        self.conn().await?.fetch_one(q).await
    }
    pub async fn execute(&self, q: Q) -> Result<u64> {
        self.conn().await?.execute(q).await
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => {
                p.writer.close().await;
                p.close().await
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// Drops a password from a URL before it is shown or logged.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Placeholders for SQL assembled at run time, handed out in the order they are written, which
/// must be the order of binding: `$1, $2, …` on PostgreSQL, anonymous `?` on SQLite. SQLite finds
/// a `$n`'s number by walking a list for every parameter, so a statement of a thousand of them
/// costs the square: a 50-row INSERT of workers ran at 38,000 rows/s with `$n` and 63,000 with `?`
/// (docs/benchmarks.md). Never mix with hand-written `$n` in the same statement.
pub struct Marks {
    backend: Backend,
    given: usize,
}

impl Marks {
    pub fn new(backend: Backend) -> Marks {
        Marks { backend, given: 0 }
    }

    /// The next placeholder.
    pub fn one(&mut self) -> String {
        self.given += 1;
        match self.backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${}", self.given),
        }
    }

    /// `n` placeholders separated by commas (an `IN (…)` list).
    pub fn list(&mut self, n: usize) -> String {
        let mut out = String::with_capacity(n * 4);
        for i in 0..n {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.one());
        }
        out
    }

    /// `rows` parenthesised groups of `cols` placeholders (a multi-row `VALUES`).
    pub fn rows(&mut self, rows: usize, cols: usize) -> String {
        let mut out = String::with_capacity(rows * cols * 4);
        for r in 0..rows {
            if r > 0 {
                out.push_str(", ");
            }
            out.push('(');
            out.push_str(&self.list(cols));
            out.push(')');
        }
        out
    }
}

/// `%text%` for a `LIKE … ESCAPE '\'` that finds `text` anywhere: a `%` or `_` a person types is
/// a character they look for, not a wildcard matching everything.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

/// `text` with LIKE's wildcards and its escape character escaped by `\`.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[cfg(test)]
mod tests {

    #[test]
    fn what_a_person_types_is_looked_for_as_typed() {
        assert_eq!(contains_pattern("第12"), "%第12%");
        assert_eq!(contains_pattern("100%_a\\b"), "%100\\%\\_a\\\\b%");
        assert_eq!(escape_like("91440300"), "91440300");
    }

    use super::*;

    #[test]
    fn sqlite_time_is_fixed_width_so_text_order_is_time_order() {
        let a: DateTime<Utc> = "2026-01-02T03:04:05Z".parse().unwrap();
        let b: DateTime<Utc> = "2026-01-02T03:04:05.5Z".parse().unwrap();
        assert_eq!(sqlite_time(&a), "2026-01-02T03:04:05.000000Z");
        assert_eq!(sqlite_time(&b), "2026-01-02T03:04:05.500000Z");
        assert!(sqlite_time(&a) < sqlite_time(&b));
    }

    #[test]
    fn marks_are_numbered_in_writing_order_on_postgres_and_anonymous_on_sqlite() {
        let mut pg = Marks::new(Backend::Postgres);
        assert_eq!(pg.one(), "$1");
        assert_eq!(pg.rows(2, 2), "($2, $3), ($4, $5)");
        assert_eq!(pg.list(2), "$6, $7");
        let mut lite = Marks::new(Backend::Sqlite);
        assert_eq!(lite.rows(2, 3), "(?, ?, ?), (?, ?, ?)");
        assert_eq!(lite.list(1), "?");
        assert_eq!(lite.list(0), "");
    }

    #[test]
    fn redact_url_hides_password_only() {
        assert_eq!(redact_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite:yizhan.db"), "sqlite:yizhan.db");
    }
}
