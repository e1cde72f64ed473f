//! Every page a person may use can be found: starting at their home page and following only
//! links (`href`, `src`, `hx-get`, a GET form's `action`), each role's session reaches every GET
//! page route that the authorization matrix lets it use. A page linked from nowhere fails here.
//! The crawl reads the pages in English, and fails on any Chinese words of the interface in them
//! (the Chinese of the data — names, streets — is the data's).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use axum::http::StatusCode;
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

use crate::authz::authz_table::{WHO, expected, matrix};
use crate::authz::fixture;
use crate::common::App;

/// Page routes nobody reaches by a link, and why.
const NOT_LINKED: &[(&str, &str)] = &[
    ("/login", "the sign-in form: a signed-in person is sent home"),
    ("/verify/{number}", "the public check of a certificate, opened from its QR code"),
    ("/healthz", "for the load balancer"),
    ("/metrics", "for the metrics scraper"),
    ("/assets/{name}", "styles, scripts and images, not pages"),
    ("/imports/{id}/progress", "polled by the import page's script while the run goes"),
    ("/arrivals/imports/{id}/progress", "polled by the import page's script while the run goes"),
    ("/g/{token}", "a guest's room card, opened from its QR code"),
    ("/g", "a guest's own page, reached from the room card's QR code"),
    ("/g/certificate", "a released guest's certificate, linked from their own page"),
    ("/r/{token}", "a relative's link, sent to them by the guest"),
    ("/r", "a relative's page, reached from the link the guest sent"),
];

/// Names in the fixture's data that are also phrases of the Chinese interface: on an English
/// page they are the data's (a task group called 督导检查组, a checklist item 终末消毒记录).
const DATA_WORDS: &[&str] = &["督导检查", "督导检查组", "终末消毒", "终末消毒记录"];

/// The Chinese interface's own phrases (4 characters or more between placeholders) that English
/// says otherwise: on an English page any of them is a string that escaped translation. A phrase
/// English quotes on purpose (the Chinese headers an import reads) is not one.
fn chinese_phrases() -> Vec<String> {
    use yizhan_web::i18n::{EN_SOURCE, ZH_SOURCE, parse_catalog};
    let en = parse_catalog(EN_SOURCE);
    let quoted = |p: &str| en.values().any(|v| v.contains(p)) || DATA_WORDS.contains(&p);
    let mut out: BTreeSet<String> = BTreeSet::new();
    for (k, zh) in parse_catalog(ZH_SOURCE) {
        if en.get(&k) == Some(&zh) {
            continue;
        }
        for part in zh.split(['{', '}']).step_by(2) {
            let part = part.trim();
            let han = part.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
            if han >= 4 && !quoted(part) {
                out.insert(part.to_owned());
            }
        }
    }
    out.into_iter().collect()
}

/// Opened by a page's script, never followed: an event stream does not end.
fn is_stream(path: &str) -> bool {
    path.ends_with("/events")
}

/// Files: reached when linked, not fetched (nothing to follow inside them).
fn is_file(pattern: &str) -> bool {
    [".xlsx", ".docx", ".svg", ".csv", ".pdf", "/thumb"].iter().any(|e| pattern.ends_with(e))
        || pattern.starts_with("/photos/")
        || pattern.starts_with("/directive-files/")
        || pattern == "/enterprises/{id}/plan"
}

/// Does a concrete path fit a route pattern (`{x}` is one non-empty segment)?
fn fits(pattern: &str, path: &str) -> bool {
    let (p, q): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len()
        && p.iter().zip(&q).all(|(a, b)| a == b || (a.starts_with('{') && !b.is_empty()))
}

/// Every link of a page: `href`, `src` and `hx-get` of any tag, `action` of a GET form.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let attr = |name: &str| {
            let key = format!(" {name}=\"");
            tag.find(&key).map(|i| {
                let rest = &tag[i + key.len()..];
                rest[..rest.find('"').unwrap_or(rest.len())].replace("&amp;", "&")
            })
        };
        for name in ["href", "src", "hx-get"] {
            out.extend(attr(name));
        }
        if tag.starts_with("form") && attr("method").is_some_and(|m| m.eq_ignore_ascii_case("get"))
        {
            out.extend(attr("action"));
        }
    }
    out.retain(|l| l.starts_with('/') && !l.starts_with("//"));
    out
}

both_backends!(every_page_is_reachable_from_home_by_links, |t: TestDb| async move {
    let app = App::new(t).await;
    let fx = fixture::build(&app).await;
    let pages: Vec<&'static str> = app
        .routes
        .iter()
        .filter(|r| r.method == "GET" && !r.path.starts_with("/api/") && !is_stream(r.path))
        .map(|r| r.path)
        .collect();
    let allowed: HashMap<&str, &[&str]> =
        matrix().into_iter().filter(|(m, ..)| *m == "GET").map(|(_, p, who)| (p, who)).collect();

    let mut orphans: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut untranslated: BTreeSet<String> = BTreeSet::new();
    let phrases = chinese_phrases();
    assert!(phrases.len() > 300, "{} phrases", phrases.len());
    let mut fetched_total = 0;
    for who in WHO.iter().skip(1) {
        let mut c = app.session_for(fx.ids[who]).await;
        c.cookies.insert("yz_lang".into(), "en".into());
        let mut reached: BTreeSet<&str> = BTreeSet::new();
        let mut fetched: HashMap<&str, usize> = HashMap::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut queue = VecDeque::from(["/".to_owned()]);
        while let Some(url) = queue.pop_front() {
            let path = url.split(['?', '#']).next().unwrap_or_default();
            // The most literal route that fits: /stations/new before /stations/{id}.
            let Some(pattern) = pages
                .iter()
                .copied()
                .filter(|p| fits(p, path))
                .max_by_key(|p| p.split('/').filter(|s| !s.starts_with('{')).count())
            else {
                continue;
            };
            reached.insert(pattern);
            // Two instances of a page are enough to see its links (one per kind of object).
            let n = fetched.entry(pattern).or_default();
            if is_file(pattern) || *n >= 2 || !seen.insert(url.clone()) {
                continue;
            }
            *n += 1;
            fetched_total += 1;
            let r = app.get(&mut c, &url).await;
            assert!(r.status != StatusCode::INTERNAL_SERVER_ERROR, "{who}: {url} → 500");
            if r.header("content-type").starts_with("text/html") {
                for p in phrases.iter().filter(|p| r.body.contains(p.as_str())) {
                    untranslated.insert(format!("{pattern}: {p}"));
                }
                queue.extend(links(&r.body).into_iter().filter(|l| !seen.contains(l)));
            }
        }
        for page in &pages {
            let may = allowed.get(page).is_some_and(|listed| expected(who, "GET", page, listed));
            let excused = NOT_LINKED.iter().any(|(p, _)| p == page);
            if may && !excused && !reached.contains(page) {
                orphans.entry(who).or_default().push(page);
            }
        }
    }
    assert!(
        orphans.is_empty(),
        "pages a role may use but cannot reach from its home by links:\n{}",
        orphans.iter().map(|(w, p)| format!("{w:<16} {p:?}")).collect::<Vec<_>>().join("\n")
    );
    assert!(
        untranslated.is_empty(),
        "Chinese interface text on English pages:\n{}",
        untranslated.into_iter().collect::<Vec<_>>().join("\n")
    );
    eprintln!("navigation crawl: {fetched_total} pages fetched in English, no orphan");
});

#[test]
fn links_are_read_from_every_kind_of_tag() {
    let html = r##"<a class="x" href="/a?b=1&amp;c=2">x</a><img src="/photos/3/thumb">
        <form method="get" action="/search"><form method="post" action="/no">
        <div hx-get="/nav/badges"></div><a href="https://example.org/">out</a><a href="#top">t</a>"##;
    assert_eq!(links(html), ["/a?b=1&c=2", "/photos/3/thumb", "/search", "/nav/badges"]);
    assert!(fits("/stations/{id}/rooms", "/stations/7/rooms"));
    assert!(!fits("/stations/{id}/rooms", "/stations/7/rooms/new"));
    assert!(!fits("/stations/{id}", "/stations/"));
}
