//! Trends drawn small: a text sparkline for markdown and the terminal, and the geometry of the
//! inline SVG charts of the HTML report (the template writes the elements, escaping every label).
//!
//! Both scale from zero (or from the lowest value, were one below zero): a share of 80% and
//! one of 90% should look alike, not like empty and full.

use serde::Serialize;

/// The sparkline's levels, lowest first.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// A bucket with no value.
pub const GAP: char = '·';

/// One character a bucket: its value's level between the baseline and the highest value, or
/// [`GAP`] where the bucket has none.
pub fn sparkline(values: &[Option<f64>]) -> String {
    let (low, high) = range(values);
    values
        .iter()
        .map(|v| match v {
            None => GAP,
            Some(v) if high <= low => LEVELS[if *v > 0.0 { LEVELS.len() - 1 } else { 0 }],
            Some(v) => {
                let level = ((v - low) / (high - low) * (LEVELS.len() - 1) as f64).round();
                LEVELS[(level.max(0.0) as usize).min(LEVELS.len() - 1)]
            }
        })
        .collect()
}

/// The baseline (zero, or the lowest value when below zero) and the highest value.
fn range(values: &[Option<f64>]) -> (f64, f64) {
    let present = values.iter().flatten().copied().filter(|v| v.is_finite());
    present.fold((0.0_f64, 0.0_f64), |(low, high), v| (low.min(v), high.max(v)))
}

/// The SVG charts' coordinate system (the `viewBox`): the plot sits between the margins, the
/// labels of the axes in them.
pub const WIDTH: f64 = 320.0;
pub const HEIGHT: f64 = 140.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 22.0;

/// A value's place in the plot, in `viewBox` units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Where each bucket's value goes: buckets spread evenly across the plot (each at the middle of
/// its slot), values from the baseline at the bottom to the highest at the top.
pub fn place(values: &[Option<f64>], highest: f64) -> Vec<Option<Point>> {
    let slot = slot_width(values.len());
    let plot_height = HEIGHT - TOP - BOTTOM;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let v = v.filter(|v| v.is_finite())?;
            let share = if highest > 0.0 { (v / highest).clamp(0.0, 1.0) } else { 0.0 };
            Some(Point { x: round(LEFT + slot * (i as f64 + 0.5)), y: round(HEIGHT - BOTTOM - share * plot_height) })
        })
        .collect()
}

fn slot_width(buckets: usize) -> f64 {
    (WIDTH - LEFT - RIGHT) / buckets.max(1) as f64
}

/// The scale's top: the highest value, or 1 when every value is zero or missing.
pub fn highest(series: &[&[Option<f64>]]) -> f64 {
    let high = series.iter().map(|s| range(s).1).fold(0.0_f64, f64::max);
    if high > 0.0 { high } else { 1.0 }
}

/// A line through consecutive values; a bucket without one breaks it.
pub fn segments(points: &[Option<Point>]) -> Vec<String> {
    points
        .split(Option::is_none)
        .filter(|run| run.len() > 1)
        .map(|run| run.iter().flatten().map(|p| format!("{},{}", p.x, p.y)).collect::<Vec<_>>().join(" "))
        .collect()
}

/// A bar from the baseline up to a point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

pub fn bars(points: &[Option<Point>]) -> Vec<Option<Bar>> {
    let width = round(slot_width(points.len()) * 0.6);
    points
        .iter()
        .map(|p| p.map(|p| Bar { x: round(p.x - width / 2.0), y: p.y, width, height: round(HEIGHT - BOTTOM - p.y) }))
        .collect()
}

/// The geometry the template draws the frame with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub baseline: f64,
    /// Where the bucket labels' text sits.
    pub label_y: f64,
}

pub const FRAME: Frame = Frame {
    width: WIDTH,
    height: HEIGHT,
    left: LEFT,
    right: WIDTH - RIGHT,
    top: TOP,
    baseline: HEIGHT - BOTTOM,
    label_y: HEIGHT - 6.0,
};

/// A tenth of a unit is finer than any screen shows.
fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparkline_rises_from_zero_to_the_highest_value() {
        assert_eq!(sparkline(&[Some(0.0), Some(1.0), Some(2.0), Some(7.0)]), "▁▂▃█");
        assert_eq!(sparkline(&[Some(0.8), Some(0.9), Some(1.0)]), "▇▇█");
    }

    #[test]
    fn a_bucket_without_a_value_is_a_gap() {
        assert_eq!(sparkline(&[Some(1.0), None, Some(2.0)]), "▅·█");
        assert_eq!(sparkline(&[None, None]), "··");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn one_value_or_equal_values_show_level() {
        assert_eq!(sparkline(&[Some(3.0)]), "█");
        assert_eq!(sparkline(&[Some(5.0), Some(5.0), Some(5.0)]), "███");
        assert_eq!(sparkline(&[Some(0.0), Some(0.0)]), "▁▁");
    }

    #[test]
    fn negative_values_lower_the_baseline_and_never_index_below_it() {
        assert_eq!(sparkline(&[Some(-7.0), Some(0.0), Some(7.0)]), "▁▅█");
        assert_eq!(sparkline(&[Some(-1.0), Some(-1.0)]), "▁▁");
        assert_eq!(sparkline(&[Some(f64::NAN), Some(1.0)]), "▁█");
    }

    #[test]
    fn svg_points_scale_from_the_baseline_to_the_top_of_the_plot() {
        let points = place(&[Some(0.0), None, Some(5.0), Some(10.0)], 10.0);
        let slot = (WIDTH - LEFT - RIGHT) / 4.0;
        assert_eq!(points[0], Some(Point { x: round(LEFT + slot / 2.0), y: FRAME.baseline }));
        assert_eq!(points[1], None);
        assert_eq!(points[2].unwrap().y, round(FRAME.baseline - (FRAME.baseline - TOP) / 2.0));
        assert_eq!(points[3].unwrap().y, TOP);
        assert!(points[3].unwrap().x < FRAME.right);
        // A value above the scale's top stays in the plot.
        assert_eq!(place(&[Some(20.0)], 10.0)[0].unwrap().y, TOP);
    }

    #[test]
    fn the_scale_top_is_never_zero() {
        assert_eq!(highest(&[&[Some(0.0), None], &[None]]), 1.0);
        assert_eq!(highest(&[&[Some(2.0)], &[Some(3.5), None]]), 3.5);
        assert!(place(&[Some(0.0)], highest(&[&[Some(0.0)]]))[0].unwrap().y == FRAME.baseline);
    }

    #[test]
    fn lines_break_at_gaps_and_bars_stand_on_the_baseline() {
        let points = place(&[Some(1.0), Some(2.0), None, Some(2.0), None, Some(1.0), Some(1.0)], 2.0);
        let lines = segments(&points);
        assert_eq!(lines.len(), 2, "a lone point between gaps is no line: {lines:?}");
        assert_eq!(lines[0].split(' ').count(), 2);
        let bars = bars(&points);
        assert_eq!(bars[2], None);
        let bar = bars[1].unwrap();
        assert_eq!(bar.y + bar.height, FRAME.baseline);
        assert_eq!(bar.y, TOP);
    }
}
