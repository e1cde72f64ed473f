//! Every route is findable from its handler: the handler's doc comment names it
//! (`/// \`GET /stations/{id}/rooms\`…`), so a grep for a path lands on the code that serves it.

use std::collections::HashMap;
use std::path::Path;

/// Each `.get("…", policy, handler)` (and post, put, patch, delete) of the areas' routes.rs:
/// (path, handler function's name).
fn routes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for method in [".get(", ".post(", ".put(", ".patch(", ".delete("] {
        for (i, _) in text.match_indices(method) {
            let rest = &text[i + method.len()..];
            let (mut depth, mut end) = (1, 0);
            for (j, c) in rest.char_indices() {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                if depth == 0 {
                    end = j;
                    break;
                }
            }
            let args = rest[..end].trim();
            let Some(path) = args.strip_prefix('"').and_then(|a| a.split('"').next()) else {
                continue;
            };
            let handler = args.trim_end_matches(',').rsplit(',').next().unwrap_or("").trim();
            let name = handler.rsplit("::").next().unwrap_or(handler);
            out.push((path.to_owned(), name.to_owned()));
        }
    }
    out
}

/// Every `async fn` in the web crate's source by name, with the doc lines above it.
fn docs(dir: &Path, out: &mut HashMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            docs(&p, out);
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let Some(rest) = l.trim_start().strip_prefix("pub async fn ") else { continue };
            let name: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let doc: Vec<&str> = lines[..i]
                .iter()
                .rev()
                .take_while(|l| {
                    l.trim_start().starts_with("///") || l.trim_start().starts_with("#[")
                })
                .copied()
                .collect();
            out.entry(name).or_default().push_str(&doc.join("\n"));
        }
    }
}

#[test]
fn every_handler_names_its_routes_in_its_doc() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut documented = HashMap::new();
    docs(&src, &mut documented);
    let mut all = Vec::new();
    for area in ["station", "care", "command", "work", "admin", "board"] {
        let text = std::fs::read_to_string(src.join(area).join("routes.rs")).unwrap();
        all.extend(routes(&text));
    }
    let undocumented: Vec<_> = all
        .iter()
        .filter(|(path, name)| !documented.get(name).is_some_and(|d| d.contains(path.as_str())))
        .collect();
    assert!(
        undocumented.is_empty(),
        "handlers whose doc does not name their route: {undocumented:?}"
    );
    assert!(all.len() > 250, "routes found: {}", all.len());
}
