//! `yizhan bench import --rows 1000000`: a .csv of returning workers written to disk, imported
//! through the same job as the page and `yizhan import`, timed, with the process's peak memory;
//! the baseline is the same rows inserted by the bare batched INSERT (no file, no checks) into a
//! fresh database in the same run. Prints figures; never asserts on time.

use std::io::Write;
use std::time::Instant;

use anyhow::Context;
use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_core::work::enterprise::{EnterpriseInput, validate_enterprise};
use yizhan_core::work::returning_worker::{WorkerInput, validate_worker};
use yizhan_core::work::worker_import::{ImportKind, ImportMode};
use yizhan_store::work::import_runs::{self, Counts};
use yizhan_store::{
    ConnectOptions, Db, admin::users, station::stations, work::enterprises, work::returning_workers,
};
use yizhan_web::i18n::Lang;
use yizhan_web::jobs::import_job::{self, Job, What, employers_of};

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

fn row(i: usize) -> [String; 9] {
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

    // The import, as `yizhan import` runs it.
    let user = users::find_by_username(&db, &who).await?.context("bench account")?;
    let p = users::principal(&db, &user).await?;
    let run_id =
        import_runs::start(&db, p.user_id, ImportKind::Workers, ImportMode::All, "workers.csv")
            .await?;
    let job = Job {
        run_id,
        path: csv.clone(),
        file_name: "workers.csv".into(),
        valid_only: false,
        what: What::Workers { employers: employers_of(&db, &p).await? },
        actor: Actor::from(&p),
        lang: Lang::Zh,
        today: yizhan_core::time::local_date(yizhan_store::db::now()),
    };
    let (_, rss_before) = memory_kib();
    reset_peak_memory();
    let mut bar = crate::import::Bar::new();
    let t = Instant::now();
    let run = import_job::run(&db, &job, &mut |c, pm| bar.draw(c, pm)).await?;
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
    let rate = rows as f64 / took.as_secs_f64();

    // The baseline: the same rows, already checked, straight into a fresh database.
    let base_db = match &database_url {
        Some(_) => {
            // Same database: make room for the same ID numbers again.
            returning_workers::remove_run_rows(&db, run_id).await?;
            db.clone()
        }
        None => {
            let b = open(format!("sqlite:{}", dir.join("baseline.db").display())).await?;
            prepare(&b).await?;
            b
        }
    };
    let ids: std::collections::HashMap<String, i64> =
        enterprises::list(&base_db).await?.into_iter().map(|e| (e.name, e.id)).collect();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let mut base_took = std::time::Duration::ZERO;
    for start in (0..rows).step_by(sheet_batch()) {
        let batch: Vec<_> = (start..(start + sheet_batch()).min(rows))
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
            .collect::<anyhow::Result<_>>()?;
        let t = Instant::now();
        returning_workers::insert_batch(&base_db, None, &batch).await?;
        base_took += t.elapsed();
    }
    let base_rate = rows as f64 / base_took.as_secs_f64();

    let table = format!(
        "| figure | value | baseline (bare batched INSERT, same run) | ratio |\n|---|---|---|---|\n\
         | rows/s, {rows} rows from .csv ({:.0} MB) | {rate:.0} | {base_rate:.0} | {:.2} |\n\
         | time | {:.1} s | {:.1} s | {:.2} |\n\
         | peak RSS during the import (process) | {} MiB | RSS before: {} MiB | |\n",
        bytes as f64 / 1e6,
        rate / base_rate,
        took.as_secs_f64(),
        base_took.as_secs_f64(),
        took.as_secs_f64() / base_took.as_secs_f64(),
        peak / 1024,
        rss_before / 1024,
    );
    println!("\n{table}");
    let header = format!(
        "## Worker import ({backend}, {rows} rows)\n\nMachine: {}. Command: `cargo run --release -p yizhan -- bench import --rows {rows}`. \
         The import is the job the page and `yizhan import` run: the file streamed a thousand rows at a time, every row \
         checked (ID number, phone, province, employer, duplicates in the file, the register looked up once a batch), \
         inserted in batches, progress written. The baseline inserts the same rows, checked beforehand and not timed, \
         with the same batched INSERT and nothing else. Peak RSS is the process's high-water mark, reset just before the \
         import.\n\n",
        machine(),
    );
    write_section(&format!("## Worker import ({backend},"), &format!("{header}{table}\n"))?;
    db.close().await;
    base_db.close().await;
    if database_url.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
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
