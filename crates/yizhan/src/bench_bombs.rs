//! `yizhan bench bombs`: hostile spreadsheets (a few hundred KB that inflate to millions of
//! cells or shared strings, a .csv with a quote left open) through the readers the uploads use,
//! each with its time and peak memory, against a legitimate sheet read by the same reader in
//! the same run. The caps should refuse a bomb at about the cost of reading a small sheet, and
//! no file, accepted or not, should take the process past 150 MB.

use std::time::{Duration, Instant};

use yizhan_web::sheet::{self, bombs};

use crate::bench::{machine, memory_kib, reset_peak_memory, write_section};

/// What one file cost its reader.
struct Cost {
    took: Duration,
    /// Peak resident memory while reading, above what the process held before (MiB).
    peak_mib: f64,
    outcome: String,
}

fn measure_small(name: &str, bytes: &[u8]) -> Cost {
    let (_, before) = memory_kib();
    reset_peak_memory();
    let t = Instant::now();
    let r = sheet::read_sheet(name, bytes);
    let took = t.elapsed();
    let (peak, _) = memory_kib();
    Cost {
        took,
        peak_mib: peak.saturating_sub(before) as f64 / 1024.0,
        outcome: outcome(r.map(|rows| rows.len())),
    }
}

async fn measure_import(name: &str, bytes: &[u8]) -> anyhow::Result<Cost> {
    let dir = std::env::temp_dir().join(format!("yizhan-bench-bombs-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    let (_, before) = memory_kib();
    reset_peak_memory();
    let t = Instant::now();
    let mut rx = sheet::stream(path, name);
    let mut rows = 0usize;
    let mut refused = None;
    while let Some(batch) = rx.recv().await {
        match batch {
            Ok(b) => rows += b.rows.len(),
            Err(e) => refused = Some(e),
        }
    }
    let took = t.elapsed();
    let (peak, _) = memory_kib();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Cost {
        took,
        peak_mib: peak.saturating_sub(before) as f64 / 1024.0,
        outcome: match refused {
            Some(e) => format!("refused: {}", e.zh),
            None => format!("{rows} rows read"),
        },
    })
}

fn outcome(r: Result<usize, yizhan_web::error::WebError>) -> String {
    match r {
        Ok(rows) => format!("{rows} rows read"),
        Err(yizhan_web::error::WebError::Invalid { message_zh, .. }) => {
            format!("refused: {message_zh}")
        }
        Err(e) => format!("error: {e}"),
    }
}

fn mb(bytes: usize) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

pub async fn bombs() -> anyhow::Result<()> {
    const XLSX: &str = "bomb.xlsx";
    const CSV: &str = "bomb.csv";
    let small_base = bombs::texts(1_000);
    let import_base = bombs::texts(100_000);
    let mut open_quote = b"a,\"".to_vec();
    open_quote.resize(200 << 20, b'x');
    let cases: Vec<(&str, &str, Vec<u8>, bool)> = vec![
        ("baseline: 1,000 rows of text", XLSX, small_base, false),
        (
            "20,000 rows × 256 cells (the review's file)",
            XLSX,
            bombs::cells(20_000, 256),
            false,
        ),
        (
            "200,000 shared strings (the cap)",
            XLSX,
            bombs::shared_strings(200_000),
            false,
        ),
        (
            "10,000,000 shared strings",
            XLSX,
            bombs::shared_strings(10_000_000),
            false,
        ),
        (
            "import baseline: 100,000 rows of text",
            XLSX,
            import_base,
            true,
        ),
        (
            "import: 10,000,000 shared strings (the review's file)",
            XLSX,
            bombs::shared_strings(10_000_000),
            true,
        ),
        (
            "import: 1,000,000 shared strings (the cap)",
            XLSX,
            bombs::shared_strings(1_000_000),
            true,
        ),
        (
            "import: 1,048,576 rows × 19 cells (under the cell cap)",
            XLSX,
            bombs::cells(1 << 20, 19),
            true,
        ),
        (
            "import: 1,048,576 rows × 20 cells (past the cell cap)",
            XLSX,
            bombs::cells(1 << 20, 20),
            true,
        ),
        (
            "import: .csv of 200 MB with a quote left open",
            CSV,
            open_quote,
            true,
        ),
    ];
    let mut table = String::from(
        "| file | size | reader | time | ratio to its baseline | peak memory above start | outcome |\n|---|---|---|---|---|---|---|\n",
    );
    let mut base: [Option<Duration>; 2] = [None, None];
    for (label, name, bytes, import) in &cases {
        let cost = if *import {
            measure_import(name, bytes).await?
        } else {
            measure_small(name, bytes)
        };
        let slot = &mut base[usize::from(*import)];
        let baseline = *slot.get_or_insert(cost.took);
        let ratio = cost.took.as_secs_f64() / baseline.as_secs_f64().max(1e-6);
        let line = format!(
            "| {label} | {} | {} | {:.3} s | {ratio:.1} | {:.1} MiB | {} |",
            mb(bytes.len()),
            if *import {
                "import (streamed)"
            } else {
                "whole (results, indicators)"
            },
            cost.took.as_secs_f64(),
            cost.peak_mib,
            cost.outcome,
        );
        println!("{line}");
        table.push_str(&line);
        table.push('\n');
    }
    write_section(
        "## Spreadsheet bombs",
        &format!(
            "## Spreadsheet bombs\n\nMachine: {}. Command: `cargo run --release -p yizhan -- bench bombs`. \
             Each file goes through the reader its upload uses: results and indicator sheets are read whole \
             (`sheet::read_sheet`), a worker import is streamed from a temporary file (`sheet::stream`). \
             Peak memory is the process's high-water mark above what it held before the file, reset before \
             each one; the ratio is to the baseline of the same reader in the same run.\n\n{table}\n",
            machine()
        ),
    )
}
