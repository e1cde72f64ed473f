//! `yizhan`: the one binary. `yizhan serve` with no configuration runs on ./yizhan.db.

mod bench;
mod bench_bombs;
mod bench_checkin;
mod bench_import;
mod bench_lists;
mod bench_load;
mod bench_node;
mod bench_notify;
mod bench_reports;
mod channel;
mod cli;
mod demo;
mod demo_care;
mod demo_scale;
mod demo_work;
mod import;
mod say;
mod serve;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    // Benchmarks and imports log warnings only: a line per request would be the thing measured,
    // and an import draws its own progress bar.
    let quiet = matches!(cli.command, cli::Command::Bench(_) | cli::Command::Import(_));
    cli::init_logging(&cli.log_format, quiet);
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", say::both("cli.error", &[("error", &format!("{e:#}"))]));
            std::process::ExitCode::FAILURE
        }
    }
}
