//! Shards: which points one task of a split sweep runs.

/// The environment variable Slurm sets to a job array task's id.
pub const SLURM_TASK_ID: &str = "SLURM_ARRAY_TASK_ID";

/// Which points a shard runs: `index` of `count`, 1-based as written
/// (`--shard 3/16`); point ids with `id % count == index - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// Parses `I/N` with 1 <= I <= N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected I/N such as 3/16, found `{s}`"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("expected a shard number, found `{i}`"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("expected a shard count, found `{n}`"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "expected 1 <= I <= N in I/N, found {index}/{count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parses `--shard`: `I/N`, or `auto/N`, which takes `I` from the
    /// Slurm array task id `task_id` (the value of [`SLURM_TASK_ID`], for an
    /// array submitted as `--array=1-N`). `N` is always given: a resubmitted
    /// task runs in an array of its own, whose task count is not `N`.
    /// Returns the shard and whether `I` came from the task id.
    pub fn resolve(spec: &str, task_id: Option<&str>) -> Result<(Shard, bool), String> {
        let Some(n) = spec.trim().strip_prefix("auto/") else {
            return Shard::parse(spec).map(|s| (s, false));
        };
        let count: u32 = n
            .trim()
            .parse()
            .ok()
            .filter(|&c| c > 0)
            .ok_or_else(|| format!("expected a shard count from 1 in auto/N, found `{n}`"))?;
        let Some(task) = task_id else {
            return Err(format!(
                "`auto/{count}` takes the shard number from {SLURM_TASK_ID}, which is not set \
                 (not a Slurm array task); submit it with `sbatch --array=1-{count}`, or give \
                 the number, such as 1/{count}"
            ));
        };
        let index = task
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|i| (1..=count).contains(i))
            .ok_or_else(|| {
                format!(
                    "`auto/{count}`: {SLURM_TASK_ID} is `{task}`, expected a whole number from 1 \
                     to {count}; submit the array as --array=1-{count}, or a part of it (each \
                     task id is its shard number)"
                )
            })?;
        Ok((Shard { index, count }, true))
    }

    pub fn contains(&self, id: u64) -> bool {
        id % u64::from(self.count) == u64::from(self.index - 1)
    }

    /// Point ids of this shard among `total`, ascending.
    pub fn ids(&self, total: u64) -> impl Iterator<Item = u64> {
        (u64::from(self.index - 1)..total).step_by(self.count as usize)
    }
}
