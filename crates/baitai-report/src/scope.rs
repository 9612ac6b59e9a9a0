//! Which media a report covers: the whole organisation, as an auditor sees it by default, or
//! one site (拠点).

use crate::model::Site;
use crate::{Lang, Word};

/// The media a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every site and the media of none: the security office's and an auditor's view.
    #[default]
    Organisation,
    /// Only the media of one site.
    Site(Site),
}

impl Scope {
    /// The scope `--site` asks for: one site, or without it the whole organisation.
    pub fn of(site: Option<Site>) -> Scope {
        match site {
            Some(s) => Scope::Site(s),
            None => Scope::Organisation,
        }
    }

    /// Whether a medium of `site` (None: of no site) is in the report.
    pub fn covers(&self, site: Option<&Site>) -> bool {
        match self {
            Scope::Organisation => true,
            Scope::Site(s) => site == Some(s),
        }
    }

    /// What a title says of the scope: `拠点 TKY`, or nothing for the whole organisation.
    pub fn heading(&self, lang: Lang) -> Option<String> {
        match self {
            Scope::Organisation => None,
            Scope::Site(s) => Some(format!("{} {s}", lang.w(Word::ColSite))),
        }
    }

    /// `title`, followed by the site when the report covers only one.
    pub fn titled(&self, title: String, lang: Lang) -> String {
        match self.heading(lang) {
            Some(h) => format!("{title} — {h}"),
            None => title,
        }
    }
}
