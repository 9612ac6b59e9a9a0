//! Text for the screen in Japanese and English: catalogued messages with their values, which
//! errors carry and the command line renders in the screen's language.
//!
//! Each crate lists its messages once with [`messages!`](crate::messages); a message names its
//! values (`{medium}`), so the two languages may order them differently. [`Text`] holds either
//! such a message or a plain string that reads the same in both (a path, what the operating
//! system said). `Display` gives English, the stable form for logs and `--json`'s `error`.

use std::fmt;
use std::sync::Arc;

use crate::words::Lang;

/// Something that can be said in either language.
pub trait Localized: fmt::Debug + Send + Sync {
    /// The text in `lang`.
    fn in_lang(&self, lang: Lang) -> String;
}

/// A message in both languages, or a plain string that reads the same in both.
#[derive(Clone)]
pub struct Text(Inner);

#[derive(Clone)]
enum Inner {
    Plain(String),
    Message(Arc<dyn Localized>),
    /// Two texts one after the other, e.g. a context and its cause.
    Joined(Arc<(Text, &'static str, Text)>),
}

impl Text {
    /// A string shown as it is in every language.
    pub fn plain(s: impl Into<String>) -> Self {
        Text(Inner::Plain(s.into()))
    }

    /// A catalogued message.
    pub fn message(m: impl Localized + 'static) -> Self {
        Text(Inner::Message(Arc::new(m)))
    }

    /// This text, then `sep`, then `next` (a context and its cause: `open X: permission denied`).
    pub fn then(self, sep: &'static str, next: impl Into<Text>) -> Self {
        Text(Inner::Joined(Arc::new((self, sep, next.into()))))
    }

    /// The text in `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        match &self.0 {
            Inner::Plain(s) => s.clone(),
            Inner::Message(m) => m.in_lang(lang),
            Inner::Joined(j) => format!("{}{}{}", j.0.in_lang(lang), j.1, j.2.in_lang(lang)),
        }
    }

    /// Whether the English text contains `pat` (for checks that look for a word in a message).
    pub fn contains(&self, pat: &str) -> bool {
        self.en().contains(pat)
    }

    /// The English text, the form `Display` gives.
    pub fn en(&self) -> String {
        self.in_lang(Lang::En)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.en())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.en() == other.en() && self.in_lang(Lang::Ja) == other.in_lang(Lang::Ja)
    }
}

impl Eq for Text {}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text::plain(s)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::plain(s)
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::plain(s.clone())
    }
}

impl Localized for Text {
    fn in_lang(&self, lang: Lang) -> String {
        Text::in_lang(self, lang)
    }
}

/// A path as a value of a message: shown as it is in every language.
pub fn path(p: &std::path::Path) -> Text {
    Text::plain(p.display().to_string())
}

/// One catalogued message's two templates, for the catalogue's tests.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// The message's name in its catalogue.
    pub name: &'static str,
    /// The Japanese template.
    pub ja: &'static str,
    /// The English template.
    pub en: &'static str,
}

/// Declares a crate's catalogue of messages: an enum whose variants name their values, each
/// with a Japanese and an English template (`{name}` marks a value), so a message cannot lack
/// a language. Values are [`Text`], so a message may carry another message.
///
/// ```
/// baitai_core::messages! {
///     pub enum Msg {
///         /// A medium number the ledger does not know.
///         UnknownMedium { medium }: "媒体 {medium} は台帳にありません", "no medium {medium} in the ledger";
///     }
/// }
/// let m = Msg::UnknownMedium { medium: "USB-1".into() };
/// assert_eq!(baitai_core::text::Text::from(m).to_string(), "no medium USB-1 in the ledger");
/// ```
#[macro_export]
macro_rules! messages {
    (
        $vis:vis enum $Enum:ident {
            $( $(#[$doc:meta])* $name:ident $({ $($field:ident),* $(,)? })? : $ja:literal, $en:literal; )*
        }
    ) => {
        /// The messages of this crate, each in Japanese and English (`Text::from(msg)`).
        #[derive(Debug, Clone)]
        // A message's values are named by the message's templates, shown in its doc line.
        #[allow(missing_docs)]
        $vis enum $Enum {
            $(
                $(#[$doc])*
                #[doc = concat!("`", $ja, "` — `", $en, "`")]
                $name $({ $($field: $crate::text::Text),* })?,
            )*
        }

        impl $Enum {
            /// Every message's templates, in catalogue order.
            #[allow(dead_code)]
            pub const TEMPLATES: &'static [$crate::text::Template] = &[
                $($crate::text::Template { name: stringify!($name), ja: $ja, en: $en },)*
            ];
        }

        impl $crate::text::Localized for $Enum {
            #[allow(unused_variables)]
            fn in_lang(&self, lang: $crate::words::Lang) -> String {
                match self {
                    $(
                        $Enum::$name $({ $($field),* })? => {
                            $($( let $field = $field.in_lang(lang); )*)?
                            match lang {
                                $crate::words::Lang::Ja => format!($ja),
                                $crate::words::Lang::En => format!($en),
                            }
                        }
                    )*
                }
            }
        }

        impl From<$Enum> for $crate::text::Text {
            fn from(m: $Enum) -> Self {
                $crate::text::Text::message(m)
            }
        }

        impl std::fmt::Display for $Enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&$crate::text::Localized::in_lang(self, $crate::words::Lang::En))
            }
        }
    };
}

/// What is wrong with a catalogue: a message whose languages name different values, a
/// Japanese template with no Japanese in it, an empty template, or two messages (in any of the
/// catalogues given) with the same pair of texts. Empty when all is well.
pub fn catalogue_problems(catalogues: &[&[Template]]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<(&str, &str), &str> = Default::default();
    for t in catalogues.iter().flat_map(|c| c.iter()) {
        if t.ja.trim().is_empty() || t.en.trim().is_empty() {
            problems.push(format!("{}: an empty template", t.name));
        }
        let (ja, en) = (placeholders(t.ja), placeholders(t.en));
        if ja != en {
            problems.push(format!("{}: Japanese names {ja:?}, English {en:?}", t.name));
        }
        if t.ja.is_ascii() && t.ja != t.en {
            problems.push(format!("{}: the Japanese template has no Japanese", t.name));
        }
        if let Some(first) = seen.insert((t.ja, t.en), t.name) {
            problems.push(format!("{} and {first}: two names for one message", t.name));
        }
    }
    problems
}

/// The sorted names of a template's values (`{medium}`, `{n:>3}` → `n`), skipping `{{`.
fn placeholders(template: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        let after = &rest[i + 1..];
        if rest[i..].starts_with("{{") || rest[i..].starts_with("}}") {
            rest = &after[1..];
            continue;
        }
        if rest[i..].starts_with('}') {
            rest = after;
            continue;
        }
        let end = after.find('}').unwrap_or(after.len());
        let name = after[..end].split(':').next().unwrap_or_default();
        names.push(name.to_string());
        rest = &after[end.min(after.len())..];
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::messages! {
        pub(crate) enum Demo {
            Count { n }: "{n} 件", "{n} entries";
        }
    }

    #[test]
    fn a_message_renders_in_each_language_with_its_values() {
        let t = Text::from(Demo::Count { n: "3".into() });
        assert_eq!(t.in_lang(Lang::Ja), "3 件");
        assert_eq!(t.to_string(), "3 entries");
        let joined = Text::plain("open x").then(": ", t);
        assert_eq!(joined.in_lang(Lang::Ja), "open x: 3 件");
    }

    #[test]
    fn the_catalogue_check_finds_each_kind_of_problem() {
        let bad = [
            Template {
                name: "A",
                ja: "{a} です",
                en: "{b} is",
            },
            Template {
                name: "B",
                ja: "plain",
                en: "words",
            },
            Template {
                name: "C",
                ja: "あ",
                en: "a",
            },
            Template {
                name: "D",
                ja: "あ",
                en: "a",
            },
            Template {
                name: "E",
                ja: " ",
                en: "x",
            },
        ];
        let p = catalogue_problems(&[&bad]);
        assert_eq!(p.len(), 5, "{p:?}");
        assert!(catalogue_problems(&[Demo::TEMPLATES]).is_empty());
    }

    #[test]
    fn placeholders_skip_escaped_braces_and_formats() {
        assert_eq!(placeholders("{{x}} {n:>3} {m}"), vec!["m", "n"]);
    }
}
