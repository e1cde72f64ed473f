//! The console speaks through the locale files too. An operator's line is said in Chinese and in
//! English (`数据库已是最新结构 / migrations applied: …`); the Chinese half carries no values
//! the English half repeats, so a password or a path is printed once.

use yizhan_web::i18n::{Lang, Tr};

/// A line in both languages, Chinese first.
pub fn both(key: &str, args: &[(&str, &str)]) -> String {
    format!("{} / {}", zh(key, args), Tr::new(Lang::En).f(key, args))
}

/// A line in Chinese only (an import's report, which quotes the Chinese sheet).
pub fn zh(key: &str, args: &[(&str, &str)]) -> String {
    Tr::new(Lang::Zh).f(key, args)
}

/// What a refused value says, every refusal of it, in both languages.
pub fn refusal(e: &yizhan_core::error::DomainError) -> String {
    let web = yizhan_web::error::WebError::from(e.clone());
    format!("{} / {}", web.message(&Tr::new(Lang::Zh)), web.message(&Tr::new(Lang::En)))
}
