//! The demo's pictures: the loss curve and the learned filter against the true one (SVG).

use std::path::Path;

use plotters::prelude::*;

use crate::error::CliError;

fn err(what: &str) -> impl Fn(Box<dyn std::fmt::Display>) -> CliError + '_ {
    move |e| CliError::new(format!("cannot draw {what}: {e}"))
}

fn boxed<E: std::fmt::Display + 'static>(e: E) -> Box<dyn std::fmt::Display> {
    Box::new(e)
}

/// `losses` against the step, log y.
pub fn loss(path: &Path, losses: &[f64]) -> Result<(), CliError> {
    let fail = err("the loss curve");
    let lo = losses.iter().copied().fold(f64::INFINITY, f64::min).max(1e-30);
    let hi = losses.iter().copied().fold(0.0, f64::max).max(lo * 10.0);
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(boxed(e)))?;
    let mut chart = ChartBuilder::on(&root)
        .caption("training loss (mean squared error)", ("sans-serif", 22))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(0usize..losses.len().max(2) - 1, (lo / 2.0..hi * 2.0).log_scale())
        .map_err(|e| fail(boxed(e)))?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("loss")
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()
        .map_err(|e| fail(boxed(e)))?;
    chart
        .draw_series(LineSeries::new(
            losses.iter().enumerate().map(|(i, &l)| (i, l.max(lo))),
            &BLUE,
        ))
        .map_err(|e| fail(boxed(e)))?;
    root.present().map_err(|e| fail(boxed(e)))
}

/// One panel: `true` and `learned` at the taps `taps`.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    taps: &[usize],
    truth: &[f32],
    learned: &[f32],
) -> Result<(), CliError>
where
    DB::ErrorType: 'static,
{
    let fail = err("the filter");
    let amp = truth
        .iter()
        .chain(learned)
        .fold(0.0f32, |a, v| a.max(v.abs()))
        .max(1e-12) as f64
        * 1.1;
    let (x0, x1) = (taps[0], *taps.last().unwrap_or(&1));
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1.max(x0 + 1), -amp..amp)
        .map_err(|e| fail(boxed(e)))?;
    chart
        .configure_mesh()
        .x_desc("tap")
        .draw()
        .map_err(|e| fail(boxed(e)))?;
    let series = |v: &[f32]| taps.iter().zip(v).map(|(&t, &y)| (t, y as f64)).collect::<Vec<_>>();
    chart
        .draw_series(LineSeries::new(series(truth), RED.stroke_width(3)))
        .map_err(|e| fail(boxed(e)))?
        .label("true")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(3)));
    chart
        .draw_series(LineSeries::new(series(learned), &BLUE))
        .map_err(|e| fail(boxed(e)))?
        .label("learned")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| fail(boxed(e)))
}

/// The learned filter against the true one: the first 512 taps, and the whole filter
/// downsampled to at most 2048 points.
pub fn kernel(path: &Path, truth: &[f32], learned: &[f32]) -> Result<(), CliError> {
    let root = SVGBackend::new(path, (1000, 800)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err("the filter")(boxed(e)))?;
    let panels = root.split_evenly((2, 1));
    let head: Vec<usize> = (0..truth.len().min(512)).collect();
    panel(
        &panels[0],
        "first 512 taps",
        &head,
        &truth[..head.len()],
        &learned[..head.len()],
    )?;
    let stride = truth.len().div_ceil(2048).max(1);
    let all: Vec<usize> = (0..truth.len()).step_by(stride).collect();
    let pick = |v: &[f32]| all.iter().map(|&i| v[i]).collect::<Vec<_>>();
    let title = format!("all {} taps (every {stride}th)", truth.len());
    panel(&panels[1], &title, &all, &pick(truth), &pick(learned))?;
    root.present().map_err(|e| err("the filter")(boxed(e)))
}
