//! `REPORT.md`, merging result folders, and `check`.

use crate::output::{Summary, read_summaries};
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::path::Path;

fn crate_rank(name: &str) -> usize {
    crate::registry::CRATES
        .iter()
        .position(|c| *c == name)
        .unwrap_or(usize::MAX)
}

pub fn fmt_value(v: f64) -> String {
    if v == 0.0 || (v.abs() >= 1e-3 && v.abs() < 1e5) {
        format!("{}", (v * 1e4).round() / 1e4)
    } else {
        format!("{v:.3e}")
    }
}

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Writes `out/REPORT.md`: the claims table over every experiment found below `out`.
pub fn write_report(out: &Path, command: &str) -> Result<()> {
    let mut sums: Vec<Summary> = read_summaries(out)?.into_iter().map(|(_, s)| s).collect();
    sums.sort_by_key(|s| crate_rank(&s.crate_name));
    let (mut pass, mut fail, mut errors) = (0, 0, 0);
    let mut rows = String::new();
    for s in &sums {
        if let Some(e) = &s.result.error {
            errors += 1;
            let _ = writeln!(
                rows,
                "| {} | {} | (experiment failed to run) | | {} | ERROR |",
                s.crate_name,
                s.id,
                escape(e)
            );
        }
        for c in &s.result.claims {
            if c.holds {
                pass += 1
            } else {
                fail += 1
            }
            let _ = writeln!(
                rows,
                "| {} | {} | {} | {} | {} ({}) | {} |",
                s.crate_name,
                s.id,
                escape(&c.statement),
                escape(&c.paper),
                fmt_value(c.measured),
                escape(&c.threshold),
                if c.holds { "PASS" } else { "FAIL" }
            );
        }
    }
    let mut md = String::new();
    let _ = writeln!(md, "# optlab reproduction report\n");
    let _ = writeln!(md, "Produced by `{command}`.\n");
    if let Some(s) = sums.first() {
        let p = &s.provenance;
        let _ = writeln!(
            md,
            "Scale `{}`, seed {}, commit `{}`{}, {}, {} thread(s).\n",
            p.scale,
            p.seed,
            p.git_commit,
            if p.git_dirty { " (dirty)" } else { "" },
            p.rustc,
            p.threads
        );
    }
    let _ = writeln!(
        md,
        "**{pass} claims pass, {fail} fail, {errors} experiment(s) errored** over {} experiment(s).\n",
        sums.len()
    );
    let _ = writeln!(
        md,
        "| crate | experiment | claim | paper | ours (threshold) | status |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    md.push_str(&rows);
    let _ = writeln!(md, "\n## Experiments\n");
    for s in &sums {
        let _ = writeln!(
            md,
            "- `{}/{}`: {} ({}); {:.1} s; folder `{}/{}/`",
            s.crate_name, s.id, s.title, s.paper_ref, s.provenance.wall_seconds, s.crate_name, s.id
        );
        for n in &s.result.notes {
            let _ = writeln!(md, "  - {}", escape(n));
        }
    }
    std::fs::write(out.join("REPORT.md"), md)
        .with_context(|| format!("writing {}/REPORT.md", out.display()))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Copies every experiment folder of `from` into `out` (replacing same-named ones).
pub fn merge(from: &Path, out: &Path) -> Result<()> {
    let found = read_summaries(from)?;
    if found.is_empty() {
        bail!("no results (summary.json) found in {}", from.display());
    }
    if from.canonicalize()? == out.canonicalize().unwrap_or_else(|_| out.to_path_buf()) {
        return Ok(());
    }
    for (dir, s) in found {
        let target = out.join(&s.crate_name).join(&s.id);
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        copy_dir(&dir, &target)?;
    }
    Ok(())
}

/// Fails when `out` has no results, an experiment errored, or a claim does not hold.
pub fn check(out: &Path) -> Result<()> {
    let sums = read_summaries(out)?;
    if sums.is_empty() {
        bail!(
            "no results in {}: run `cargo xtask reproduce` first",
            out.display()
        );
    }
    let mut bad = Vec::new();
    let mut n = 0;
    for (_, s) in &sums {
        if let Some(e) = &s.result.error {
            bad.push(format!("{}/{}: ERROR {e}", s.crate_name, s.id));
        }
        for c in &s.result.claims {
            n += 1;
            if !c.holds {
                bad.push(format!(
                    "{}/{} {}: measured {} (threshold {}; paper {})",
                    s.crate_name, s.id, c.id, c.measured, c.threshold, c.paper
                ));
            }
        }
    }
    if bad.is_empty() {
        println!("check: all {n} claims of {} experiment(s) hold", sums.len());
        Ok(())
    } else {
        bail!(
            "{} of {n} claims fail or errored:\n{}",
            bad.len(),
            bad.join("\n")
        )
    }
}
