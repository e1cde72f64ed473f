//! SQLite's one writer, with group commit.
//!
//! SQLite has one write lock, and a commit with `synchronous=FULL` waits for the disk (0.36 ms of
//! a check-in's 1.21 ms here). Writers of this process queue for their turn; when one finishes
//! while others are already waiting, its work is not committed alone: it is released as a
//! savepoint inside a transaction that stays open, the next writer runs inside the same
//! transaction, and the last of the queue commits them all with one sync. Every writer is
//! answered only after the commit that holds its work (an acknowledged write is on disk), a
//! writer that fails or is dropped is rolled back to its own savepoint without touching the
//! others, and a commit that fails fails every writer of its group (none of them was answered).
//!
//! A group commits when no writer is waiting, at `MAX_MEMBERS` writers, or after `MAX_AGE`;
//! a background task commits a group left open by a writer that gave up its place in the queue.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use sqlx::{Sqlite, SqlitePool};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, watch};

use crate::db::Result;
use crate::error::StoreError;

/// A group commits once it holds this many writers' work…
const MAX_MEMBERS: usize = 64;
/// …or has been open this long: the first writer's answer waits at most about this much more.
const MAX_AGE: Duration = Duration::from_millis(20);
/// As long as SQLite's busy timeout: a writer waits this long for its turn, then gives up.
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// Each member's work is this savepoint while it runs (members never overlap).
const SAVEPOINT: &str = "SAVEPOINT member";
const RELEASE: &str = "RELEASE SAVEPOINT member";
const UNDO: &str = "ROLLBACK TO SAVEPOINT member";

/// What a group's commit came to, sent to every member waiting for it.
type Outcome = Option<std::result::Result<(), StoreError>>;

/// The writer connection's pool (one connection), the turn to write, and the readers to wake.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    pool: SqlitePool,
    turn: Arc<Mutex<State>>,
    /// Writers queued for the turn (not the flusher): while there are any, a finishing writer
    /// leaves the group open for them.
    waiting: Arc<AtomicUsize>,
    flush: Arc<Flush>,
    ends: Arc<Ends>,
    /// Off, every writer commits alone (the bench's baseline).
    grouping: Arc<AtomicBool>,
}

/// Who hears of a group's end: the readers to wake, and the tally of commits and the writers
/// they held since the pool opened (the bench prints the ratio).
#[derive(Debug)]
struct Ends {
    commits: Arc<Notify>,
    groups: AtomicU64,
    writers: AtomicU64,
}

/// What the turn guards.
#[derive(Debug, Default)]
struct State {
    group: Option<Group>,
    /// A member was dropped mid-way: its savepoint is undone before anything else runs.
    abandoned: bool,
}

/// The open transaction shared by consecutive writers.
#[derive(Debug)]
struct Group {
    tx: sqlx::Transaction<'static, Sqlite>,
    members: usize,
    opened: Instant,
    outcome: watch::Sender<Outcome>,
}

/// Wakes the flusher; when the last `Writer` goes, wakes it once more so that it ends.
#[derive(Debug, Default)]
struct Flush(Arc<Notify>);

impl Drop for Flush {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

impl Writer {
    pub(crate) fn new(pool: SqlitePool, commits: Arc<Notify>) -> Writer {
        let writer = Writer {
            pool,
            turn: Default::default(),
            waiting: Default::default(),
            flush: Default::default(),
            ends: Arc::new(Ends { commits, groups: AtomicU64::new(0), writers: AtomicU64::new(0) }),
            grouping: Arc::new(AtomicBool::new(true)),
        };
        tokio::spawn(flusher(
            Arc::downgrade(&writer.turn),
            writer.flush.0.clone(),
            writer.ends.clone(),
        ));
        writer
    }

    /// The next turn to write: a savepoint in the open group, or a new group.
    pub(crate) async fn begin(&self) -> Result<Member> {
        let queued = Queued::join(&self.waiting);
        let turn = tokio::time::timeout(WRITE_WAIT, self.turn.clone().lock_owned()).await;
        drop(queued);
        let mut state =
            turn.map_err(|_| StoreError::Unavailable("no turn to write within 10 s".to_owned()))?;
        tidy(&mut state).await?;
        if state.group.is_none() {
            state.group = Some(Group {
                tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                members: 0,
                opened: Instant::now(),
                outcome: watch::Sender::new(None),
            });
        }
        if let Err(e) = run(&mut state, SAVEPOINT).await {
            fail(&mut state, &e).await;
            return Err(e);
        }
        Ok(Member { state: Some(state), writer: self.clone() })
    }

    /// Commits what is open and closes the pool.
    pub(crate) async fn close(&self) {
        let mut state = self.turn.lock().await;
        if state.group.is_some() {
            let _ = commit_group(&mut state, &self.ends).await;
        }
        drop(state);
        self.pool.close().await;
    }

    /// Whether writers queued behind each other share commits (on unless a bench turns it off).
    pub(crate) fn group(&self, on: bool) {
        self.grouping.store(on, Ordering::SeqCst);
    }

    /// Commits made, and the writers they held, since the pool opened.
    pub(crate) fn tally(&self) -> (u64, u64) {
        (self.ends.groups.load(Ordering::Relaxed), self.ends.writers.load(Ordering::Relaxed))
    }
}

/// Counts a writer in the queue until it has its turn, gives up, or its request is dropped.
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn join(waiting: &'a AtomicUsize) -> Queued<'a> {
        waiting.fetch_add(1, Ordering::SeqCst);
        Queued(waiting)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One writer's turn: its work is the savepoint `member` inside the group's transaction.
#[derive(Debug)]
pub struct Member {
    state: Option<OwnedMutexGuard<State>>,
    writer: Writer,
}

impl Member {
    pub(crate) fn conn(&mut self) -> &mut sqlx::SqliteConnection {
        let group = self.state.as_mut().and_then(|s| s.group.as_mut());
        &mut group.expect("a member's group is open until it ends").tx
    }

    /// Keeps this writer's work and answers once a commit holding it is on disk.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let mut state = self.state.take().expect("a member ends once");
        if let Err(e) = run(&mut state, RELEASE).await {
            // The savepoint is gone with the whole transaction (SQLite rolls back all of it on
            // some errors): the group's earlier members are lost too.
            fail(&mut state, &e).await;
            return Err(e);
        }
        let group = state.group.as_mut().expect("a member's group is open until it ends");
        group.members += 1;
        let mut outcome = group.outcome.subscribe();
        let full = group.members >= MAX_MEMBERS || group.opened.elapsed() >= MAX_AGE;
        if full
            || !self.writer.grouping.load(Ordering::SeqCst)
            || self.writer.waiting.load(Ordering::SeqCst) == 0
        {
            return commit_group(&mut state, &self.writer.ends).await;
        }
        // Those waiting run in this transaction; the last of them commits it. Should they all
        // give up their place, the flusher commits it.
        drop(state);
        self.writer.flush.0.notify_one();
        match outcome.wait_for(Option::is_some).await {
            Ok(done) => done.clone().expect("waited for an outcome"),
            Err(_) => Err(StoreError::Unavailable("the shared commit was abandoned".to_owned())),
        }
    }
}

impl Drop for Member {
    /// Dropped without a commit (an error, a refused rule): the savepoint is rolled back, and
    /// the group committed or left to those waiting, on a task since this cannot wait.
    fn drop(&mut self) {
        let Some(mut state) = self.state.take() else { return };
        state.abandoned = true;
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let writer = self.writer.clone();
        runtime.spawn(async move {
            if tidy(&mut state).await.is_err() {
                return;
            }
            let members = state.group.as_ref().map_or(0, |g| g.members);
            if writer.waiting.load(Ordering::SeqCst) > 0 {
                drop(state);
                writer.flush.0.notify_one();
            } else if members > 0 {
                let _ = commit_group(&mut state, &writer.ends).await;
            } else if let Some(group) = state.group.take() {
                let _ = group.tx.rollback().await;
            }
        });
    }
}

async fn run(state: &mut State, sql: &'static str) -> Result<()> {
    let group = state.group.as_mut().expect("a member's group is open until it ends");
    sqlx::query(sql).execute(&mut *group.tx).await?;
    Ok(())
}

/// Undoes the savepoint of a member dropped mid-way.
async fn tidy(state: &mut State) -> Result<()> {
    if !std::mem::take(&mut state.abandoned) || state.group.is_none() {
        return Ok(());
    }
    let undone = match run(state, UNDO).await {
        Ok(()) => run(state, RELEASE).await,
        Err(e) => Err(e),
    };
    if let Err(e) = undone {
        fail(state, &e).await;
        return Err(e);
    }
    Ok(())
}

/// Commits the group and tells its members.
async fn commit_group(state: &mut State, ends: &Ends) -> Result<()> {
    let group = state.group.take().expect("a member's group is open until it ends");
    let members = group.members as u64;
    let outcome = group.tx.commit().await.map_err(StoreError::from);
    group.outcome.send_replace(Some(outcome.clone()));
    ends.commits.notify_waiters();
    ends.groups.fetch_add(1, Ordering::Relaxed);
    ends.writers.fetch_add(members, Ordering::Relaxed);
    outcome
}

/// The group's transaction cannot go on: rolled back, every member waiting told why.
async fn fail(state: &mut State, e: &StoreError) {
    if let Some(group) = state.group.take() {
        let _ = group.tx.rollback().await;
        group.outcome.send_replace(Some(Err(e.clone())));
    }
}

/// Takes its turn after a writer left a group open for those waiting, and commits the group if
/// they all gave up their place. Ends when the last `Writer` is gone.
async fn flusher(turn: Weak<Mutex<State>>, flush: Arc<Notify>, ends: Arc<Ends>) {
    loop {
        flush.notified().await;
        let Some(turn) = turn.upgrade() else { return };
        let mut state = turn.lock_owned().await;
        if tidy(&mut state).await.is_err() {
            continue;
        }
        match state.group.as_ref().map(|g| g.members) {
            Some(0) => {
                if let Some(group) = state.group.take() {
                    let _ = group.tx.rollback().await;
                }
            }
            Some(_) => {
                let _ = commit_group(&mut state, &ends).await;
            }
            None => {}
        }
    }
}
