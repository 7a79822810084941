//! Writing one experiment's folder: `summary.json`, `claims.json`, `figures.json`, `trace.csv`, SVGs.
//!
//! `claims.json`, `figures.json` and `trace.csv` hold only what the experiment computed, so they are
//! byte-identical across thread counts and machines; `summary.json` adds provenance (commit, rustc,
//! threads, wall time).

use anyhow::{Context, Result};
use opt_core::report::{Experiment, ExperimentError, ExperimentOutput, Scale};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where and how a result was produced.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Provenance {
    pub git_commit: String,
    pub git_dirty: bool,
    pub rustc: String,
    pub threads: usize,
    pub wall_seconds: f64,
    pub scale: Scale,
    pub seed: u64,
    pub unix_time: u64,
}

fn command_output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Provenance {
    pub fn collect(scale: Scale, seed: u64) -> Self {
        Self {
            git_commit: command_output("git", &["rev-parse", "HEAD"])
                .unwrap_or_else(|| "unknown".into()),
            git_dirty: command_output("git", &["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty()),
            rustc: command_output(
                &std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()),
                &["--version"],
            )
            .unwrap_or_else(|| "unknown".into()),
            threads: rayon::current_num_threads(),
            wall_seconds: 0.0,
            scale,
            seed,
            unix_time: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        }
    }
    pub fn with_wall(&self, wall: f64) -> Self {
        Self {
            wall_seconds: wall,
            ..self.clone()
        }
    }
}

/// The deterministic part of a result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClaimsFile {
    pub experiment: String,
    pub status: String,
    pub error: Option<String>,
    pub claims: Vec<opt_core::report::Claim>,
    pub config: serde_json::Value,
    pub notes: Vec<String>,
}

/// `summary.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub crate_name: String,
    pub id: String,
    pub title: String,
    pub paper_ref: String,
    #[serde(flatten)]
    pub result: ClaimsFile,
    pub provenance: Provenance,
}

pub fn experiment_dir(out: &Path, crate_name: &str, id: &str) -> PathBuf {
    out.join(crate_name).join(id)
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
}

pub fn write_experiment(
    out: &Path,
    e: &Experiment,
    result: &Result<ExperimentOutput, ExperimentError>,
    provenance: &Provenance,
) -> Result<()> {
    let dir = experiment_dir(out, e.crate_name, e.id);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    std::fs::create_dir_all(&dir)?;
    let empty = ExperimentOutput::default();
    let (output, status, error) = match result {
        Ok(o) => (o, "ok", None),
        Err(err) => (&empty, "error", Some(err.to_string())),
    };
    let claims = ClaimsFile {
        experiment: e.full_id(),
        status: status.into(),
        error,
        claims: output.claims.clone(),
        config: output.config.clone(),
        notes: output.notes.clone(),
    };
    write_json(&dir.join("claims.json"), &claims)?;
    write_json(&dir.join("figures.json"), &output.figures)?;
    std::fs::write(dir.join("trace.csv"), output.trace.to_csv())?;
    for fig in &output.figures {
        crate::plot::render(fig, &dir.join(format!("{}.svg", fig.id)))?;
    }
    let summary = Summary {
        crate_name: e.crate_name.into(),
        id: e.id.into(),
        title: e.title.into(),
        paper_ref: e.paper_ref.into(),
        result: claims,
        provenance: provenance.clone(),
    };
    write_json(&dir.join("summary.json"), &summary)
}

/// Every `summary.json` below `out`, sorted by (crate, id).
pub fn read_summaries(out: &Path) -> Result<Vec<(PathBuf, Summary)>> {
    let mut found = Vec::new();
    if !out.exists() {
        return Ok(found);
    }
    for krate in std::fs::read_dir(out)? {
        let krate = krate?.path();
        if !krate.is_dir() {
            continue;
        }
        for exp in std::fs::read_dir(&krate)? {
            let dir = exp?.path();
            let path = dir.join("summary.json");
            if path.is_file() {
                let text = std::fs::read_to_string(&path)?;
                let s: Summary = serde_json::from_str(&text)
                    .with_context(|| format!("parsing {}", path.display()))?;
                found.push((dir, s));
            }
        }
    }
    found.sort_by(|a, b| (&a.1.crate_name, &a.1.id).cmp(&(&b.1.crate_name, &b.1.id)));
    Ok(found)
}
