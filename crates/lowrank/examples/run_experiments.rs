//! Runs every experiment at quick scale and prints its claims (development aid).
//! `cargo run --release -p lowrank --example run_experiments [filter] [full]`

use opt_core::report::{RunContext, Scale};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let filter = args
        .get(1)
        .cloned()
        .filter(|a| a != "md" && a != "full")
        .unwrap_or_default();
    let scale = if args.iter().any(|a| a == "full") {
        Scale::Full
    } else {
        Scale::Quick
    };
    let seed: u64 = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for e in lowrank::repro::experiments() {
        if !e.id.contains(&filter) {
            continue;
        }
        let t = std::time::Instant::now();
        let out = (e.run)(&RunContext::quiet(scale, seed)).expect("experiment runs");
        if args.iter().any(|a| a == "md") {
            for c in &out.claims {
                println!(
                    "| {} | {} | {} | {:.3e} | {} | {} |",
                    e.id,
                    c.id,
                    c.paper.replace('|', "/"),
                    c.measured,
                    c.threshold,
                    if c.holds { "pass" } else { "FAIL" }
                );
            }
            eprintln!("{}: {:.2} s", e.id, t.elapsed().as_secs_f64());
            continue;
        }
        println!("== {} ({:.2} s)", e.id, t.elapsed().as_secs_f64());
        for c in &out.claims {
            println!(
                "  [{}] {}: {} ({})",
                if c.holds { "ok" } else { "FAIL" },
                c.id,
                c.measured,
                c.threshold
            );
        }
        for n in &out.notes {
            println!("  note: {n}");
        }
    }
}
