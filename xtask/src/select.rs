//! Choosing experiments: by name and by shard.

use anyhow::{Result, bail};
use opt_core::report::Experiment;

/// Shard `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl Shard {
    /// Parses `i/n` with `1 <= i <= n`.
    pub fn parse(s: &str) -> Result<Self> {
        let Some((i, n)) = s.split_once('/') else {
            bail!("invalid --shard {s:?}: expected i/n, e.g. 2/4");
        };
        let (i, n): (usize, usize) = match (i.trim().parse(), n.trim().parse()) {
            (Ok(i), Ok(n)) => (i, n),
            _ => bail!("invalid --shard {s:?}: i and n must be whole numbers"),
        };
        if n == 0 || i == 0 || i > n {
            bail!("invalid --shard {s:?}: need 1 <= i <= n");
        }
        Ok(Self {
            index: i - 1,
            count: n,
        })
    }

    /// `--shard` if given, else the Slurm array variables (task id relative to SLURM_ARRAY_TASK_MIN).
    pub fn from_arg_or_env(arg: Option<&str>) -> Result<Option<Self>> {
        if let Some(s) = arg {
            return Self::parse(s).map(Some);
        }
        let var = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<usize>().ok());
        match (var("SLURM_ARRAY_TASK_ID"), var("SLURM_ARRAY_TASK_COUNT")) {
            (Some(id), Some(count)) => {
                let min = var("SLURM_ARRAY_TASK_MIN").unwrap_or(0);
                Self::parse(&format!("{}/{count}", id.saturating_sub(min) + 1)).map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// The experiments named by `target` (`all`, a crate, an id or `crate/id`), restricted to `shard`
/// (experiment `k` of the selection goes to shard `k mod n`).
pub fn select(all: &[Experiment], target: &str, shard: Option<Shard>) -> Result<Vec<Experiment>> {
    let chosen: Vec<Experiment> = all
        .iter()
        .filter(|e| {
            target == "all" || e.crate_name == target || e.id == target || e.full_id() == target
        })
        .copied()
        .collect();
    if chosen.is_empty() {
        let crates: std::collections::BTreeSet<&str> = all.iter().map(|e| e.crate_name).collect();
        bail!(
            "unknown experiment or crate {target:?}; crates with experiments: {}; `cargo xtask list` shows every experiment",
            crates.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(match shard {
        None => chosen,
        Some(s) => chosen
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % s.count == s.index)
            .map(|(_, e)| e)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parsing() {
        assert_eq!(Shard::parse("2/4").unwrap(), Shard { index: 1, count: 4 });
        for bad in ["3/2", "0/2", "1/0", "x/2", "12"] {
            let e = Shard::parse(bad).unwrap_err().to_string();
            assert!(e.contains("--shard"), "{e}");
        }
    }

    #[test]
    fn selection_and_shards_partition() {
        let all = crate::registry::all();
        assert!(select(&all, "no-such-thing", None).is_err());
        let every = select(&all, "all", None).unwrap();
        let mut seen = 0;
        for i in 1..=3 {
            seen += select(&all, "all", Some(Shard::parse(&format!("{i}/3")).unwrap()))
                .unwrap()
                .len();
        }
        assert_eq!(seen, every.len());
        let one = select(&all, "opt-core/adam-vs-gd-rosenbrock", None).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(
            select(&all, "opt-core", None).unwrap().len(),
            opt_core::selfcheck::experiments().len()
        );
    }
}
