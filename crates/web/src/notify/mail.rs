//! One message by e-mail: to the channel's addresses, over STARTTLS (or TLS from the first byte,
//! or in the clear only when the address says `tls=none`), signed in when the address names a
//! user. The Message-ID is the notification's key, so a mailbox that sees a repeat can tell.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use yizhan_core::notify::address::MailTls;
use yizhan_core::notify::channel::mail_server_of;
use yizhan_store::notify::channels::Channel;

use crate::state::WebConfig;

/// The subject: the message's first line, at most 120 characters.
fn subject(text: &str) -> String {
    let first = text.lines().next().unwrap_or_default();
    first.chars().take(120).collect()
}

/// Sends `text` (and the link to open) from `c`'s sender to its addresses through the server
/// `url` names, with `password` when it names a user. Err says why, without the password.
pub async fn send(
    config: &WebConfig,
    c: &Channel,
    url: &str,
    password: Option<&str>,
    key: &str,
    text: &str,
    link: &str,
) -> Result<(), String> {
    let server = mail_server_of(url).map_err(|_| "the mail server's address is not valid")?;
    let from: Mailbox = c.sender.parse().map_err(|_| "the sender is not an e-mail address")?;
    let mut m = Message::builder()
        .from(from)
        .subject(subject(text))
        .message_id(Some(format!("<{key}@yizhan>")))
        .header(ContentType::TEXT_PLAIN);
    for to in c.recipients() {
        m = m.to(to.parse::<Mailbox>().map_err(|_| format!("not an e-mail address: {to}"))?);
    }
    let message = m.body(format!("{text}\n\n{link}\n")).map_err(|e| e.to_string())?;

    crate::notify::send::install_tls();
    let params = || {
        let mut b = TlsParameters::builder(server.host.clone());
        if let Some(pem) = &config.channel_roots {
            let cert = Certificate::from_pem(pem.as_bytes())
                .map_err(|_| "the channels' CA file holds no certificate".to_owned())?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls().map_err(|e| format!("TLS: {e}"))
    };
    let tls = match server.tls {
        MailTls::StartTls => Tls::Required(params()?),
        MailTls::Wrapped => Tls::Wrapper(params()?),
        MailTls::None => Tls::None,
    };
    let mut t = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(server.host.as_str())
        .port(server.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(10)));
    if let Some(user) = &server.user {
        t = t.credentials(Credentials::new(user.clone(), password.unwrap_or_default().to_owned()));
    }
    // A server that stops answering mid-dialogue must not hold the dispatcher: lettre's timeout
    // does not cover every read.
    let sent = tokio::time::timeout(Duration::from_secs(30), t.build().send(message))
        .await
        .map_err(|_| "no answer within 30 s".to_owned())?;
    sent.map(|_| ()).map_err(|e| e.to_string().chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subject_is_the_first_line_cut_short() {
        assert_eq!(subject("a\nb"), "a");
        assert_eq!(subject(&"热".repeat(200)).chars().count(), 120);
    }
}
