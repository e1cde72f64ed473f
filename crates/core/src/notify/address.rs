//! Where a channel writes to, as a person types it: a robot's or a gateway's web address, a mail
//! server (`smtp://` with STARTTLS, `smtps://`), e-mail addresses and mobiles, and the header
//! lines an SMS gateway wants.

use crate::validate::{Invalid, parse_phone, required_text};

/// An address a robot, a system or a gateway listens at: `https://` (or `http://` inside a
/// private network), a host, no spaces, at most 1,000 characters.
pub fn web(s: &str, hint: &'static str) -> Result<String, Invalid> {
    let t = required_text(s, 1000)?;
    let rest = t.strip_prefix("https://").or_else(|| t.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !t.contains(char::is_whitespace) => {
            Ok(t)
        }
        _ => Err(Invalid::BadFormat { hint }),
    }
}

/// How a mail server is spoken to. Never in the clear unless the address says so: a password
/// must not cross a network unencrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTls {
    /// `smtp://`: plain connection upgraded by STARTTLS, refused when the server cannot.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    Wrapped,
    /// `smtp://…?tls=none`: a relay on this machine or this network that speaks no TLS.
    None,
}

/// A mail server: `smtp://[user@]host[:port][?tls=none]` (port 587) or
/// `smtps://[user@]host[:port]` (port 465). The user may be an address (`a@b.cn@smtp.b.cn`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailServer {
    pub tls: MailTls,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
}

const SMTP_HINT: &str = "smtp://alerts@example.cn@smtp.example.cn:587";

pub fn mail_server(s: &str) -> Result<MailServer, Invalid> {
    let t = required_text(s, 1000)?;
    let bad = || Invalid::BadFormat { hint: SMTP_HINT };
    let (tls, rest) = if let Some(r) = t.strip_prefix("smtps://") {
        (MailTls::Wrapped, r)
    } else if let Some(r) = t.strip_prefix("smtp://") {
        (MailTls::StartTls, r)
    } else {
        return Err(bad());
    };
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let tls = match (tls, query) {
        (t, "") => t,
        (MailTls::StartTls, "tls=none") => MailTls::None,
        _ => return Err(bad()),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) if !u.is_empty() => (Some(u.to_owned()), h),
        Some(_) => return Err(bad()),
        None => (None, rest),
    };
    let (host, port) = match hostport.split_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad)?),
        None => (hostport, if tls == MailTls::Wrapped { 465 } else { 587 }),
    };
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !host.starts_with(['-', '.']);
    if !host_ok || user.as_deref().is_some_and(|u| u.contains(char::is_whitespace)) {
        return Err(bad());
    }
    Ok(MailServer { tls, host: host.to_owned(), port, user })
}

/// One e-mail address, as a mail server takes it: a local part, one `@`, a domain with a dot.
pub fn email(s: &str) -> Result<String, Invalid> {
    let t = required_text(s, 254)?;
    let ok = match t.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && t.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | ',' | ';'))
        }
        None => false,
    };
    if ok { Ok(t) } else { Err(Invalid::BadFormat { hint: "duty@example.cn" }) }
}

/// The items of a list typed one per line or separated by commas (either width), semicolons or
/// spaces.
pub fn items(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | ';' | '；' | '、'))
        .filter(|x| !x.is_empty())
        .collect()
}

/// The longest list of fixed recipients a channel keeps.
pub const MAX_RECIPIENTS: usize = 20;

/// A list of `one`s: each checked, at most [`MAX_RECIPIENTS`]; the first bad one refuses it.
pub fn list_of(
    s: &str,
    one: impl Fn(&str) -> Result<String, Invalid>,
) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for x in items(s) {
        let v = one(x)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    if out.len() > MAX_RECIPIENTS {
        return Err(Invalid::OutOfRange { min: "1".into(), max: MAX_RECIPIENTS.to_string() });
    }
    Ok(out)
}

/// A mobile as a gateway dials it: mainland digits bare, Hong Kong and Macau with their code.
pub fn mobile(s: &str) -> Result<String, Invalid> {
    parse_phone(s).map(|p| p.display().replace(' ', ""))
}

/// Header lines for a gateway (`Authorization: Bearer …`), one per line: a name of token
/// characters, a colon, a value without control characters.
pub fn header_lines(s: &str) -> Result<Vec<(String, String)>, Invalid> {
    let bad = Invalid::BadFormat { hint: "Authorization: Bearer …" };
    let mut out = Vec::new();
    for line in s.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(bad.clone())?;
        let (name, value) = (name.trim(), value.trim());
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) || value.chars().any(char::is_control) {
            return Err(bad);
        }
        out.push((name.to_owned(), value.to_owned()));
    }
    if out.len() > 10 {
        return Err(Invalid::OutOfRange { min: "0".into(), max: "10".into() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_servers_say_how_they_are_spoken_to() {
        let s = mail_server("smtp://alerts@example.cn@smtp.example.cn:2525").unwrap();
        assert_eq!(
            s,
            MailServer {
                tls: MailTls::StartTls,
                host: "smtp.example.cn".into(),
                port: 2525,
                user: Some("alerts@example.cn".into())
            }
        );
        let w = mail_server("smtps://smtp.qiye.aliyun.com").unwrap();
        assert_eq!((w.tls, w.port, w.user), (MailTls::Wrapped, 465, None));
        let n = mail_server("smtp://127.0.0.1:25?tls=none").unwrap();
        assert_eq!((n.tls, n.host.as_str(), n.port), (MailTls::None, "127.0.0.1", 25));
        assert_eq!(mail_server("smtp://relay.local").unwrap().port, 587);
        for bad in [
            "https://smtp.example.cn",
            "smtp://",
            "smtp://@host",
            "smtp://host:0",
            "smtp://host:99999",
            "smtps://host?tls=none",
            "smtp://host?tls=maybe",
            "smtp://ho st",
            "smtp://-host",
        ] {
            assert!(mail_server(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn addresses_and_mobiles_in_a_list() {
        assert_eq!(email(" duty@zhuohui.cn ").unwrap(), "duty@zhuohui.cn");
        for bad in ["duty", "@x.cn", "a@b", "a@b@c.cn", "a b@c.cn", "a@.cn", "a@c.", "<a@b.cn>"] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert_eq!(
            list_of("a@x.cn，b@x.cn\nA@x.cn; a@x.cn", email).unwrap(),
            ["a@x.cn", "b@x.cn", "A@x.cn"]
        );
        assert!(
            list_of("138 0013 8000, +852 91234567", mobile).is_err(),
            "a space separates items, so a spaced number is bad parts"
        );
        assert_eq!(
            list_of("13800138000、+85291234567", mobile).unwrap(),
            ["13800138000", "+85291234567"]
        );
        assert!(list_of(&"a@x.cn ".repeat(21), email).is_ok(), "repeats fold into one");
        let many: String = (0..21).map(|i| format!("u{i}@x.cn ")).collect();
        assert!(list_of(&many, email).is_err());
        assert_eq!(list_of("", email).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn header_lines_are_name_colon_value() {
        assert_eq!(
            header_lines("Authorization: Bearer k1\n\nX-App-Id:42\n").unwrap(),
            [("Authorization".into(), "Bearer k1".into()), ("X-App-Id".into(), "42".into())]
        );
        for bad in ["Bearer k1", ": v", "Bad Name: v", "X: a\u{7}b"] {
            assert!(header_lines(bad).is_err(), "{bad}");
        }
        assert_eq!(header_lines("").unwrap(), vec![]);
        assert!(web("https://sms.example.cn/send?to={mobile}", "x").is_ok());
    }
}
