//! Knowing that something was written, soon after the commit: a wake-up for this process's
//! board streams at every commit, and for other nodes on PostgreSQL a `NOTIFY` that the audit
//! log's trigger sends at commit (migration 0051). The audit sequence stays the truth: a woken
//! reader reads it, and readers still poll it in case a wake-up is lost (a dropped listener
//! connection, another process on the same SQLite file).

use std::time::Duration;

use crate::db::Db;
use sqlx::postgres::PgListener;

/// The channel the audit log's trigger notifies on.
pub const CHANNEL: &str = "yizhan_changes";

/// On PostgreSQL, listens for every node's commits and wakes the readers waiting on
/// `Db::commits` (create the `notified()` future before reading what changed, so a commit in
/// between is not missed); on SQLite nothing: its writers are this process, whose commits wake
/// them already. The task ends when the returned handle is aborted.
pub fn relay(db: &Db) -> Option<tokio::task::JoinHandle<()>> {
    let Db::Postgres(pg) = db else {
        return None;
    };
    let (pool, commits) = (pg.pool.clone(), db.commits().clone());
    Some(tokio::spawn(async move {
        loop {
            match listen(&pool).await {
                Ok(mut listener) => {
                    // `recv` reconnects by itself after a lost connection; an error here means
                    // it could not, and the loop starts over after a pause.
                    while listener.recv().await.is_ok() {
                        commits.notify_waiters();
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for other nodes' changes"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }))
}

async fn listen(pool: &sqlx::PgPool) -> Result<PgListener, sqlx::Error> {
    let mut l = PgListener::connect_with(pool).await?;
    l.listen(CHANNEL).await?;
    Ok(l)
}
