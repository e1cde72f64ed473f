//! A list whose rows the server has already narrowed to what the reader may see (a station's
//! staff, the district's directives), searched and paged on the server before it is rendered:
//! the page carries 50 rows, never the whole list, and the search keeps its words in the links.

use std::cmp::Ordering;

use serde::Deserialize;
use yizhan_core::validate::Invalid;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::kit::pager::{PER_PAGE, Pager, page_of};

/// `?q=…&page=…&sort=…` of a list; `sort` is a column's key, `-key` for the other way round.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub page: Option<String>,
    pub sort: Option<String>,
}

/// A column a list can be sorted by: its key in `?sort=` and how two rows compare on it.
pub type Order<T> = (&'static str, fn(&T, &T) -> Ordering);

/// Sorts `rows` as `query.sort` asks (a stable sort: rows equal on the column keep the list's own
/// order); a key the list does not have is refused on `sort`, not ignored.
pub fn sort_rows<T>(
    query: &ListQuery,
    rows: &mut [T],
    orders: &[Order<T>],
) -> Result<(), WebError> {
    let asked = query.sort.as_deref().map(str::trim).unwrap_or_default();
    if asked.is_empty() {
        return Ok(());
    }
    let (key, descending) = match asked.strip_prefix('-') {
        Some(k) => (k, true),
        None => (asked, false),
    };
    let Some((_, cmp)) = orders.iter().find(|(k, _)| *k == key) else {
        let hint = orders.first().map_or("", |(k, _)| *k);
        return Err(yizhan_core::error::DomainError::Invalid {
            field: "sort",
            error: Invalid::BadFormat { hint },
        }
        .into());
    };
    if descending {
        rows.sort_by(|a, b| cmp(b, a));
    } else {
        rows.sort_by(cmp);
    }
    Ok(())
}

impl ListQuery {
    /// The search as typed, trimmed ("" when none).
    pub fn search(&self) -> String {
        self.q.as_deref().map(str::trim).unwrap_or_default().to_owned()
    }
}

/// One page of a searched list, with the pager and the search to show again in the box.
pub struct Listing<T> {
    pub rows: Vec<T>,
    pub pager: Pager,
    pub q: String,
    /// Rows before the page was cut (after the search).
    pub found: usize,
    /// Rows before the search: a list of a handful needs no search box.
    pub all: usize,
    /// The list's other filters, carried by the search box as hidden fields.
    pub keep: Vec<(String, String)>,
    /// The address of the list and the column it is sorted by (`-key` the other way round).
    path: String,
    pub sort: String,
}

impl<T> Listing<T> {
    /// Whether the list is long enough to be worth searching (or is being searched).
    pub fn searchable(&self) -> bool {
        self.all > 10 || !self.q.is_empty()
    }

    /// The link of a column's heading: sorted by it, or the other way round when it already is;
    /// the search and filters kept, back to the first page.
    pub fn sort_href(&self, key: &str) -> String {
        let sort = if self.sort == key { format!("-{key}") } else { key.to_owned() };
        let mut q: Vec<String> =
            self.keep.iter().map(|(k, v)| format!("{k}={}", crate::policy::urlencode(v))).collect();
        if !self.q.is_empty() {
            q.push(format!("q={}", crate::policy::urlencode(&self.q)));
        }
        q.push(format!("sort={sort}"));
        format!("{}?{}", self.path, q.join("&"))
    }

    /// The page as the API gives it: the rows as a JSON array (the shape a client already
    /// reads), how many the whole list has in `X-Total-Count`, and the neighbouring pages in
    /// `Link` (`rel="next"`, `rel="prev"`), the search and sort kept.
    pub fn json(&self) -> axum::response::Response
    where
        T: serde::Serialize,
    {
        json_page(&self.rows, &self.pager)
    }

    /// `aria-sort` of a column's heading: how the list is sorted by it, if it is.
    pub fn aria_sort(&self, key: &str) -> &'static str {
        match self.sort.strip_prefix('-') {
            Some(k) if k == key => "descending",
            _ if self.sort == key => "ascending",
            _ => "none",
        }
    }
}

/// A page of rows as the API gives it (see `Listing::json`), for lists paged in SQL too.
pub fn json_page<T: serde::Serialize>(rows: &[T], pager: &Pager) -> axum::response::Response {
    use axum::response::IntoResponse;
    let links: Vec<String> = [(&pager.next, "next"), (&pager.prev, "prev")]
        .into_iter()
        .filter_map(|(href, rel)| href.as_ref().map(|h| format!("<{h}>; rel=\"{rel}\"")))
        .collect();
    let mut resp = axum::Json(rows).into_response();
    let h = resp.headers_mut();
    h.insert("x-total-count", pager.total.into());
    if let Ok(v) = axum::http::HeaderValue::from_str(&links.join(", "))
        && !links.is_empty()
    {
        h.insert(axum::http::header::LINK, v);
    }
    resp
}

/// Whether every word of `search` occurs in one of `texts`, ignoring case: 罗 华 finds 罗建华.
pub fn matches(search: &str, texts: &[&str]) -> bool {
    let hay: Vec<String> = texts.iter().map(|t| t.to_lowercase()).collect();
    search.split_whitespace().map(str::to_lowercase).all(|w| hay.iter().any(|h| h.contains(&w)))
}

/// Page `query.page` of the rows of `all` that match `query.q` on the texts `text` gives, sorted
/// as `query.sort` asks among `orders`; the pager's links go to `path` and keep `params` (the
/// list's other filters), the search and the sort.
pub fn listing<T>(
    tr: &Tr,
    path: &str,
    params: &[(&str, &str)],
    query: &ListQuery,
    all: Vec<T>,
    text: impl Fn(&T) -> Vec<&str>,
    orders: &[Order<T>],
) -> Result<Listing<T>, WebError> {
    let page = page_of(query.page.as_deref())?;
    let q = query.search();
    let before = all.len();
    let mut found: Vec<T> = if q.is_empty() {
        all
    } else {
        all.into_iter().filter(|r| matches(&q, &text(r))).collect()
    };
    sort_rows(query, &mut found, orders)?;
    let total = found.len();
    let rows =
        found.into_iter().skip(Pager::offset(page) as usize).take(PER_PAGE as usize).collect();
    let sort = query.sort.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let mut with_q: Vec<(&str, &str)> = params.to_vec();
    with_q.push(("q", &q));
    with_q.push(("sort", &sort));
    Ok(Listing {
        pager: Pager::new(tr, path, &with_q, page, total as i64),
        keep: params
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        rows,
        found: total,
        all: before,
        path: path.to_owned(),
        sort,
        q,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn query(q: &str, page: &str) -> ListQuery {
        ListQuery { q: Some(q.into()), page: Some(page.into()), ..Default::default() }
    }

    #[test]
    fn sorted_by_a_column_either_way_and_refused_on_a_column_it_has_not() {
        let orders: [Order<(i32, &str)>; 2] =
            [("n", |a, b| a.0.cmp(&b.0)), ("name", |a, b| a.1.cmp(b.1))];
        let mut rows = vec![(2, "b"), (1, "c"), (3, "a")];
        let by = |s: &str| ListQuery { sort: Some(s.into()), ..Default::default() };
        sort_rows(&by("n"), &mut rows, &orders).unwrap();
        assert_eq!(rows, [(1, "c"), (2, "b"), (3, "a")]);
        sort_rows(&by("-n"), &mut rows, &orders).unwrap();
        assert_eq!(rows, [(3, "a"), (2, "b"), (1, "c")]);
        sort_rows(&by("name"), &mut rows, &orders).unwrap();
        assert_eq!(rows[0], (3, "a"));
        sort_rows(&by(""), &mut rows, &orders).unwrap();
        assert_eq!(rows[0], (3, "a"), "no sort: the list's own order");
        let e = sort_rows(&by("price"), &mut rows, &orders).unwrap_err();
        assert_eq!(e.field(), Some("sort"));
        // The heading's link: sorted by it, then the other way round; filters and search kept.
        let tr = Tr::new(Lang::Zh);
        let q = ListQuery { q: Some("罗".into()), sort: Some("n".into()), ..Default::default() };
        let l = listing(&tr, "/x", &[("all", "1")], &q, rows, |_| vec!["罗"], &orders).unwrap();
        assert_eq!(l.sort_href("n"), "/x?all=1&q=%E7%BD%97&sort=-n");
        assert_eq!(l.sort_href("name"), "/x?all=1&q=%E7%BD%97&sort=name");
        assert_eq!((l.aria_sort("n"), l.aria_sort("name")), ("ascending", "none"));
        assert_eq!(l.pager.summary, "第 1–3 条，共 3 条");
    }

    #[test]
    fn every_word_must_occur_somewhere() {
        assert!(matches("luo hua", &["Luo Jianhua", "x"]));
        assert!(matches("ward 3", &["Ward 3A", "x"]));
        assert!(matches("", &["x"]));
        assert!(!matches("luo li", &["Luo Jianhua", "Ward"]));
        assert!(matches("LUO ward", &["luo", "WARD"]));
    }

    #[test]
    fn pages_of_fifty_after_the_search() {
        let tr = Tr::new(Lang::Zh);
        let all: Vec<String> = (1..=120).map(|n| format!("row {n}")).collect();
        let l = listing(&tr, "/x", &[("s", "1")], &query("", "3"), all.clone(), |r| vec![r], &[])
            .unwrap();
        assert_eq!((l.found, l.rows.len(), l.rows[0].as_str()), (120, 20, "row 101"));
        assert_eq!(l.pager.prev.as_deref(), Some("/x?s=1&page=2"));
        let l =
            listing(&tr, "/x", &[], &query(" row 1 ", "1"), all.clone(), |r| vec![r], &[]).unwrap();
        // Each word anywhere: rows 1, 10–19, 21, 31 … 91 and 100–120 hold a 1.
        assert_eq!(l.found, 1 + 10 + 8 + 21);
        assert_eq!(l.q, "row 1");
        assert_eq!(l.pager.next, None);
        let bad = listing(&tr, "/x", &[], &query("", "0"), all, |r| vec![r], &[]);
        assert_eq!(bad.err().and_then(|e| e.field().map(str::to_owned)).as_deref(), Some("page"));
    }
}
