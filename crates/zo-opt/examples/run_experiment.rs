//! Runs zo-opt experiments and prints their claims and notes (a development aid; the official
//! runner is `cargo xtask reproduce zo-opt`).
//!
//! `cargo run --release -p zo-opt --example run_experiment -- [quick|full] [seed] [id-substring]`

use opt_core::report::{RunContext, Scale};

fn main() -> Result<(), opt_core::report::ExperimentError> {
    let args: Vec<String> = std::env::args().collect();
    let scale: Scale = args.get(1).map_or("quick", |s| s.as_str()).parse()?;
    let seed: u64 = args.get(2).map_or(Ok(0), |s| s.parse())?;
    let filter = args.get(3).cloned().unwrap_or_default();
    for e in zo_opt::repro::experiments() {
        if !e.id.contains(&filter) {
            continue;
        }
        let t0 = std::time::Instant::now();
        let out = (e.run)(&RunContext::quiet(scale, seed))?;
        println!("== {} ({:.2} s)", e.id, t0.elapsed().as_secs_f64());
        for c in &out.claims {
            let status = if c.holds { "PASS" } else { "FAIL" };
            println!(
                "  [{status}] {}: {} (threshold {})",
                c.id, c.measured, c.threshold
            );
        }
        for n in &out.notes {
            println!("  note: {n}");
        }
    }
    Ok(())
}
