//! `yizhan bench bombs`: hostile spreadsheets (a few hundred KB that inflate to millions of
//! cells or shared strings, a .csv with a quote left open) through the readers the uploads use,
//! each with its time and peak memory, against a legitimate sheet read by the same reader in
//! the same run. The caps should refuse a bomb at about the cost of reading a small sheet, and
//! no file, accepted or not, should take the process past 150 MB.

use std::time::{Duration, Instant};

use yizhan_web::kit::sheet::{self, bombs};

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
            Some(e) => format!("refused: {}", e.zh()),
            None => format!("{rows} rows read"),
        },
    })
}

fn outcome(r: Result<usize, yizhan_web::error::WebError>) -> String {
    match r {
        Ok(rows) => format!("{rows} rows read"),
        Err(yizhan_web::error::WebError::Invalid { text, .. }) => {
            format!(
                "refused: {}",
                yizhan_web::i18n::Tr::new(yizhan_web::i18n::Lang::Zh).text(&text)
            )
        }
        Err(e) => format!("error: {e}"),
    }
}

fn mb(bytes: usize) -> String {
    format!("{:.2} MB", bytes as f64 / 1e6)
}

/// The files measured: (what it is, its name, whether it goes to the import, how to make it).
type Case = (&'static str, &'static str, bool, fn() -> Vec<u8>);

const XLSX: &str = "bomb.xlsx";
const CSV: &str = "bomb.csv";

fn cases() -> Vec<Case> {
    vec![
        ("baseline: 1,000 rows of text", XLSX, false, || bombs::texts(1_000)),
        ("20,000 rows × 256 cells (the review's file)", XLSX, false, || bombs::cells(20_000, 256)),
        ("200,000 shared strings (the cap)", XLSX, false, || bombs::shared_strings(200_000)),
        ("10,000,000 shared strings", XLSX, false, || bombs::shared_strings(10_000_000)),
        ("import baseline: 100,000 rows of text", XLSX, true, || bombs::texts(100_000)),
        ("import: 10,000,000 shared strings (the review's file)", XLSX, true, || {
            bombs::shared_strings(10_000_000)
        }),
        ("import: 1,000,000 shared strings (the cap)", XLSX, true, || {
            bombs::shared_strings(1_000_000)
        }),
        ("import: 1,000,000 shared strings of 45 characters (at both caps)", XLSX, true, || {
            bombs::long_shared_strings(1_000_000, 45)
        }),
        ("import: 1,048,576 rows × 19 cells (under the cell cap)", XLSX, true, || {
            bombs::cells(1 << 20, 19)
        }),
        ("import: 1,048,576 rows × 20 cells (past the cell cap)", XLSX, true, || {
            bombs::cells(1 << 20, 20)
        }),
        ("import: .csv of 200 MB with a quote left open", CSV, true, || {
            let mut b = b"a,\"".to_vec();
            b.resize(200 << 20, b'x');
            b
        }),
    ]
}

/// One case, measured in this process: a line of `seconds\tpeak MiB\tsize\toutcome`.
async fn one(case: usize) -> anyhow::Result<()> {
    let (_, name, import, make) =
        *cases().get(case).ok_or_else(|| anyhow::anyhow!("no case {case}"))?;
    let bytes = make();
    let cost =
        if import { measure_import(name, &bytes).await? } else { measure_small(name, &bytes) };
    println!("{}\t{}\t{}\t{}", cost.took.as_secs_f64(), cost.peak_mib, bytes.len(), cost.outcome);
    Ok(())
}

pub async fn bombs(case: Option<usize>) -> anyhow::Result<()> {
    if let Some(case) = case {
        return one(case).await;
    }
    let exe = std::env::current_exe()?;
    let mut table = String::from(
        "| file | size | reader | time | ratio to its baseline | peak memory above start | outcome |\n|---|---|---|---|---|---|---|\n",
    );
    let mut base: [Option<f64>; 2] = [None, None];
    for (i, (label, _, import, _)) in cases().into_iter().enumerate() {
        let out = std::process::Command::new(&exe)
            .args(["bench", "bombs", "--case", &i.to_string()])
            .output()?;
        anyhow::ensure!(out.status.success(), "case {i}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8(out.stdout)?;
        let mut f = text.trim_end().splitn(4, '\t');
        let mut next = || f.next().unwrap_or_default().to_owned();
        let (took, peak, size, outcome) = (next(), next(), next(), next());
        let took: f64 = took.parse()?;
        let peak: f64 = peak.parse()?;
        let size: usize = size.parse()?;
        let baseline = *base[usize::from(import)].get_or_insert(took);
        let line = format!(
            "| {label} | {} | {} | {took:.3} s | {:.1} | {peak:.1} MiB | {outcome} |",
            mb(size),
            if import { "import (streamed)" } else { "whole (results, indicators)" },
            took / baseline.max(1e-6),
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
             Each file is made and read in a process of its own; peak memory is that process's high-water \
             mark above what it held once the file was made; the ratio is to the baseline of the same reader.\n\n{table}\n",
            machine()
        ),
    )
}
