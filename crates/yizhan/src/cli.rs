//! Commands and settings. Every setting is a flag with a `YIZHAN_*` environment twin.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use yizhan_core::access::{Actor, parse_grant};
use yizhan_store::admin::audit::{self, Verdict};
use yizhan_store::db::redact_url;
use yizhan_store::{ConnectOptions, Db, admin::users, maintenance};

use crate::say;

#[derive(Parser, Debug)]
#[command(
    name = "yizhan",
    version,
    about = "Yizhan: health stations, district command and return-to-work in one binary"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    /// Log format: `text` for people, `json` for collectors. Logs never contain personal data.
    #[arg(long, env = "YIZHAN_LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Database: `sqlite:PATH` (created if missing) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "YIZHAN_DATABASE_URL", default_value = "sqlite:yizhan.db", global = true)]
    pub database_url: String,
    /// Connection pool size per process.
    #[arg(long, env = "YIZHAN_DB_POOL", default_value_t = 8, global = true)]
    pub db_pool: u32,
    /// The key notification channels' secrets are sealed with: 64 hex digits. Every node of a
    /// deployment needs the same one.
    #[arg(long, env = "YIZHAN_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,
    /// A file holding that key. With neither, a SQLite database keeps one beside itself
    /// (`<database>.key`, made on first use); PostgreSQL nodes need it given.
    #[arg(long, env = "YIZHAN_SECRET_KEY_FILE", global = true)]
    pub secret_key_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// `district` (30 stations, 6,000 rooms, 200,000 stays, 3,000,000 temperature checks,
    /// 20,000 enterprises, 1,000,000 returning workers) or `city` (ten times that).
    #[arg(long)]
    pub scale: Option<String>,
    /// With `--scale`: generate only this part of it (0 < f ≤ 1), for a quick look.
    #[arg(long, requires = "scale")]
    pub fraction: Option<f64>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (migrates first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Fill the database with a realistic demo district and print the demo accounts; or, with
    /// `--scale`, a generated history to measure against.
    Demo(DemoArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Audit log tools.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Benchmarks that print figures and their ratio to a baseline measured in the same run.
    #[command(subcommand)]
    Bench(BenchCmd),
    /// Bulk imports from .xlsx or .csv, with a progress bar.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Notification channels: group robots and webhooks that alerts go to.
    #[command(subcommand)]
    Channel(ChannelCmd),
    /// Create a wall-board display token and print the path a TV opens once.
    BoardToken {
        /// What the TV is, e.g. "一楼大厅电视".
        #[arg(long)]
        label: String,
        /// The station; without it, the token opens the district board.
        #[arg(long)]
        station: Option<i64>,
    },
    /// Online backup of a SQLite database to FILE, then an integrity check of the copy.
    Backup { file: PathBuf },
    /// Replace the SQLite database with FILE (stop the server first); the file is checked first.
    Restore {
        file: PathBuf,
        /// Overwrite an existing database.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "YIZHAN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Mark cookies Secure: set this when users reach Yizhan over HTTPS (directly or via a proxy).
    #[arg(long, env = "YIZHAN_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Largest request body in bytes.
    #[arg(long, env = "YIZHAN_BODY_LIMIT", default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// The address people reach Yizhan at, e.g. https://yizhan.example.cn (QR codes on room doors
    /// and certificates point there). Default: the host each request came to.
    #[arg(long, env = "YIZHAN_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Root certificates (PEM) e-mail channels trust besides the system's, for a mail server
    /// certified by a private network's own CA.
    #[arg(long, env = "YIZHAN_CHANNEL_CA_FILE")]
    pub channel_ca_file: Option<PathBuf>,
    /// When the morning temperature slot is due (China Standard Time, HH:MM).
    #[arg(long, env = "YIZHAN_AM_DEADLINE", default_value = "10:00", value_parser = parse_hm)]
    pub am_deadline: chrono::NaiveTime,
    /// When the afternoon temperature slot is due (China Standard Time, HH:MM).
    #[arg(long, env = "YIZHAN_PM_DEADLINE", default_value = "18:00", value_parser = parse_hm)]
    pub pm_deadline: chrono::NaiveTime,
    /// When yesterday's daily report is produced (China Standard Time, HH:MM). Every node
    /// ticks; exactly one makes the report.
    #[arg(long, env = "YIZHAN_REPORT_AT", default_value = "07:00", value_parser = parse_hm)]
    pub report_at: chrono::NaiveTime,
    /// Load the demo district first when the database is empty.
    #[arg(long, env = "YIZHAN_DEMO")]
    pub demo: bool,
    /// Addresses of reverse proxies whose X-Forwarded-For names the client (comma-separated).
    /// Per-client limits (logins, certificate checks) count by that address; without this the
    /// header is ignored, since anyone can write it.
    #[arg(long, env = "YIZHAN_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Serve /metrics (unauthenticated) on this separate address only, e.g. 127.0.0.1:9090.
    #[arg(long, env = "YIZHAN_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,
    /// Or serve /metrics on the main address to `Authorization: Bearer <this token>`.
    /// With neither, /metrics is not served.
    #[arg(long, env = "YIZHAN_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// List accounts.
    List,
    /// Create an account with a one-time password (printed once).
    Create {
        username: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role, e.g. admin, commander, station_lead.
        #[arg(long)]
        role: String,
        /// Scope: district, street:ID, station:ID or enterprise:ID.
        #[arg(long, default_value = "district")]
        scope: String,
    },
    /// Issue a new one-time password (printed once); all sessions of the account end.
    ResetPassword { username: String },
}

#[derive(Subcommand, Debug)]
pub enum BenchCmd {
    /// The station board: snapshot throughput and latency vs bare SQL, and event-to-client
    /// latency with many open streams. Uses a fresh SQLite file unless --bench-database-url.
    Board {
        #[arg(long, default_value_t = 500)]
        rooms: i64,
        /// Stations in the district roll-up (the first one has --rooms, the others 50).
        #[arg(long, default_value_t = 30)]
        stations: i64,
        #[arg(long, default_value_t = 1000)]
        clients: usize,
        #[arg(long, default_value_t = 200)]
        iterations: usize,
        /// An empty PostgreSQL database to run on instead (it is filled, not cleaned).
        #[arg(long)]
        bench_database_url: Option<String>,
    },
    /// Check-ins per second through HTTP vs bare transactions writing the same rows, and
    /// latency at half that rate.
    Checkin {
        #[arg(long, default_value_t = 2_000)]
        checkins: usize,
        /// Concurrent HTTP clients (keep-alive connections).
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// An empty PostgreSQL database to run on instead (it is filled, not cleaned).
        #[arg(long)]
        bench_database_url: Option<String>,
    },
    /// A `yizhan serve` process on the database given (a `demo --scale` dataset): time to
    /// start, memory idle and with open event streams, the district roll-up over HTTP.
    Node {
        #[arg(long, default_value_t = 1_000)]
        clients: usize,
        #[arg(long, default_value_t = 50)]
        iterations: usize,
    },
    /// A burst of fevers to a local receiver through the outbox: commit-to-arrival p50/p99
    /// against writing the same fevers with no channel.
    Notify {
        #[arg(long, default_value_t = 1_000)]
        alerts: usize,
        /// An empty PostgreSQL database to run on instead (it is filled, not cleaned).
        #[arg(long)]
        bench_database_url: Option<String>,
    },
    /// Every list page and API list a commander opens, on the database given (a `demo --scale`
    /// dataset): time and size of each against the goal (≤ 100 ms, ≤ 300 KB) and a bare page.
    Lists {
        #[arg(long, default_value_t = 20)]
        iterations: usize,
    },
    /// The daily report made for every station of the database given (a `demo --scale`
    /// dataset) vs its statements bare, read back through the router; the register of
    /// returning workers exported to .xlsx: rows/s and memory vs reading the rows bare.
    Reports {
        #[arg(long, default_value_t = 5)]
        iterations: usize,
    },
    /// A city's working day on the database given (a `demo --scale` dataset): staff rounds and
    /// check-ins, leads' and commanders' pages, wall boards, against `yizhan serve` nodes;
    /// p50/p95/p99 and errors per route group, memory per node.
    Load {
        #[arg(long, default_value_t = 300)]
        seconds: u64,
        /// How many `yizhan serve` processes share the load (several on PostgreSQL).
        #[arg(long, default_value_t = 1)]
        nodes: usize,
        /// Wall boards holding an event stream.
        #[arg(long, default_value_t = 1_000)]
        streams: usize,
    },
    /// The worker import: rows/s and peak memory importing a generated .csv, vs the bare
    /// batched INSERT of the same rows.
    Import {
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
        /// An empty PostgreSQL database to run on instead (it is filled, not cleaned).
        #[arg(long)]
        bench_database_url: Option<String>,
    },
    /// Hostile spreadsheets (zip bombs of cells and shared strings, an open quote) through the
    /// upload readers: time and peak memory vs a legitimate sheet.
    Bombs {
        /// Measure only this case, in this process (the command runs each case in a process of
        /// its own, so that one case's freed memory does not hide the next one's peak).
        #[arg(long, hide = true)]
        case: Option<usize>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCmd {
    /// Returning workers (返岗人员): first row 姓名, 身份证号, 手机号, 户籍省份, 户籍城市, 用工企业
    /// (name or credit code), optionally 返岗方式, 抵达日期, 状态, 健康申报. A .csv of any length,
    /// an .xlsx up to Excel's row limit: the file is streamed.
    Workers {
        file: PathBuf,
        /// The account the import is made for: its enterprises, its name in the audit log.
        #[arg(long)]
        user: String,
        /// `all`: nothing is imported if any row is bad; `valid`: the valid rows are.
        #[arg(long, default_value = "all", value_parser = ["all", "valid"])]
        mode: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCmd {
    /// Check the hash chain and name the first broken row.
    Verify,
}

fn parse_hm(s: &str) -> Result<chrono::NaiveTime, String> {
    chrono::NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| format!("{s}: expected HH:MM, e.g. 10:00"))
}

pub fn init_logging(format: &str, quiet: bool) {
    let default = if quiet { "warn" } else { "info,sqlx=warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("YIZHAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    if format == "json" {
        b.json().init();
    } else {
        b.init();
    }
}

// Parsed once at start: the size of its larger variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum ChannelCmd {
    /// Add a channel: alerts of its scope from its severity up go to it within a minute.
    Add {
        /// `wecom`, `feishu`, `dingtalk`, `webhook`, `email` or `sms`.
        #[arg(long)]
        kind: String,
        /// What people call it, e.g. "卓汇驿站医疗组群".
        #[arg(long)]
        name: String,
        /// The robot's webhook address (it holds the robot's key: it is sealed, never shown).
        #[arg(long, env = "YIZHAN_CHANNEL_URL", hide_env_values = true)]
        url: String,
        /// A DingTalk robot's signing secret (SEC…), a webhook's HMAC secret, the mail server's
        /// password, or an SMS gateway's header lines (`Authorization: Bearer …`).
        #[arg(long, env = "YIZHAN_CHANNEL_SECRET", hide_env_values = true)]
        secret: Option<String>,
        /// E-mail: the addresses it writes to; SMS: mobiles it always texts (comma-separated).
        #[arg(long, default_value = "")]
        recipients: String,
        /// E-mail: the address its mail comes from.
        #[arg(long, default_value = "")]
        sender: String,
        /// SMS: the body the gateway takes by POST, with {mobile} and {text} (empty: GET).
        #[arg(long, default_value = "")]
        body: String,
        /// Only this street's stations.
        #[arg(long, conflicts_with = "station")]
        street: Option<i64>,
        /// Only this station.
        #[arg(long)]
        station: Option<i64>,
        /// `critical`, `danger`, `warning` or `info`: this and louder.
        #[arg(long, default_value = "danger")]
        min_severity: String,
        /// Messages a minute the receiver takes (a WeCom group robot: 20).
        #[arg(long, default_value_t = 20)]
        per_minute: i64,
    },
    /// The channels, their scope and state (addresses shown only by host and last characters).
    List,
}

/// The key channel secrets are sealed with, from the flag, the key file, or (SQLite) the key
/// file beside the database, made on first use readable by its owner only.
pub fn secret_key(args: &DbArgs) -> anyhow::Result<Option<[u8; 32]>> {
    use yizhan_web::notify::seal::{key_from_hex, new_key_hex};
    if let Some(hex) = &args.secret_key {
        return key_from_hex(hex).map(Some).context("YIZHAN_SECRET_KEY must be 64 hex digits");
    }
    let file = match (&args.secret_key_file, sqlite_path(&args.database_url)) {
        (Some(f), _) => f.clone(),
        (None, Ok(db)) if db.as_os_str() != ":memory:" => {
            let mut name = db.into_os_string();
            name.push(".key");
            PathBuf::from(name)
        }
        _ => return Ok(None),
    };
    if !file.exists() && args.secret_key_file.is_none() {
        std::fs::write(&file, new_key_hex() + "\n")
            .with_context(|| format!("cannot write the key file {}", file.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read the key file {}", file.display()))?;
    key_from_hex(&text)
        .map(Some)
        .with_context(|| format!("the key file {} must hold 64 hex digits", file.display()))
}

pub async fn open(args: &DbArgs) -> anyhow::Result<Db> {
    let db = Db::connect(&ConnectOptions {
        url: args.database_url.clone(),
        max_connections: args.db_pool,
    })
    .await
    .with_context(|| format!("cannot open database {}", redact_url(&args.database_url)))?;
    yizhan_store::migrate::run(&db).await?;
    Ok(db)
}

fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    let Some(rest) = url.strip_prefix("sqlite:") else {
        bail!("this command works on a SQLite database; for PostgreSQL use pg_dump / pg_restore");
    };
    let rest = rest.trim_start_matches("//");
    Ok(PathBuf::from(rest.split('?').next().unwrap_or(rest)))
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => crate::serve::run(&cli.db, args).await,
        Command::Migrate => {
            let db = open(&cli.db).await?;
            let url = redact_url(&cli.db.database_url);
            println!("{}", say::both("cli.migrated", &[("url", &url)]));
            db.close().await;
            Ok(())
        }
        Command::Demo(DemoArgs { scale: None, .. }) => {
            let db = open(&cli.db).await?;
            crate::demo::load(&db).await?;
            db.close().await;
            Ok(())
        }
        Command::Demo(DemoArgs { scale: Some(scale), fraction }) => {
            let mut size = crate::demo_scale::Size::parse(&scale)?;
            if let Some(f) = fraction {
                size = size.fraction(f)?;
            }
            let db = open(&cli.db).await?;
            let started = std::time::Instant::now();
            let census = crate::demo_scale::generate(&db, size).await?;
            let took = started.elapsed();
            let bytes = yizhan_store::scale::database_bytes(&db).await?;
            for (table, rows) in census {
                println!("{table:<18} {rows:>10}");
            }
            println!(
                "generated in {:.1} s; database {:.0} MiB",
                took.as_secs_f64(),
                bytes as f64 / 1_048_576.0
            );
            db.close().await;
            Ok(())
        }
        Command::User(cmd) => user(&cli.db, cmd).await,
        Command::Channel(cmd) => crate::channel::run(&cli.db, cmd).await,
        Command::Audit(AuditCmd::Verify) => {
            let db = open(&cli.db).await?;
            match audit::verify(&db).await? {
                Verdict::Intact { rows } => {
                    println!("{}", say::both("cli.audit_intact", &[("rows", &rows.to_string())]));
                    Ok(())
                }
                Verdict::Broken { seq, reason } => {
                    let seq = seq.to_string();
                    bail!(say::both("cli.audit_broken", &[("seq", &seq), ("reason", &reason)]))
                }
            }
        }
        Command::Bench(BenchCmd::Board {
            rooms,
            stations,
            clients,
            iterations,
            bench_database_url,
        }) => {
            crate::bench::board(crate::bench::Options {
                rooms,
                stations,
                clients,
                iterations,
                database_url: bench_database_url,
            })
            .await
        }
        Command::Bench(BenchCmd::Checkin { checkins, clients, bench_database_url }) => {
            crate::bench_checkin::checkin(crate::bench_checkin::Options {
                checkins,
                clients,
                database_url: bench_database_url,
            })
            .await
        }
        Command::Bench(BenchCmd::Node { clients, iterations }) => {
            let db = open(&cli.db).await?;
            let result = crate::bench_node::node(
                &db,
                crate::bench_node::Options {
                    database_url: cli.db.database_url.clone(),
                    clients,
                    iterations,
                },
            )
            .await;
            db.close().await;
            result
        }
        Command::Bench(BenchCmd::Notify { alerts, bench_database_url }) => {
            crate::bench_notify::notify(crate::bench_notify::Options {
                alerts,
                database_url: bench_database_url,
            })
            .await
        }
        Command::Bench(BenchCmd::Lists { iterations }) => {
            let db = open(&cli.db).await?;
            let result = crate::bench_lists::lists(&db, iterations).await;
            db.close().await;
            result
        }
        Command::Bench(BenchCmd::Reports { iterations }) => {
            let db = open(&cli.db).await?;
            let result = crate::bench_reports::reports(&db, iterations).await;
            db.close().await;
            result
        }
        Command::Bench(BenchCmd::Load { seconds, nodes, streams }) => {
            let db = open(&cli.db).await?;
            let result = crate::bench_load::load(
                &db,
                crate::bench_load::Options {
                    database_url: cli.db.database_url.clone(),
                    seconds,
                    nodes,
                    streams,
                },
            )
            .await;
            db.close().await;
            result
        }
        Command::Bench(BenchCmd::Import { rows, bench_database_url }) => {
            crate::bench_import::import(rows, bench_database_url).await
        }
        Command::Bench(BenchCmd::Bombs { case }) => crate::bench_bombs::bombs(case).await,
        Command::Import(ImportCmd::Workers { file, user, mode }) => {
            let db = open(&cli.db).await?;
            crate::import::workers(&db, &file, &user, mode == "valid").await?;
            Ok(())
        }
        Command::BoardToken { label, station } => {
            let db = open(&cli.db).await?;
            if let Some(id) = station {
                yizhan_store::station::stations::get(&db, id)
                    .await
                    .with_context(|| format!("no station {id}"))?;
            }
            let token = yizhan_web::auth::password::random_token();
            let actor = Actor { user_id: None, name: "cli".into() };
            yizhan_store::station::board::create_token(&db, &actor, station, &label, &token)
                .await?;
            let path = match station {
                Some(id) => format!("/board/{id}?token={token}"),
                None => format!("/board/district?token={token}"),
            };
            println!("{}", say::both("cli.board_token", &[("label", &label), ("path", &path)]));
            Ok(())
        }
        Command::Backup { file } => {
            let db = open(&cli.db).await?;
            let bytes = maintenance::sqlite_backup(&db, &file).await?;
            let (file, bytes) = (file.display().to_string(), bytes.to_string());
            println!("{}", say::both("cli.backup_written", &[("file", &file), ("bytes", &bytes)]));
            Ok(())
        }
        Command::Restore { file, force } => {
            let target = sqlite_path(&cli.db.database_url)?;
            maintenance::sqlite_integrity_check(&file)
                .await
                .with_context(|| format!("{} is not a healthy SQLite database", file.display()))?;
            if target.exists() && !force {
                bail!("{} exists; stop the server and add --force to replace it", target.display());
            }
            for suffix in ["-wal", "-shm"] {
                let side = PathBuf::from(format!("{}{suffix}", target.display()));
                if side.exists() {
                    std::fs::remove_file(&side)?;
                }
            }
            std::fs::copy(&file, &target)?;
            maintenance::sqlite_integrity_check(&target).await?;
            let (from, to) = (file.display().to_string(), target.display().to_string());
            println!("{}", say::both("cli.restored", &[("from", &from), ("to", &to)]));
            Ok(())
        }
    }
}

async fn user(args: &DbArgs, cmd: UserCmd) -> anyhow::Result<()> {
    let db = open(args).await?;
    let actor = Actor { user_id: None, name: "cli".into() };
    match cmd {
        UserCmd::List => {
            for u in users::list(&db).await? {
                let grants = users::grants_of(&db, u.id).await?;
                let g: Vec<String> = grants
                    .iter()
                    .map(|g| format!("{}@{}", g.role.as_str(), g.scope.token()))
                    .collect();
                println!(
                    "{:<20} {:<12} {:<6} {}",
                    u.username,
                    u.display_name,
                    if u.active { "active" } else { "off" },
                    g.join(", ")
                );
            }
        }
        UserCmd::Create { username, name, role, scope } => {
            let grant = parse_grant(&role, &scope).map_err(|e| anyhow::anyhow!("{e}"))?;
            let username = yizhan_core::admin::account::normalise_username(&username)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let password = yizhan_web::auth::password::generate_password();
            let hash = yizhan_web::auth::password::hash_blocking(&password)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            users::create(
                &db,
                &actor,
                &users::NewUser {
                    username: &username,
                    display_name: &name,
                    password_hash: &hash,
                    must_change_password: true,
                    grants: &[grant],
                },
            )
            .await?;
            let args = [("username", username.as_str()), ("password", password.as_str())];
            println!("{}", say::both("cli.user_created", &args));
        }
        UserCmd::ResetPassword { username } => {
            let u = users::find_by_username(&db, &username.to_lowercase())
                .await?
                .with_context(|| format!("no user {username}"))?;
            let password = yizhan_web::auth::password::generate_password();
            let hash = yizhan_web::auth::password::hash_blocking(&password)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            users::set_password(&db, &actor, u.id, &hash, true, None).await?;
            let args = [("username", u.username.as_str()), ("password", password.as_str())];
            println!("{}", say::both("cli.user_reset", &args));
        }
    }
    db.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite:yizhan.db").unwrap(), PathBuf::from("yizhan.db"));
        assert_eq!(
            sqlite_path("sqlite:///var/lib/y.db?mode=rwc").unwrap(),
            PathBuf::from("/var/lib/y.db")
        );
        assert!(sqlite_path("postgres://x/y").is_err());
    }
}
