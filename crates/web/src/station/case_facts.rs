//! Cases as the daily report and a notice state them: one line each — station, room, why, since
//! when, how far the response has gone, the steps that ran late, open or closed — on the page
//! (kit/case_facts.html) and in the exported document.

use yizhan_core::station::case::CaseFact;
use yizhan_core::time::local_display;

use crate::i18n::Tr;

/// The column headings, in the order of [`rows`].
pub fn headers(tr: &Tr) -> Vec<String> {
    [
        "field.station_id",
        "field.room_id",
        "case.reason",
        "case.opened_col",
        "case.progress",
        "case.late_steps",
        "case.state",
    ]
    .iter()
    .map(|k| tr.t(k).to_owned())
    .collect()
}

/// One line per case, said in the reader's language.
pub fn rows(tr: &Tr, facts: &[CaseFact]) -> Vec<Vec<String>> {
    facts
        .iter()
        .map(|f| {
            let late: Vec<&str> = f.overdue.iter().map(|s| tr.t(s.label_key())).collect();
            vec![
                f.station.clone(),
                f.room.clone(),
                tr.t(&format!("case.reason.{}", f.reason)).to_owned(),
                local_display(f.opened_at),
                format!("{}/{}", f.done, f.steps),
                late.join(tr.t("punct.list_sep")),
                match f.closed_at {
                    Some(at) => tr.f("case.closed_on", &[("at", &local_display(at))]),
                    None => tr.t("case.open").to_owned(),
                },
            ]
        })
        .collect()
}

/// The cases as a document's section: a heading and the table, or a line saying there were none.
pub fn section(tr: &Tr, doc: crate::kit::docx::Docx, facts: &[CaseFact]) -> crate::kit::docx::Docx {
    let doc = doc.heading(tr.t("case.facts_title"));
    if facts.is_empty() {
        return doc.para(tr.t("case.facts_none"));
    }
    doc.table(&headers(tr), &rows(tr, facts))
}
