//! `yizhan import workers FILE --user LOGIN`: the page's import job run from the command line,
//! on behalf of an account (its enterprises, its name in the audit log and on the run), with a
//! progress bar on stderr.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use yizhan_core::access::{Actor, Permission};
use yizhan_core::work::worker_import::{ImportKind, ImportMode};
use yizhan_store::work::import_runs::{self, Counts, ImportRun};
use yizhan_store::{Db, admin::users};
use yizhan_web::i18n::Lang;
use yizhan_web::jobs::import_job::{self, Job, What, employers_of};

use crate::say;

/// A progress bar: redrawn in place on a terminal (at most ten times a second), a line every
/// tenth of the way in a log.
pub struct Bar {
    started: Instant,
    drawn: Instant,
    tty: bool,
    last_tenth: i64,
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new()
    }
}

impl Bar {
    pub fn new() -> Bar {
        Bar {
            started: Instant::now(),
            drawn: Instant::now() - Duration::from_secs(1),
            tty: std::io::stderr().is_terminal(),
            last_tenth: -1,
        }
    }

    /// One line: `[#########-----------]  45.0%  450000 行  41200 行/秒  有问题 3 行`.
    pub fn line(c: Counts, permille: i64, elapsed: Duration) -> String {
        let filled = (permille.clamp(0, 1000) / 50) as usize;
        let rate = c.rows_read as f64 / elapsed.as_secs_f64().max(0.001);
        let bar = format!("{}{}", "#".repeat(filled), "-".repeat(20 - filled));
        say::zh(
            "cli.import.bar",
            &[
                ("bar", &bar),
                ("percent", &format!("{:>5.1}", permille as f64 / 10.0)),
                ("rows", &c.rows_read.to_string()),
                ("rate", &format!("{rate:.0}")),
                ("bad", &c.rows_bad.to_string()),
            ],
        )
    }

    pub fn draw(&mut self, c: Counts, permille: i64) {
        let line = Bar::line(c, permille, self.started.elapsed());
        let mut err = std::io::stderr();
        if self.tty {
            if self.drawn.elapsed() >= Duration::from_millis(100) {
                let _ = write!(err, "\r{line}");
                let _ = err.flush();
                self.drawn = Instant::now();
            }
        } else if permille / 100 > self.last_tenth {
            self.last_tenth = permille / 100;
            let _ = writeln!(err, "{line}");
        }
    }

    pub fn finish(&mut self, c: Counts) {
        let line = Bar::line(c, 1000, self.started.elapsed());
        let mut err = std::io::stderr();
        if self.tty {
            let _ = writeln!(err, "\r{line}");
        } else if self.last_tenth < 10 {
            let _ = writeln!(err, "{line}");
        }
    }
}

/// Runs an import of returning workers as `username` and prints the outcome and the first
/// problems. Fails (exit status 1) if the file could not be imported or had bad rows.
pub async fn workers(
    db: &Db,
    file: &Path,
    username: &str,
    valid_only: bool,
) -> anyhow::Result<ImportRun> {
    let user = users::find_by_username(db, username)
        .await?
        .with_context(|| format!("no account named {username}"))?;
    let p = users::principal(db, &user).await?;
    if !user.active || !p.has(Permission::EnterprisesWrite) {
        bail!("{username} may not register returning workers");
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import.csv".into());
    std::fs::metadata(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mode = if valid_only { ImportMode::Valid } else { ImportMode::All };
    let run_id = import_runs::start(db, p.user_id, ImportKind::Workers, mode, &name).await?;
    let job = Job {
        run_id,
        path: file.to_path_buf(),
        file_name: name,
        valid_only,
        what: What::Workers { employers: employers_of(db, &p).await? },
        actor: Actor::from(&p),
        lang: Lang::Zh,
        today: yizhan_core::time::local_date(yizhan_store::db::now()),
    };
    let mut bar = Bar::new();
    let run = import_job::run(db, &job, &mut |c, permille| bar.draw(c, permille)).await?;
    let counts = Counts {
        rows_read: run.rows_read,
        imported: run.imported,
        rows_bad: run.rows_bad,
        problems: run.problems,
    };
    bar.finish(counts);
    let n = |v: i64| v.to_string();
    let (id, read, imported) = (n(run.id), n(run.rows_read), n(run.imported));
    let (bad, problems) = (n(run.rows_bad), n(run.problems));
    let args =
        [("id", id), ("read", read), ("imported", imported), ("bad", bad), ("problems", problems)];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    println!("{}", say::zh("cli.import.done", &args));
    for l in import_runs::problems(db, run.id, 20).await? {
        let row = l.row_no.to_string();
        let args = [("row", row.as_str()), ("column", &l.column_name), ("message", &l.message)];
        println!("{}", say::zh("cli.import.problem", &args));
    }
    if run.problems > 20 {
        let path = format!("/imports/{}/report.xlsx", run.id);
        println!("{}", say::zh("cli.import.more", &[("path", &path)]));
    }
    if let Some(f) = &run.failure {
        bail!(say::zh("cli.import.failed", &[("failure", f)]));
    }
    if run.rows_bad > 0 && !valid_only {
        bail!(say::zh("cli.import.refused_all", &[]));
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_share_rows_rate_and_problems() {
        let c = Counts { rows_read: 450_000, imported: 449_997, rows_bad: 3, problems: 4 };
        assert_eq!(
            Bar::line(c, 450, Duration::from_secs(10)),
            "[#########-----------]  45.0%  450000 行  45000 行/秒  有问题 3 行"
        );
        assert!(
            Bar::line(c, 1000, Duration::from_secs(1)).starts_with("[####################] 100.0%")
        );
    }
}
