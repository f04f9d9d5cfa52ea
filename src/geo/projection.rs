//! Map projections: Albers equal-area conic for China, and a plain
//! equirectangular one for the small world inset.

/// Albers equal-area conic projection on the unit sphere.
#[derive(Debug, Clone, Copy)]
pub struct Albers {
    n: f64,
    c: f64,
    rho0: f64,
    lon0: f64,
}

impl Albers {
    /// A projection with standard parallels `lat1`, `lat2`, origin latitude
    /// `lat0` and central meridian `lon0` (degrees).
    pub fn new(lat1: f64, lat2: f64, lat0: f64, lon0: f64) -> Albers {
        let (p1, p2, p0) = (lat1.to_radians(), lat2.to_radians(), lat0.to_radians());
        let n = (p1.sin() + p2.sin()) / 2.0;
        let c = p1.cos().powi(2) + 2.0 * n * p1.sin();
        let rho0 = (c - 2.0 * n * p0.sin()).sqrt() / n;
        Albers {
            n,
            c,
            rho0,
            lon0: lon0.to_radians(),
        }
    }

    /// The projection suited to China: standard parallels 25°N and 47°N,
    /// central meridian 105°E.
    pub fn china() -> Albers {
        Albers::new(25.0, 47.0, 36.0, 105.0)
    }

    /// Projects (lon, lat) in degrees to (x, y) on the unit sphere, y north.
    pub fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        let phi = lat.to_radians();
        let rho = (self.c - 2.0 * self.n * phi.sin()).max(0.0).sqrt() / self.n;
        let theta = self.n * (lon.to_radians() - self.lon0);
        (rho * theta.sin(), self.rho0 - rho * theta.cos())
    }
}

/// Equirectangular: x = lon, y = lat (degrees), for the world inset.
pub fn equirectangular(lon: f64, lat: f64) -> (f64, f64) {
    (lon, lat)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn origin_maps_to_zero() {
        let p = Albers::china();
        let (x, y) = p.project(105.0, 36.0);
        assert!(close(x, 0.0, 1e-12) && close(y, 0.0, 1e-12), "{x} {y}");
    }

    #[test]
    fn symmetric_about_the_central_meridian() {
        let p = Albers::china();
        let (xe, ye) = p.project(115.0, 40.0);
        let (xw, yw) = p.project(95.0, 40.0);
        assert!(close(xe, -xw, 1e-12) && close(ye, yw, 1e-12));
        assert!(xe > 0.0, "east is right");
        let (_, north) = p.project(105.0, 45.0);
        assert!(north > 0.0, "north is up");
    }

    #[test]
    fn known_point_beijing() {
        // Computed independently from Snyder's formulas (unit sphere,
        // 25/47/36/105): n = 0.576986, C = 1.309083, rho0 = 1.376509.
        let p = Albers::china();
        let (x, y) = p.project(116.4, 39.9);
        assert!(close(x, 0.149739, 1e-5), "x = {x}");
        assert!(close(y, 0.077918, 1e-5), "y = {y}");
    }

    #[test]
    fn preserves_area() {
        // A 1°×1° cell has the same projected area (unit sphere:
        // Δλ·(sin φ2 − sin φ1)) wherever it lies.
        let p = Albers::china();
        for (lon, lat) in [(80.0, 20.0), (105.0, 36.0), (130.0, 50.0)] {
            let corners = [
                (lon, lat),
                (lon + 1.0, lat),
                (lon + 1.0, lat + 1.0),
                (lon, lat + 1.0),
            ];
            // Densify the edges: parallels are arcs in this projection.
            let mut pts = Vec::new();
            for w in 0..4 {
                let (a, b) = (corners[w], corners[(w + 1) % 4]);
                for k in 0..100 {
                    let t = k as f64 / 100.0;
                    pts.push(p.project(a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t));
                }
            }
            let area: f64 = (0..pts.len())
                .map(|i| {
                    let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                    a.0 * b.1 - b.0 * a.1
                })
                .sum::<f64>()
                .abs()
                / 2.0;
            let sphere =
                1f64.to_radians() * ((lat + 1.0).to_radians().sin() - lat.to_radians().sin());
            assert!(
                close(area / sphere, 1.0, 1e-3),
                "ratio {} at {lon},{lat}",
                area / sphere
            );
        }
    }
}
