//! Running experiments in parallel with progress bars.

use crate::output::{Provenance, write_experiment};
use anyhow::Result;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use opt_core::report::{Experiment, RunContext, Scale};
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

/// Runs `experiments` (in parallel over experiments; each may parallelise inside) and writes
/// each one's folder under `out` as soon as it finishes. Failed claims do not stop the run;
/// `cargo xtask check` judges them.
pub fn reproduce(experiments: &[Experiment], scale: Scale, seed: u64, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out)?;
    let multi = MultiProgress::new();
    let overall = multi.add(ProgressBar::new(experiments.len() as u64));
    overall.set_style(
        ProgressStyle::with_template(
            "{prefix:>12} [{bar:40}] {pos}/{len} experiments ({elapsed})",
        )?
        .progress_chars("=> "),
    );
    overall.set_prefix("reproduce");
    let step_style = ProgressStyle::with_template("{prefix:>40} [{bar:30}] {pos}/{len} {msg}")?
        .progress_chars("=> ");
    let base = Provenance::collect(scale, seed);
    let lines: Vec<Result<String>> = experiments
        .par_iter()
        .map(|e| {
            let bar = multi.insert_before(&overall, ProgressBar::new(1));
            bar.set_style(step_style.clone());
            bar.set_prefix(e.full_id());
            let progress = |done: u64, total: u64| {
                bar.set_length(total.max(1));
                bar.set_position(done.min(total));
            };
            let ctx = RunContext::new(scale, seed, &progress);
            let start = Instant::now();
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (e.run)(&ctx)))
                .unwrap_or_else(|p| {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "panic".into());
                    Err(format!("experiment panicked: {msg}").into())
                });
            let wall = start.elapsed().as_secs_f64();
            bar.finish_and_clear();
            overall.inc(1);
            let line = match &result {
                Ok(o) => {
                    let failed = o.failed_claims().len();
                    format!(
                        "{:<48} {:>3} claims, {} failed  ({wall:.1} s)",
                        e.full_id(),
                        o.claims.len(),
                        failed
                    )
                }
                Err(err) => format!("{:<48} ERROR: {err}  ({wall:.1} s)", e.full_id()),
            };
            write_experiment(out, e, &result, &base.with_wall(wall))?;
            Ok(line)
        })
        .collect();
    overall.finish_and_clear();
    for l in lines {
        println!("{}", l?);
    }
    Ok(())
}
