//! Observers receive each step's [`StepInfo`]: record it, write CSV or JSON lines, or stop the run.
//!
//! Libraries never print; they hand their reports to an observer the caller chooses.

use crate::algorithm::StepInfo;
use crate::report::Table;
use std::io::Write;

/// What an observer asks of the driver after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep going.
    Continue,
    /// Stop the run ([`crate::algorithm::Termination::Observer`]).
    Stop,
}

/// Receives every step's report.
pub trait Observer {
    /// Called after step `iter` (1-based).
    fn on_step(&mut self, iter: usize, info: &StepInfo) -> Control;
}

/// Ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoObserver;

impl Observer for NoObserver {
    fn on_step(&mut self, _: usize, _: &StepInfo) -> Control {
        Control::Continue
    }
}

/// A closure as an observer.
pub struct FnObserver<F>(pub F);

impl<F: FnMut(usize, &StepInfo) -> Control> Observer for FnObserver<F> {
    fn on_step(&mut self, iter: usize, info: &StepInfo) -> Control {
        (self.0)(iter, info)
    }
}

/// Passes only every `n`-th step (and the first) to `inner`.
pub struct Every<O> {
    n: usize,
    inner: O,
}

/// Wraps `inner` so it sees steps 1, n, 2n, ... (`n` = 0 is treated as 1).
pub fn every<O: Observer>(n: usize, inner: O) -> Every<O> {
    Every { n: n.max(1), inner }
}

impl<O> Every<O> {
    /// The wrapped observer.
    pub fn into_inner(self) -> O {
        self.inner
    }
}

impl<O: Observer> Observer for Every<O> {
    fn on_step(&mut self, iter: usize, info: &StepInfo) -> Control {
        if iter == 1 || iter.is_multiple_of(self.n) {
            self.inner.on_step(iter, info)
        } else {
            Control::Continue
        }
    }
}

impl<A: Observer, B: Observer> Observer for (A, B) {
    fn on_step(&mut self, iter: usize, info: &StepInfo) -> Control {
        let a = self.0.on_step(iter, info);
        let b = self.1.on_step(iter, info);
        if a == Control::Stop || b == Control::Stop {
            Control::Stop
        } else {
            Control::Continue
        }
    }
}

impl<O: Observer + ?Sized> Observer for &mut O {
    fn on_step(&mut self, iter: usize, info: &StepInfo) -> Control {
        (**self).on_step(iter, info)
    }
}

/// Keeps every report in memory as a [`Table`] with an `iter` column first.
///
/// Columns are fixed by the first step; a later report missing a column records NaN there.
#[derive(Debug, Default, Clone)]
pub struct Recorder {
    table: Table,
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }
    /// Number of recorded steps.
    pub fn len(&self) -> usize {
        self.table.rows.len()
    }
    /// True before the first step.
    pub fn is_empty(&self) -> bool {
        self.table.rows.is_empty()
    }
    /// The recorded table.
    pub fn table(&self) -> &Table {
        &self.table
    }
    /// Consumes the recorder.
    pub fn into_table(self) -> Table {
        self.table
    }
    /// One column by name.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        self.table.column(name)
    }
}

impl Observer for Recorder {
    fn on_step(&mut self, iter: usize, info: &StepInfo) -> Control {
        if self.table.columns.is_empty() {
            self.table.columns.push("iter".into());
            self.table
                .columns
                .extend(info.iter().map(|(n, _)| n.to_string()));
        }
        let mut row = Vec::with_capacity(self.table.columns.len());
        row.push(iter as f64);
        for c in &self.table.columns[1..] {
            row.push(info.get(c).unwrap_or(f64::NAN));
        }
        self.table.rows.push(row);
        Control::Continue
    }
}

/// Writes `iter,<names...>` CSV rows; the header comes from the first step.
/// An I/O error stops the run and is returned by [`CsvWriter::finish`].
pub struct CsvWriter<W: Write> {
    out: W,
    columns: Vec<&'static str>,
    error: Option<std::io::Error>,
}

impl<W: Write> CsvWriter<W> {
    /// Writes to `out` (wrap files in a `BufWriter`).
    pub fn new(out: W) -> Self {
        Self {
            out,
            columns: Vec::new(),
            error: None,
        }
    }
    /// Flushes and returns the writer, or the first I/O error.
    pub fn finish(mut self) -> std::io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }
    fn write_step(&mut self, iter: usize, info: &StepInfo) -> std::io::Result<()> {
        if self.columns.is_empty() {
            self.columns = info.iter().map(|(n, _)| n).collect();
            write!(self.out, "iter")?;
            for c in &self.columns {
                write!(self.out, ",{c}")?;
            }
            writeln!(self.out)?;
        }
        write!(self.out, "{iter}")?;
        for c in &self.columns {
            write!(self.out, ",{}", info.get(c).unwrap_or(f64::NAN))?;
        }
        writeln!(self.out)
    }
}

impl<W: Write> Observer for CsvWriter<W> {
    fn on_step(&mut self, iter: usize, info: &StepInfo) -> Control {
        if self.error.is_some() {
            return Control::Stop;
        }
        match self.write_step(iter, info) {
            Ok(()) => Control::Continue,
            Err(e) => {
                self.error = Some(e);
                Control::Stop
            }
        }
    }
}

/// Writes one JSON object per step: `{"iter":1,"loss":0.5}`. Non-finite values become `null`.
pub struct JsonLinesWriter<W: Write> {
    out: W,
    error: Option<std::io::Error>,
}

impl<W: Write> JsonLinesWriter<W> {
    /// Writes to `out`.
    pub fn new(out: W) -> Self {
        Self { out, error: None }
    }
    /// Flushes and returns the writer, or the first I/O error.
    pub fn finish(mut self) -> std::io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Observer for JsonLinesWriter<W> {
    fn on_step(&mut self, iter: usize, info: &StepInfo) -> Control {
        if self.error.is_some() {
            return Control::Stop;
        }
        let mut obj = serde_json::Map::new();
        obj.insert("iter".into(), iter.into());
        for (n, v) in info.iter() {
            let value = serde_json::Number::from_f64(v)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null);
            obj.insert(n.into(), value);
        }
        match writeln!(self.out, "{}", serde_json::Value::Object(obj)) {
            Ok(()) => Control::Continue,
            Err(e) => {
                self.error = Some(e);
                Control::Stop
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(o: &mut dyn Observer, n: usize) -> Vec<Control> {
        (1..=n)
            .map(|i| {
                let info = StepInfo::new()
                    .with("loss", 1.0 / i as f64)
                    .with("k", i as f64);
                o.on_step(i, &info)
            })
            .collect()
    }

    #[test]
    fn csv_and_jsonl_writers() {
        let mut csv = CsvWriter::new(Vec::new());
        feed(&mut csv, 2);
        let text = String::from_utf8(csv.finish().unwrap()).unwrap();
        assert_eq!(text, "iter,loss,k\n1,1,1\n2,0.5,2\n");
        let mut js = JsonLinesWriter::new(Vec::new());
        feed(&mut js, 1);
        js.on_step(2, &StepInfo::new().with("loss", f64::NAN));
        let text = String::from_utf8(js.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            "{\"iter\":1,\"k\":1.0,\"loss\":1.0}\n{\"iter\":2,\"loss\":null}\n"
        );
    }

    #[test]
    fn every_and_recorder() {
        let mut ev = every(3, Recorder::new());
        feed(&mut ev, 10);
        let rec = ev.into_inner();
        assert_eq!(rec.column("iter").unwrap(), vec![1.0, 3.0, 6.0, 9.0]);
        assert_eq!(rec.table().columns, vec!["iter", "loss", "k"]);
    }

    #[test]
    fn closure_and_pair_stop() {
        let mut pair = (
            Recorder::new(),
            FnObserver(|i: usize, _: &StepInfo| {
                if i >= 2 {
                    Control::Stop
                } else {
                    Control::Continue
                }
            }),
        );
        let c = feed(&mut pair, 3);
        assert_eq!(c, vec![Control::Continue, Control::Stop, Control::Stop]);
    }

    struct Broken;
    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn io_error_stops_and_is_reported() {
        let mut csv = CsvWriter::new(Broken);
        assert_eq!(feed(&mut csv, 2), vec![Control::Stop, Control::Stop]);
        assert!(csv.finish().is_err());
    }
}
