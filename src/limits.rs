//! Every limit atlas puts on its inputs, in one place (README, "Limits",
//! lists them). A limit turns a mistake that would stall or exhaust the
//! machine (a log file saved as an entry, a 2 GB GeoJSON) into an error that
//! names the file.

/// A size limit on one kind of input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The largest size read, in bytes.
    pub bytes: u64,
    /// What the file is, for the message: "an entry may be at most 2 MiB".
    pub what: &'static str,
    /// What to do instead.
    pub hint: &'static str,
}

/// An entry (`content/<kind>/<id>.md`).
pub const ENTRY: Limit = Limit {
    bytes: 2 << 20,
    what: "an entry",
    hint: "split it into several entries, or move long material into a source's text",
};

/// The configuration, `atlas.toml`.
pub const CONFIG: Limit = Limit {
    bytes: 1 << 20,
    what: "atlas.toml",
    hint: "atlas.toml holds settings and vocabularies only",
};

/// A GeoJSON file under `geodata/`.
pub const GEODATA: Limit = Limit {
    bytes: 32 << 20,
    what: "a geodata file",
    hint: "simplify the geometries (e.g. with mapshaper) or split the features over several files",
};

/// A template under `themes/<name>/templates/`.
pub const TEMPLATE: Limit = Limit {
    bytes: 1 << 20,
    what: "a template",
    hint: "split it into templates that include or extend each other",
};

/// Any other theme file (`themes/<name>/static/`: styles, scripts, images, fonts).
pub const THEME_FILE: Limit = Limit {
    bytes: 32 << 20,
    what: "a theme file",
    hint: "large media belong on a file host, linked from the pages",
};

/// A source's plain text (in `sources_text_dir`), for quote checks.
pub const SOURCE_TEXT: Limit = Limit {
    bytes: 32 << 20,
    what: "a source's text",
    hint: "keep the text of the report only, without images or markup",
};

/// The most entries (files under `content/`) one atlas may have.
pub const MAX_ENTRIES: usize = 200_000;

/// The most diagnostics shown for one file; the rest are counted in one line.
pub const DIAGNOSTICS_PER_FILE: usize = 50;

/// The most characters of a diagnostic's message, label or hint kept.
pub const DIAGNOSTIC_TEXT: usize = 2_000;

/// The most characters a diagnostic keeps of a long line: a window around
/// the caret, with the underline itself cut to [`DIAGNOSTIC_CARET`].
pub const DIAGNOSTIC_LINE: usize = 100;

/// The most characters a diagnostic's caret underlines.
pub const DIAGNOSTIC_CARET: usize = 200;

/// A size in bytes as people read it: `512 bytes`, `3.5 KiB`, `2 MiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let shown = format!("{value:.1}");
    let shown = shown.strip_suffix(".0").unwrap_or(&shown);
    format!("{shown} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size(10), "10 bytes");
        assert_eq!(size(2 << 20), "2 MiB");
        assert_eq!(size((2 << 20) + (1 << 19)), "2.5 MiB");
        assert_eq!(size(3 << 30), "3 GiB");
    }
}
