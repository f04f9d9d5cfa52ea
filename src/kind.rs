//! The kinds of entry. The folder under `content/` gives an entry its kind;
//! everything else that differs by kind asks this module.

/// What an entry is. The folder under `content/` decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Park,
    Program,
    Lab,
    /// Universities, academies, think tanks, firms, publishers, agencies:
    /// organisations that are not themselves research facilities.
    Institution,
    Source,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Park,
        Kind::Program,
        Kind::Lab,
        Kind::Institution,
        Kind::Source,
        Kind::Page,
    ];
    /// The kinds that are atlas items (have facts and relations).
    pub const ITEMS: [Kind; 4] = [Kind::Park, Kind::Program, Kind::Lab, Kind::Institution];
    /// The items that are places: they may have a location and are drawn on maps.
    pub const PLACES: [Kind; 3] = [Kind::Park, Kind::Lab, Kind::Institution];

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == name || k.folder() == name)
    }

    /// The folder under `content/` (and the URL prefix, except for pages).
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Park => "parks",
            Kind::Program => "programs",
            Kind::Lab => "labs",
            Kind::Institution => "institutions",
            Kind::Source => "sources",
            Kind::Page => "pages",
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Kind::Park => "park",
            Kind::Program => "program",
            Kind::Lab => "lab",
            Kind::Institution => "institution",
            Kind::Source => "source",
            Kind::Page => "page",
        }
    }

    /// Plural heading for index pages.
    pub fn label_plural(self) -> &'static str {
        match self {
            Kind::Park => "Parks and zones",
            Kind::Program => "Programs and plans",
            Kind::Lab => "Labs and facilities",
            Kind::Institution => "Institutions",
            Kind::Source => "Sources",
            Kind::Page => "Pages",
        }
    }

    pub fn is_item(self) -> bool {
        Kind::ITEMS.contains(&self)
    }

    /// Whether entries of this kind may have a location.
    pub fn is_place(self) -> bool {
        Kind::PLACES.contains(&self)
    }

    pub fn folder_list() -> String {
        Kind::ALL
            .iter()
            .map(|k| format!("content/{}/", k.folder()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
