//! Every user-visible string comes from `locales/*.ftl` (`key = value`, one per line).
//! zh-CN is the default; a test fails when a key exists in one locale and not the other, or when a
//! template or handler asks for a key that neither has.

use std::collections::HashMap;
use std::sync::LazyLock;

use yizhan_core::text::{Arg, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
    pub fn from_code(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" | "zh-cn" => Some(Lang::Zh),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }
}

pub const ZH_SOURCE: &str = include_str!("../locales/zh-CN.ftl");
pub const EN_SOURCE: &str = include_str!("../locales/en.ftl");

/// Parses `key = value` lines; `${SPACE}` keeps a meaningful trailing space that trimming would eat.
pub fn parse_catalog(src: &str) -> HashMap<String, String> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().replace("${SPACE}", " ")))
        .collect()
}

static ZH: LazyLock<HashMap<String, String>> = LazyLock::new(|| parse_catalog(ZH_SOURCE));
static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| parse_catalog(EN_SOURCE));

/// The translator handed to every template.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The string for `key`; a missing key shows as itself (and fails the locale test).
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        let cat = match self.lang {
            Lang::Zh => &*ZH,
            Lang::En => &*EN,
        };
        cat.get(key).map(String::as_str).unwrap_or(key)
    }

    /// `t` with `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// A message from core (a key and its arguments) in this language.
    pub fn text(&self, text: &Text) -> String {
        let args: Vec<(&str, String)> =
            text.args.iter().map(|(name, arg)| (*name, self.arg(arg))).collect();
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.f(text.key, &args)
    }

    fn arg(&self, arg: &Arg) -> String {
        match arg {
            Arg::Plain(s) => s.clone(),
            Arg::Text(t) => self.text(t),
            Arg::List { items, sep } => {
                items.iter().map(|a| self.arg(a)).collect::<Vec<_>>().join(self.t(sep))
            }
        }
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn is_zh(&self) -> bool {
        self.lang == Lang::Zh
    }
}
