//! Handler for `medium label`: printable labels for named media, or for every medium still held.

use serde_json::{json, Value};

use super::args::LabelArgs;
use super::msg::Msg;
use super::reports::{deliver, format};
use super::{Ctx, Output};
use crate::app::Session;
use crate::error::{Error, Result};
use crate::report::label::{labels_html, labels_text, Label, Sheet};
use crate::report::{json_doc, Format, Lang};

pub fn label(ctx: &Ctx, a: LabelArgs) -> Result<Option<Output>> {
    let page = a.out.general();
    let f = format(ctx, &page)?;
    let s = ctx.reader()?;
    let lang = ctx.printout(&s)?;
    let sheet = sheet(&a, f)?;
    let labels = select(&s, &a, lang)?;
    let doc = match f {
        Format::Html => labels_html(&labels, lang, sheet)?,
        Format::Json => json_doc(&json!({ "labels": labels }))?,
        _ => labels_text(&labels, lang)?,
    };
    let what = match labels.len() {
        1 => Msg::OneLabel,
        n => Msg::Labels {
            n: n.to_string().into(),
        },
    };
    let mut out = deliver(ctx, &page, doc, what)?;
    if let Some(Value::Object(m)) = out.as_mut().map(|o| &mut o.json) {
        let numbers: Vec<&str> = labels.iter().map(|l| l.medium.as_str()).collect();
        m.insert("media".into(), json!(numbers));
    }
    Ok(out)
}

/// How the HTML sheets are laid out; `--size` and `--skip` lay out sheets, so with text or
/// JSON they are a usage error rather than ignored.
fn sheet(a: &LabelArgs, f: Format) -> Result<Sheet> {
    if f != Format::Html && (a.size.is_some() || a.skip.is_some()) {
        return Err(Error::usage(Msg::SizeSkipNeedHtml));
    }
    Ok(Sheet {
        size: a.size.unwrap_or_default(),
        skip: a.skip.unwrap_or(0),
    })
}

/// The media named, in the order named (a number given twice prints twice, e.g. for the
/// medium and its case), or with `--all` every medium in storage or out.
fn select(s: &Session, a: &LabelArgs, lang: Lang) -> Result<Vec<Label>> {
    let labels = if a.all {
        crate::report::label::held_media_labels(s, lang)?
    } else {
        a.media
            .iter()
            .map(|m| crate::report::label::medium_label(s, m, lang))
            .collect::<Result<Vec<_>>>()?
    };
    if labels.is_empty() {
        return Err(Error::usage(Msg::NothingToLabel));
    }
    Ok(labels)
}
