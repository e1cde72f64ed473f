//! What the pages of every area share: the day it is at the station, and the words for coded
//! values (a label for one, the choices of a select).

use crate::i18n::Tr;

/// Today in Asia/Shanghai: the day every record is filed under.
pub fn today() -> chrono::NaiveDate {
    yizhan_core::time::local_date(yizhan_store::db::now())
}

/// The label of a stored code, or the code itself when it is not one of the list's (a free
/// text column read as a code).
pub fn label_of<T: Copy>(
    tr: &Tr,
    s: &str,
    parse: fn(&str) -> Option<T>,
    key: fn(T) -> &'static str,
) -> String {
    parse(s).map(|v| tr.t(key(v)).to_owned()).unwrap_or_else(|| s.to_owned())
}

/// (code, label) pairs for a select, from an enum's list of values.
pub fn options<T: Copy>(
    tr: &Tr,
    all: &[T],
    code: fn(T) -> &'static str,
    key: fn(T) -> &'static str,
) -> Vec<(&'static str, String)> {
    all.iter().map(|v| (code(*v), tr.t(key(*v)).to_owned())).collect()
}
