//! The risk heat map as SVG: the likelihood × impact matrix twice, inherent and residual, each
//! cell coloured by its level and showing how many risks sit in it.

use crate::registers::RatedRisk;
use crate::settings::RiskMethod;
use std::fmt::Write as _;

const CELL: usize = 64;
const LEFT: usize = 120;
const TOP: usize = 60;
const GAP: usize = 80;

/// Colours from the lowest level to the highest, spread over however many levels there are.
const RAMP: [&str; 5] = ["#4caf50", "#cddc39", "#ffc107", "#ff7043", "#d32f2f"];

fn colour(index: usize, levels: usize) -> &'static str {
    if levels <= 1 {
        return RAMP[0];
    }
    RAMP[(index * (RAMP.len() - 1)).div_ceil(levels - 1).min(RAMP.len() - 1)]
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Renders the heat map.
pub fn svg(method: &RiskMethod, risks: &[RatedRisk]) -> String {
    let (rows, cols) = (method.likelihood.len(), method.impact.len());
    let grid_w = cols * CELL;
    let width = LEFT + grid_w * 2 + GAP + 20;
    let height = TOP + rows * CELL + 110;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r##"<rect width="{width}" height="{height}" fill="#ffffff"/>"##);
    for (panel, (name, residual)) in [("Inherent risk", false), ("Residual risk", true)].into_iter().enumerate() {
        let x0 = LEFT + panel * (grid_w + GAP);
        let _ = writeln!(out, r#"<text x="{}" y="24" font-size="16" font-weight="bold">{name}</text>"#, x0);
        for l in 1..=rows {
            // The highest likelihood is drawn at the top, as people read heat maps.
            let y = TOP + (rows - l) * CELL;
            if panel == 0 || residual {
                let label = method.likelihood.get(l - 1).map_or(String::new(), |s| xml(s));
                let _ = writeln!(
                    out,
                    r#"<text x="{}" y="{}" text-anchor="end">{label} ({l})</text>"#,
                    x0 - 6,
                    y + CELL / 2 + 4
                );
            }
            for i in 1..=cols {
                let x = x0 + (i - 1) * CELL;
                let level = method.level_index(l, i).unwrap_or(0);
                let count = risks
                    .iter()
                    .filter(|r| if residual { (r.rl, r.ri) == (l, i) } else { (r.l, r.i) == (l, i) })
                    .count();
                let level_name = method.levels.get(level).map_or(String::new(), |s| xml(s));
                let _ = writeln!(
                    out,
                    r##"<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{}" stroke="#ffffff" stroke-width="2"><title>likelihood {l}, impact {i}: {level_name}, {count} risks</title></rect>"##,
                    colour(level, method.levels.len())
                );
                if count > 0 {
                    let _ = writeln!(
                        out,
                        r#"<text x="{}" y="{}" text-anchor="middle" font-size="18" font-weight="bold">{count}</text>"#,
                        x + CELL / 2,
                        y + CELL / 2 + 6
                    );
                }
            }
        }
        for i in 1..=cols {
            let x = x0 + (i - 1) * CELL + CELL / 2;
            let label = method.impact.get(i - 1).map_or(String::new(), |s| xml(s));
            let _ = writeln!(
                out,
                r#"<text x="{x}" y="{}" text-anchor="middle" font-size="10">{label} ({i})</text>"#,
                TOP + rows * CELL + 16
            );
        }
        let _ = writeln!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle">impact</text>"#,
            x0 + grid_w / 2,
            TOP + rows * CELL + 36
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="12" y="{}" transform="rotate(-90 12 {})">likelihood</text>"#,
        TOP + rows * CELL / 2,
        TOP + rows * CELL / 2
    );
    // The legend: one swatch per level.
    let y = TOP + rows * CELL + 60;
    for (n, level) in method.levels.iter().enumerate() {
        let x = LEFT + n * 110;
        let _ = writeln!(
            out,
            r#"<rect x="{x}" y="{y}" width="14" height="14" fill="{}"/>"#,
            colour(n, method.levels.len())
        );
        let appetite = if method.appetite_index() == Some(n) { " (appetite)" } else { "" };
        let _ = writeln!(out, r#"<text x="{}" y="{}">{}{appetite}</text>"#, x + 20, y + 12, xml(level));
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_count_risks_and_colour_by_level() {
        let text = "risks:\n  - id: R-1\n    likelihood: 5\n    impact: 5\n    residual_likelihood: 1\n    residual_impact: 2\n    treatment: mitigate\n    planned_controls: [A.8.24]\n  - id: R-2\n    likelihood: 5\n    impact: 5\n    treatment: avoid\n";
        let method = RiskMethod::default();
        let (risks, _) = crate::registers::read_risks(text, "r.yaml", &method);
        let svg = svg(&method, &risks);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("likelihood 5, impact 5: critical, 2 risks"), "inherent: both in the top corner");
        assert!(svg.contains("likelihood 1, impact 2: low, 1 risks"));
        assert_eq!(svg.matches("<rect x=").count(), 25 * 2 + 4);
        assert_eq!(colour(0, 4), "#4caf50");
        assert_eq!(colour(3, 4), "#d32f2f");
    }
}
