//! SVG plots of `Figure`s with plotters' SVG backend (no system fonts needed).
//!
//! Log axes are drawn by plotting `log10` of the data on a linear axis with `1e<k>` tick labels;
//! non-positive values on a log axis and non-finite values are skipped.

use anyhow::{Result, anyhow};
use opt_core::report::Figure;
use plotters::prelude::*;
use std::path::Path;

const COLORS: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

fn transform(v: f64, log: bool) -> Option<f64> {
    match (log, v.is_finite()) {
        (_, false) => None,
        (true, _) if v <= 0.0 => None,
        (true, _) => Some(v.log10()),
        (false, _) => Some(v),
    }
}

fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    let span = hi - lo;
    if span <= 0.0 {
        let d = lo.abs().max(1.0) * 0.05;
        return (lo - d, hi + d);
    }
    (lo - 0.03 * span, hi + 0.03 * span)
}

fn tick(v: f64, log: bool) -> String {
    if log {
        let p = 10f64.powf(v);
        format!("{p:.0e}")
    } else if v != 0.0 && (v.abs() >= 1e4 || v.abs() < 1e-2) {
        format!("{v:.1e}")
    } else {
        format!("{}", (v * 1000.0).round() / 1000.0)
    }
}

/// Renders `fig` to `path` as SVG.
pub fn render(fig: &Figure, path: &Path) -> Result<()> {
    let series: Vec<(String, Vec<(f64, f64)>)> = fig
        .series
        .iter()
        .map(|s| {
            let pts = s
                .x
                .iter()
                .zip(&s.y)
                .filter_map(|(x, y)| Some((transform(*x, fig.log_x)?, transform(*y, fig.log_y)?)))
                .collect();
            (s.name.clone(), pts)
        })
        .collect();
    let all = series.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for &(x, y) in all {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let (x0, x1) = padded(x0, x1);
    let (y0, y1) = padded(y0, y1);
    let root = SVGBackend::new(path, (800, 520)).into_drawing_area();
    let err = |e: &dyn std::fmt::Display| anyhow!("plotting {}: {e}", path.display());
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(&fig.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(72)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(&e))?;
    let (lx, ly) = (fig.log_x, fig.log_y);
    chart
        .configure_mesh()
        .x_desc(fig.x_label.as_str())
        .y_desc(fig.y_label.as_str())
        .x_label_formatter(&|v| tick(*v, lx))
        .y_label_formatter(&|v| tick(*v, ly))
        .draw()
        .map_err(|e| err(&e))?;
    for (i, (name, pts)) in series.into_iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let style = ShapeStyle::from(&color).stroke_width(2);
        if pts.len() == 1 {
            chart
                .draw_series(PointSeries::of_element(
                    pts,
                    4,
                    style.filled(),
                    &|c, s, st| EmptyElement::at(c) + Circle::new((0, 0), s, st),
                ))
                .map_err(|e| err(&e))?
                .label(name)
                .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
        } else {
            chart
                .draw_series(LineSeries::new(pts, style))
                .map_err(|e| err(&e))?
                .label(name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

/// Re-renders every `figures.json` below `out`; returns the number of SVGs written.
pub fn render_all(out: &Path) -> Result<usize> {
    let mut n = 0;
    for (dir, _) in crate::output::read_summaries(out)? {
        let path = dir.join("figures.json");
        if !path.is_file() {
            continue;
        }
        let figs: Vec<Figure> = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        for f in &figs {
            render(f, &dir.join(format!("{}.svg", f.id)))?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use opt_core::report::Series;

    #[test]
    fn renders_log_and_linear_figures() {
        let dir = std::env::temp_dir().join(format!("optlab-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fig = Figure::new("f", "test", "x", "y")
            .log_axes(true, true)
            .with(Series::new(
                "a",
                vec![1.0, 10.0, 100.0],
                vec![1.0, 0.1, 0.0],
            ))
            .with(Series::new("b", vec![5.0], vec![0.5]));
        let p = dir.join("f.svg");
        render(&fig, &p).unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("test"));
        let empty = Figure::new("e", "empty", "x", "y");
        render(&empty, &dir.join("e.svg")).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
