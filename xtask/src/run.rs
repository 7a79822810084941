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

#[cfg(test)]
mod tests {
    use super::*;

    fn run_in_pool(threads: usize, dir: &Path) {
        let exps = opt_core::selfcheck::experiments();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| reproduce(&exps, Scale::Quick, 7, dir))
            .expect("reproduce");
    }

    #[test]
    fn pipeline_writes_files_and_is_thread_count_independent() {
        let base = std::env::temp_dir().join(format!("optlab-xtask-{}", std::process::id()));
        let (one, two) = (base.join("t1"), base.join("t2"));
        run_in_pool(1, &one);
        run_in_pool(2, &two);
        let exp = "opt-core/adam-vs-gd-rosenbrock";
        for f in [
            "claims.json",
            "trace.csv",
            "figures.json",
            "summary.json",
            "rosenbrock-f.svg",
        ] {
            assert!(one.join(exp).join(f).is_file(), "{f} missing");
        }
        for f in ["claims.json", "trace.csv", "figures.json"] {
            let a = std::fs::read(one.join(exp).join(f)).expect("read");
            let b = std::fs::read(two.join(exp).join(f)).expect("read");
            assert!(a == b, "{f} differs between 1 and 2 threads");
        }
        crate::report::write_report(&one, "test").expect("report");
        let md = std::fs::read_to_string(one.join("REPORT.md")).expect("REPORT.md");
        assert!(md.contains("| crate | experiment | claim | paper | ours (threshold) | status |"));
        crate::report::check(&one).expect("claims hold");
        // merging a folder into another and checking an empty folder
        crate::report::merge(&one, &base.join("merged")).expect("merge");
        assert!(base.join("merged").join(exp).join("summary.json").is_file());
        assert!(crate::report::check(&base.join("empty")).is_err());
        std::fs::remove_dir_all(&base).expect("cleanup");
    }
}
