//! A list paged on the server: which page was asked for, how many there are, and the links to
//! the neighbours that keep the list's search and filters.

use yizhan_core::error::OnField;

use crate::error::WebError;
use crate::i18n::Tr;
use crate::policy::urlencode;

/// Rows on a page of a list people read (a phone shows 50 cards without getting lost).
pub const PER_PAGE: i64 = 50;
/// Past it `?page=` is refused rather than overflowing the offset.
pub const MAX_PAGE: i64 = 1_000_000;

/// The page asked for, 1 when none; a 422 on `page` when it is not a page.
pub fn page_of(raw: Option<&str>) -> Result<i64, WebError> {
    match raw.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(1),
        Some(p) => Ok(yizhan_core::validate::parse_int(p, 1, MAX_PAGE, "2").on("page")?),
    }
}

pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// 第 51–100 条，共 151 条.
    pub summary: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The pager of page `page` of `total` rows at `path`, whose links carry `params` (blank
    /// ones left out).
    pub fn new(tr: &Tr, path: &str, params: &[(&str, &str)], page: i64, total: i64) -> Pager {
        let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
        let link = |n: i64| {
            let mut q: Vec<String> = params
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k}={}", urlencode(v)))
                .collect();
            q.push(format!("page={n}"));
            format!("{path}?{}", q.join("&"))
        };
        let from = ((page - 1) * PER_PAGE + 1).min(total);
        let to = (page * PER_PAGE).min(total);
        Pager {
            summary: tr.f(
                "pager.summary",
                &[
                    ("from", &from.to_string()),
                    ("to", &to.to_string()),
                    ("total", &total.to_string()),
                ],
            ),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
            page,
            pages,
            total,
        }
    }

    /// The first row of page `page`.
    pub fn offset(page: i64) -> i64 {
        (page - 1) * PER_PAGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Tr};

    #[test]
    fn links_keep_the_filters_and_stop_at_the_ends() {
        let tr = Tr::new(Lang::Zh);
        let p = Pager::new(&tr, "/stations/1/guests", &[("q", "罗 华"), ("all", "")], 2, 151);
        assert_eq!(p.pages, 4);
        assert_eq!(p.prev.as_deref(), Some("/stations/1/guests?q=%E7%BD%97+%E5%8D%8E&page=1"));
        assert_eq!(p.next.as_deref(), Some("/stations/1/guests?q=%E7%BD%97+%E5%8D%8E&page=3"));
        assert_eq!(p.summary, "第 51–100 条，共 151 条");
        let last = Pager::new(&tr, "/x", &[], 4, 151);
        assert_eq!((last.prev.is_some(), last.next.is_none()), (true, true));
        assert_eq!(last.summary, "第 151–151 条，共 151 条");
        let none = Pager::new(&tr, "/x", &[], 1, 0);
        assert_eq!((none.pages, none.prev, none.next), (1, None, None));
        assert_eq!(Pager::offset(3), 100);
    }

    #[test]
    fn a_page_is_a_number_in_range() {
        assert_eq!(page_of(None).unwrap(), 1);
        assert_eq!(page_of(Some(" ")).unwrap(), 1);
        assert_eq!(page_of(Some("7")).unwrap(), 7);
        for bad in ["0", "-1", "x", "9223372036854775807"] {
            assert_eq!(page_of(Some(bad)).unwrap_err().field(), Some("page"), "{bad}");
        }
    }
}
