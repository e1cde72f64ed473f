//! Words for people. Core never writes a sentence: it says which message (a key in the locale
//! files, `crates/web/locales`) with which arguments, and the web layer says it in the reader's
//! language. So a rule, a validator and an import report speak Chinese and English alike, and a
//! wording is changed in one place.

use std::fmt;

/// A message: its key in the locale files and the values of its `{placeholders}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// A placeholder's value: as it is (a number, a barcode, a quoted character), a message of its
/// own (said in the same language), or a list joined the language's way (`sep` is the key of
/// its separator: `punct.list_sep` is 、 or a comma, `punct.clause_sep` ； or a semicolon).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Plain(String),
    Text(Text),
    List { items: Vec<Arg>, sep: &'static str },
}

impl Text {
    pub fn new(key: &'static str) -> Text {
        Text { key, args: Vec::new() }
    }

    /// Adds a placeholder's value as it is.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Text {
        self.args.push((name, Arg::Plain(value.to_string())));
        self
    }

    /// Adds a placeholder said as a message of its own.
    pub fn with_text(mut self, name: &'static str, text: Text) -> Text {
        self.args.push((name, Arg::Text(text)));
        self
    }

    /// Adds a placeholder holding a list of values (joined by `punct.list_sep`).
    pub fn with_list(mut self, name: &'static str, items: Vec<String>) -> Text {
        let items = items.into_iter().map(Arg::Plain).collect();
        self.args.push((name, Arg::List { items, sep: "punct.list_sep" }));
        self
    }

    /// Adds a placeholder holding messages, each a clause (joined by `punct.clause_sep`).
    pub fn with_clauses(mut self, name: &'static str, texts: Vec<Text>) -> Text {
        let items = texts.into_iter().map(Arg::Text).collect();
        self.args.push((name, Arg::List { items, sep: "punct.clause_sep" }));
        self
    }

    /// The plain value of a placeholder (for tests and logs).
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args.iter().find(|(n, _)| *n == name).and_then(|(_, a)| match a {
            Arg::Plain(s) => Some(s.as_str()),
            _ => None,
        })
    }
}

/// For logs and developers, not people: the key and its arguments (`invalid.too_long{max=20}`).
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)?;
        if self.args.is_empty() {
            return Ok(());
        }
        f.write_str("{")?;
        for (i, (name, arg)) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}={arg}")?;
        }
        f.write_str("}")
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Plain(s) => f.write_str(s),
            Arg::Text(t) => t.fmt(f),
            Arg::List { items, .. } => {
                f.write_str("[")?;
                for (i, a) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    a.fmt(f)?;
                }
                f.write_str("]")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_shows_its_key_and_arguments_to_developers() {
        let t = Text::new("sampling.barcode_invalid")
            .with("row", 3)
            .with_text("problem", Text::new("invalid.too_long").with("max", 40))
            .with_list("columns", vec!["a".into(), "b".into()]);
        assert_eq!(
            t.to_string(),
            "sampling.barcode_invalid{row=3, problem=invalid.too_long{max=40}, columns=[a, b]}"
        );
        assert_eq!(t.arg("row"), Some("3"));
        assert_eq!(t.arg("problem"), None);
        assert_eq!(Text::new("invalid.empty").to_string(), "invalid.empty");
    }
}
