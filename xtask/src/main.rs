//! `cargo xtask`: list, run and check optlab's paper reproductions.
//!
//! ```text
//! cargo xtask list
//! cargo xtask reproduce [all|CRATE|EXPERIMENT|CRATE/EXPERIMENT] [--scale quick|full] [--seed N] [--out DIR] [--shard i/n]
//! cargo xtask report [--out DIR] [--from DIR ...]
//! cargo xtask check [--out DIR]
//! ```

mod docs;
mod output;
mod plot;
mod registry;
mod report;
mod run;
mod select;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "xtask", about = "optlab reproduction driver")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List every registered experiment.
    List,
    /// Run experiments and write results, plots and REPORT.md.
    Reproduce {
        /// `all`, a crate name, an experiment id, or `crate/id`.
        #[arg(default_value = "all")]
        target: String,
        /// `quick` (CPU minutes, what CI runs) or `full`.
        #[arg(long, default_value = "quick")]
        scale: String,
        /// Experiment seed: every stream derives from it.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Output folder.
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Run only shard `i` of `n` (1-based), e.g. `--shard 2/4`. Defaults to the Slurm array
        /// variables SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT when they are set.
        #[arg(long)]
        shard: Option<String>,
    },
    /// Merge result folders (e.g. from shards) into `--out` and regenerate REPORT.md and plots.
    Report {
        /// Output folder (also read).
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Further result folders to merge into `--out`.
        #[arg(long, num_args = 1..)]
        from: Vec<PathBuf>,
        /// Also rewrite the generated results blocks of `README.md` and `docs/<crate>.md`.
        #[arg(long)]
        update_docs: bool,
    },
    /// Exit non-zero if any claim in `--out` fails or any experiment errored.
    Check {
        /// Results folder.
        #[arg(long, default_value = "results")]
        out: PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    match run_cli(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_cli(cli: Cli) -> Result<()> {
    match cli.command {
        Command::List => {
            for e in registry::all() {
                println!("{:<48} {}  [{}]", e.full_id(), e.title, e.paper_ref);
            }
            Ok(())
        }
        Command::Reproduce {
            target,
            scale,
            seed,
            out,
            shard,
        } => {
            let scale = scale.parse().map_err(anyhow::Error::from)?;
            let shard = select::Shard::from_arg_or_env(shard.as_deref())?;
            let experiments = select::select(&registry::all(), &target, shard)?;
            let command = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
            run::reproduce(&experiments, scale, seed, &out)?;
            report::write_report(&out, &format!("cargo xtask {command}"))?;
            println!("wrote {}", out.join("REPORT.md").display());
            Ok(())
        }
        Command::Report {
            out,
            from,
            update_docs,
        } => {
            for dir in &from {
                report::merge(dir, &out)?;
            }
            let n = plot::render_all(&out)?;
            report::write_report(&out, "cargo xtask report")?;
            println!(
                "merged {} folder(s), rendered {n} plot(s), wrote {}",
                from.len(),
                out.join("REPORT.md").display()
            );
            if update_docs {
                let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("..")
                    .canonicalize()?;
                for f in docs::update_docs(&out, &root)? {
                    println!("updated {f}");
                }
            }
            Ok(())
        }
        Command::Check { out } => report::check(&out),
    }
}
