//! `yizhan bench import --rows 1000000`: a .csv of returning workers written to disk, imported
//! through the same job as the page and `yizhan import`, timed, with the process's peak memory;
//! the baseline is the same rows inserted by the bare batched INSERT (no file, no checks) into a
//! fresh database in the same run. Prints figures; never asserts on time.

use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_core::work::enterprise::{EnterpriseInput, validate_enterprise};
use yizhan_core::work::returning_worker::NewWorker;
use yizhan_core::work::returning_worker::{WorkerInput, validate_worker};
use yizhan_core::work::worker_import::{ImportKind, ImportMode};
use yizhan_store::baseline::{self, WorkerInsert};
use yizhan_store::work::import_runs::{self, Counts};
use yizhan_store::{
    ConnectOptions, Db, admin::users, station::stations, work::enterprises, work::returning_workers,
};
use yizhan_web::i18n::Lang;
use yizhan_web::jobs::import_job::{self, Job, What, employers_of};
use yizhan_web::kit::export::{Cell, StreamedSheet};

use crate::bench::{machine, memory_kib, reset_peak_memory, write_section};

const EMPLOYERS: usize = 50;
const PROVINCES: [(&str, &str); 4] =
    [("云南", "昭通"), ("广西", "百色"), ("四川", "南充"), ("湖南", "邵阳")];

/// The `i`-th generated ID number: distinct for every `i` below ten million, valid check digit.
pub(crate) fn id_number(i: usize) -> String {
    let birth = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
        + chrono::Duration::days((i / 900) as i64 % 12_000);
    let seq = 100 + i % 900;
    let region = 530_602 + (i / (900 * 12_000)) as u32;
    yizhan_core::validate::with_check_digit(&format!("{region}{}{seq:03}", birth.format("%Y%m%d")))
        .unwrap_or_default()
}

/// A fresh database with one street, `EMPLOYERS` enterprises and an account that may register
/// workers for them all; returns the account's name.
async fn prepare(db: &Db) -> anyhow::Result<String> {
    let sys = Actor::system();
    yizhan_store::migrate::run(db).await?;
    stations::ensure_district(db, &sys, "龙岗区", "440307", &["布吉街道"]).await?;
    let street = stations::streets(db).await?[0].id;
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    for k in 0..EMPLOYERS {
        let e = validate_enterprise(
            &EnterpriseInput {
                uscc: yizhan_core::validate::with_check_char(&format!("91440307MA{k:07}"))
                    .unwrap_or_default(),
                name: format!("基准企业{k:02}有限公司"),
                street_id: street.to_string(),
                industry: "manufacturing".into(),
                headcount: "100".into(),
                contact_name: "基准".into(),
                contact_phone: "13800138000".into(),
                resumption: "resumed".into(),
                applied_on: today.to_string(),
                approved_on: today.to_string(),
                resumed_on: today.to_string(),
                ..Default::default()
            },
            today,
        )
        .map_err(|e| anyhow::anyhow!("bench enterprise: {e:?}"))?;
        enterprises::create(db, &sys, &e).await?;
    }
    users::create(
        db,
        &sys,
        &users::NewUser {
            username: "bench",
            display_name: "基准",
            password_hash: "-",
            must_change_password: false,
            grants: &[Grant { role: Role::Commander, scope: Scope::District }],
        },
    )
    .await?;
    Ok("bench".into())
}

pub(crate) fn row(i: usize) -> [String; 9] {
    let (province, city) = PROVINCES[i % PROVINCES.len()];
    [
        format!("返岗{i}"),
        id_number(i),
        format!("139{:08}", i % 100_000_000),
        province.into(),
        city.into(),
        format!("基准企业{:02}有限公司", i % EMPLOYERS),
        "专列".into(),
        String::new(),
        "已登记".into(),
    ]
}

/// Writes the .csv a row at a time (never held whole in memory).
fn write_csv(path: &std::path::Path, rows: usize) -> anyhow::Result<u64> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "姓名,身份证号,手机号,户籍省份,户籍城市,用工企业,返岗方式,抵达日期,状态")?;
    for i in 0..rows {
        writeln!(out, "{}", row(i).join(","))?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

pub async fn import(rows: usize, database_url: Option<String>) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("yizhan-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let open = |url: String| async move {
        Db::connect(&ConnectOptions { url, max_connections: 8 })
            .await
            .context("open the bench database")
    };
    let url = database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite:{}", dir.join("import.db").display()));
    let db = open(url).await?;
    let backend = format!("{:?}", db.backend());
    let who = prepare(&db).await?;
    let csv = dir.join("workers.csv");
    let t = Instant::now();
    let bytes = write_csv(&csv, rows)?;
    println!(
        "wrote {rows} rows ({:.1} MB) in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // The import, as `yizhan import` runs it: from .csv, then the same rows from .xlsx.
    let user = users::find_by_username(&db, &who).await?.context("bench account")?;
    let p = users::principal(&db, &user).await?;
    let (took, peak, rss_before, run_id) = timed_import(&db, &p, &csv, rows).await?;
    let rate = rows as f64 / took.as_secs_f64();
    let xlsx = dir.join("workers.xlsx");
    let t = Instant::now();
    let xlsx_bytes = write_xlsx(&xlsx, rows).await?;
    println!(
        "wrote {rows} rows as .xlsx ({:.1} MB) in {:.1} s",
        xlsx_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let xdb = match &database_url {
        Some(_) => {
            returning_workers::remove_run_rows(&db, run_id).await?;
            db.clone()
        }
        None => {
            let x = open(format!("sqlite:{}", dir.join("import-xlsx.db").display())).await?;
            prepare(&x).await?;
            x
        }
    };
    let (xtook, xpeak, _, xrun) = timed_import(&xdb, &p, &xlsx, rows).await?;
    match &database_url {
        Some(_) => returning_workers::remove_run_rows(&db, xrun).await.map(|_| ())?,
        None => xdb.close().await,
    }

    // The baselines: the same rows, already checked, straight in by each bare way we know;
    // the fastest is the one the import is measured against.
    let workers = checked_rows(&db, rows).await?;
    let ways = match db.backend() {
        yizhan_store::db::Backend::Sqlite => WorkerInsert::for_sqlite(),
        yizhan_store::db::Backend::Postgres => WorkerInsert::for_postgres(),
    };
    let mut bare = Vec::new();
    for (k, how) in ways.into_iter().enumerate() {
        let (target, tag) = match &database_url {
            Some(_) => {
                let tag = import_runs::start(
                    &db,
                    p.user_id,
                    ImportKind::Workers,
                    ImportMode::All,
                    "baseline",
                )
                .await?;
                (db.clone(), Some(tag))
            }
            None => {
                let b = open(format!("sqlite:{}", dir.join(format!("baseline{k}.db")).display()))
                    .await?;
                prepare(&b).await?;
                (b, None)
            }
        };
        let t = Instant::now();
        let n =
            baseline::insert_workers(&target, how, &workers, import_job::ROWS_PER_TRANSACTION, tag)
                .await?;
        let took = t.elapsed();
        anyhow::ensure!(n as usize == rows, "{how:?} put in {n} of {rows} rows");
        println!("bare {how:?}: {:.0} rows/s", rows as f64 / took.as_secs_f64());
        bare.push((how, took));
        match tag {
            Some(tag) => returning_workers::remove_run_rows(&db, tag).await.map(|_| ())?,
            None => target.close().await,
        }
    }
    drop(workers);
    let (fastest, base_took) =
        bare.iter().copied().min_by_key(|(_, t)| *t).context("no baseline measured")?;
    let base_rate = rows as f64 / base_took.as_secs_f64();
    let ways_table: String = bare
        .iter()
        .map(|(how, t)| {
            format!(
                "| {} | {:.0} | {:.2} |\n",
                baseline_words(*how),
                rows as f64 / t.as_secs_f64(),
                base_took.as_secs_f64() / t.as_secs_f64()
            )
        })
        .collect();

    let table = format!(
        "| figure | value | baseline ({}, same run) | ratio |\n|---|---|---|---|\n\
         | rows/s, {rows} rows from .csv ({:.0} MB) | {rate:.0} | {base_rate:.0} | {:.2} |\n\
         | time | {:.1} s | {:.1} s | {:.2} |\n\
         | peak RSS during the import (process) | {} MiB | RSS before: {} MiB | |\n\
         | the same rows from .xlsx ({:.0} MB): rows/s | {:.0} | {base_rate:.0} | {:.2} |\n\
         | .xlsx: time | {:.1} s | {:.1} s | {:.2} |\n\
         | .xlsx: peak RSS during the import (process) | {} MiB | | |\n",
        baseline_words(fastest),
        bytes as f64 / 1e6,
        rate / base_rate,
        took.as_secs_f64(),
        base_took.as_secs_f64(),
        took.as_secs_f64() / base_took.as_secs_f64(),
        peak / 1024,
        rss_before / 1024,
        xlsx_bytes as f64 / 1e6,
        rows as f64 / xtook.as_secs_f64(),
        base_took.as_secs_f64() / xtook.as_secs_f64(),
        xtook.as_secs_f64(),
        base_took.as_secs_f64(),
        xtook.as_secs_f64() / base_took.as_secs_f64(),
        xpeak / 1024,
    );
    let table = format!(
        "{table}\nThe bare ways, each the same rows in transactions of {} rows:\n\n\
         | bare insert | rows/s | of the fastest |\n|---|---|---|\n{ways_table}",
        import_job::ROWS_PER_TRANSACTION
    );
    println!("\n{table}");
    let header = format!(
        "## Worker import ({backend}, {rows} rows)\n\nMachine: {}. Command: `cargo run --release -p yizhan -- bench import --rows {rows}`. \
         The import is the job the page and `yizhan import` run: the file streamed a thousand rows at a time, every row \
         checked (ID number, phone, province, employer, duplicates in the file; already registered: the unique ID number \
         as the rows go in), put in {} rows a transaction while the next rows are checked, progress written. The .xlsx \
         holds the same rows (written by the exports' streamed writer). The baselines insert the same rows, checked \
         beforehand and not timed, by each bare way below and nothing else, in transactions of the same size; the ratio \
         is to the fastest. Peak RSS is the process's high-water mark, reset just before the import.\n\n",
        machine(),
        import_job::ROWS_PER_TRANSACTION,
    );
    write_section(&format!("## Worker import ({backend},"), &format!("{header}{table}\n"))?;
    db.close().await;
    if database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// Runs the import job on `path` as the bench account, timed, with the process's peak memory
/// (reset just before) and its memory before; returns the run's id too.
async fn timed_import(
    db: &Db,
    p: &yizhan_core::access::Principal,
    path: &std::path::Path,
    rows: usize,
) -> anyhow::Result<(std::time::Duration, u64, u64, i64)> {
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("workers.csv").to_owned();
    let run_id =
        import_runs::start(db, p.user_id, ImportKind::Workers, ImportMode::All, &file_name).await?;
    let job = Job {
        run_id,
        path: path.to_owned(),
        file_name,
        valid_only: false,
        what: What::Workers { employers: employers_of(db, p).await? },
        actor: Actor::from(p),
        lang: Lang::Zh,
        today: yizhan_core::time::local_date(yizhan_store::db::now()),
    };
    let (_, rss_before) = memory_kib();
    reset_peak_memory();
    let mut bar = crate::import::Bar::new();
    let t = Instant::now();
    let run = import_job::run(db, &job, &mut |c, pm| bar.draw(c, pm)).await?;
    let took = t.elapsed();
    bar.finish(Counts {
        rows_read: run.rows_read,
        imported: run.imported,
        rows_bad: run.rows_bad,
        problems: run.problems,
    });
    let (peak, _) = memory_kib();
    anyhow::ensure!(
        run.imported as usize == rows,
        "imported {} of {rows} rows: {:?}",
        run.imported,
        run.failure
    );
    Ok((took, peak, rss_before, run_id))
}

/// The same rows as an .xlsx, written by the exports' own streamed writer.
pub(crate) async fn write_xlsx(path: &std::path::Path, rows: usize) -> anyhow::Result<u64> {
    let headers = [
        "姓名",
        "身份证号",
        "手机号",
        "户籍省份",
        "户籍城市",
        "用工企业",
        "返岗方式",
        "抵达日期",
        "状态",
    ];
    let mut sheet = StreamedSheet::start("workers", &headers);
    for start in (0..rows).step_by(sheet_batch()) {
        let page = (start..(start + sheet_batch()).min(rows))
            .map(|i| row(i).into_iter().map(Cell::Text).collect())
            .collect();
        sheet.write(page).await.map_err(|e| anyhow::anyhow!("xlsx: {e:?}"))?;
    }
    let response = sheet.finish("workers").await.map_err(|e| anyhow::anyhow!("xlsx: {e:?}"))?;
    save_body(response, path).await
}

/// Writes a response's body to `path` as it arrives; its length.
pub(crate) async fn save_body(
    response: axum::response::Response,
    path: &std::path::Path,
) -> anyhow::Result<u64> {
    use http_body_util::BodyExt;
    let mut body = response.into_body();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            out.write_all(&data)?;
        }
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

/// The generated rows, checked as the import checks them, ready for the bare inserts.
async fn checked_rows(db: &Db, rows: usize) -> anyhow::Result<Vec<NewWorker>> {
    let ids: std::collections::HashMap<String, i64> =
        enterprises::list(db).await?.into_iter().map(|e| (e.name, e.id)).collect();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    (0..rows)
        .map(|i| {
            let r = row(i);
            validate_worker(
                &WorkerInput {
                    name: r[0].clone(),
                    id_number: r[1].clone(),
                    phone: r[2].clone(),
                    province: r[3].clone(),
                    city: r[4].clone(),
                    enterprise_id: ids.get(&r[5]).copied().unwrap_or(0).to_string(),
                    transport: "train".into(),
                    status: "registered".into(),
                    ..Default::default()
                },
                today,
            )
            .map_err(|e| anyhow::anyhow!("bench row {i}: {e}"))
        })
        .collect()
}

fn baseline_words(how: WorkerInsert) -> String {
    match how {
        WorkerInsert::Numbered(n) => format!("multi-row INSERT, {n} rows, `$n` placeholders"),
        WorkerInsert::Anonymous(n) => format!("multi-row INSERT, {n} rows, `?` placeholders"),
        WorkerInsert::SingleRow => "one prepared single-row INSERT per row".into(),
        WorkerInsert::Json => "one JSON parameter per batch, `json_each`".into(),
        WorkerInsert::Unnest => "one array per column, `UNNEST`".into(),
        WorkerInsert::Copy => "`COPY FROM STDIN` into the table".into(),
    }
}

fn sheet_batch() -> usize {
    yizhan_web::kit::sheet::BATCH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_id_numbers_are_valid_and_distinct() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let mut seen = std::collections::HashSet::new();
        for i in (0..2_000_000).step_by(997).chain([899, 900, 10_799_999]) {
            let id = id_number(i);
            assert!(yizhan_core::validate::parse_id_card(&id, today).is_ok(), "{i}: {id}");
            assert!(seen.insert(id), "{i}");
        }
    }
}
