//! Regenerating the measured blocks of `README.md` and `docs/<crate>.md` from results.
//!
//! A generated block sits between `<!-- claims:start -->` / `<!-- claims:end -->` (README) or
//! `<!-- results:start -->` / `<!-- results:end -->` (a crate's page); everything else is left alone.

use crate::output::{Summary, read_summaries};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

fn replace_block(text: &str, start: &str, end: &str, body: &str) -> Option<String> {
    let a = text.find(start)? + start.len();
    let b = a + text[a..].find(end)?;
    Some(format!("{}\n{}{}", &text[..a], body, &text[b..]))
}

fn update_file(path: &Path, start: &str, end: &str, body: &str) -> Result<bool> {
    if !path.is_file() {
        return Ok(false);
    }
    let text = std::fs::read_to_string(path)?;
    match replace_block(&text, start, end, body) {
        Some(new) if new != text => {
            std::fs::write(path, new).with_context(|| format!("writing {}", path.display()))?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

fn provenance_line(sums: &[&Summary]) -> String {
    sums.first().map_or_else(String::new, |s| {
        let p = &s.provenance;
        format!(
            "Generated from `results/` (scale `{}`, seed {}, commit `{}`).\n",
            p.scale,
            p.seed,
            &p.git_commit[..p.git_commit.len().min(12)]
        )
    })
}

/// Rewrites the generated blocks; returns the files changed.
pub fn update_docs(out: &Path, root: &Path) -> Result<Vec<String>> {
    let sums: Vec<Summary> = read_summaries(out)?.into_iter().map(|(_, s)| s).collect();
    let mut changed = Vec::new();
    let mut readme = String::new();
    let all: Vec<&Summary> = sums.iter().collect();
    readme.push_str(&provenance_line(&all));
    readme.push_str(
        "\n| crate | experiments | claims | pass | fail | errored |\n|---|---|---|---|---|---|\n",
    );
    for krate in crate::registry::CRATES {
        let mine: Vec<&Summary> = sums.iter().filter(|s| s.crate_name == *krate).collect();
        if mine.is_empty() {
            continue;
        }
        let claims: Vec<_> = mine.iter().flat_map(|s| &s.result.claims).collect();
        let pass = claims.iter().filter(|c| c.holds).count();
        let errored = mine.iter().filter(|s| s.result.error.is_some()).count();
        let _ = writeln!(
            readme,
            "| {krate} | {} | {} | {pass} | {} | {errored} |",
            mine.len(),
            claims.len(),
            claims.len() - pass
        );
        let mut page = provenance_line(&mine);
        page.push_str("\n| experiment | claim | paper | ours | threshold | status |\n|---|---|---|---|---|---|\n");
        for s in &mine {
            for c in &s.result.claims {
                let _ = writeln!(
                    page,
                    "| {} | {} | {} | {} | {} | {} |",
                    s.id,
                    c.statement.replace('|', "\\|"),
                    c.paper.replace('|', "\\|"),
                    crate::report::fmt_value(c.measured),
                    c.threshold,
                    if c.holds { "PASS" } else { "FAIL" }
                );
            }
            if let Some(e) = &s.result.error {
                let _ = writeln!(
                    page,
                    "| {} | (failed to run) | | {} | | ERROR |",
                    s.id,
                    e.replace('|', "\\|")
                );
            }
        }
        let doc = root.join("docs").join(format!("{krate}.md"));
        if update_file(
            &doc,
            "<!-- results:start -->",
            "<!-- results:end -->",
            &page,
        )? {
            changed.push(doc.display().to_string());
        }
    }
    let path = root.join("README.md");
    if update_file(
        &path,
        "<!-- claims:start -->",
        "<!-- claims:end -->",
        &readme,
    )? {
        changed.push(path.display().to_string());
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_block() {
        let t = "a\n<!-- s -->\nold\n<!-- e -->\nz\n";
        assert_eq!(
            replace_block(t, "<!-- s -->", "<!-- e -->", "new\n").unwrap(),
            "a\n<!-- s -->\nnew\n<!-- e -->\nz\n"
        );
        assert!(replace_block("no markers", "<!-- s -->", "<!-- e -->", "x").is_none());
    }
}
