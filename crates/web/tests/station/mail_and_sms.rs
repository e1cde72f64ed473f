//! Alerts by e-mail and by SMS (issue 18): a fever's notification goes through a real SMTP
//! server (aiosmtpd: STARTTLS, a password asked over TLS only) and through an HTTP SMS gateway to
//! each mobile on duty; a wrong password is tried again and never written down. SQLite and
//! PostgreSQL.

use yizhan_core::access::Actor;
use yizhan_core::notify::channel::{ChannelInput, validate_channel};
use yizhan_store::both_backends;
use yizhan_store::notify::{channels, outbox};
use yizhan_store::testing::TestDb;
use yizhan_web::notify::{dispatch, send};
use yizhan_web::state::WebConfig;

use crate::common::{self, App, Smtp, district, duty_chain, receiver};
use crate::notifications::fever;

const KEY: [u8; 32] = [9; 32];

async fn app(t: TestDb, roots: Option<String>) -> App {
    App::with_config(
        t,
        WebConfig { secret_key: Some(KEY), channel_roots: roots, ..Default::default() },
    )
    .await
}

/// A district channel as a person would enter it, checked and sealed as the page does.
async fn channel(app: &App, i: ChannelInput) -> i64 {
    let c = validate_channel(&ChannelInput {
        name: format!("{} channel", i.kind),
        min_severity: "danger".into(),
        per_minute: "20".into(),
        ..i
    })
    .unwrap();
    let new = yizhan_web::notify::sealed(Some(&KEY), c, None, None).unwrap();
    channels::create(app.db(), &Actor::system(), &new).await.unwrap()
}

fn mail(port: u16, password: &str) -> ChannelInput {
    ChannelInput {
        kind: "email".into(),
        url: format!("smtp://yizhan@zhuohui.cn@localhost:{port}"),
        secret: password.into(),
        recipients: "duty@zhuohui.cn，lead@zhuohui.cn".into(),
        mail_from: "yizhan@zhuohui.cn".into(),
        ..Default::default()
    }
}

both_backends!(a_fever_is_mailed_over_starttls_with_a_password, |t: TestDb| async move {
    let smtp = Smtp::start().await;
    let app = app(t, Some(smtp.cert.clone())).await;
    let (_, _, st, _) = district(app.db()).await;
    let good = channel(&app, mail(smtp.port, "pw-secret")).await;
    let alert = fever(&app, st, "502", 3).await;
    let now = yizhan_store::db::now();
    let pass = dispatch::once(&app.state, &send::client(), "n1", now).await.unwrap();
    let why = outbox::of_source(app.db(), "alert", alert).await.unwrap().remove(0).last_error;
    assert_eq!(pass.sent, 1, "{pass:?} {why:?}");
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let m = &mails[0];
    assert_eq!((m["tls"].as_bool(), m["user"].as_str()), (Some(true), Some("yizhan@zhuohui.cn")));
    assert_eq!(m["from"], "yizhan@zhuohui.cn");
    assert_eq!(m["to"], serde_json::json!(["duty@zhuohui.cn", "lead@zhuohui.cn"]));
    let subject = m["subject"].as_str().unwrap();
    assert!(subject.contains("502") && subject.contains("发热"), "{subject}");
    let row = outbox::of_source(app.db(), "alert", alert).await.unwrap().remove(0);
    assert_eq!(row.channel_id, good);
    assert_eq!(m["message_id"], format!("<yizhan-notification-{}@yizhan>", row.id));
    let body = m["body"].as_str().unwrap();
    assert!(body.contains(&format!("/alerts/{alert}")), "{body}");
    let guest = common::first_guest(app.db(), st).await;
    for secret in [&guest.name, &guest.doc_number, &guest.phone] {
        assert!(!body.contains(secret.as_str()) && !subject.contains(secret.as_str()));
    }

    // A wrong password: refused by the server, tried again later, the password nowhere.
    channels::set_active(app.db(), &Actor::system(), good, false).await.unwrap();
    let bad = channel(&app, mail(smtp.port, "pw-wrong")).await;
    let alert = fever(&app, st, "503", 4).await;
    let now = yizhan_store::db::now();
    let pass = dispatch::once(&app.state, &send::client(), "n1", now).await.unwrap();
    assert_eq!((pass.sent, pass.again), (0, 1), "{pass:?}");
    let row = outbox::of_source(app.db(), "alert", alert).await.unwrap().remove(0);
    assert_eq!((row.channel_id, row.status.as_str()), (bad, "pending"));
    let error = row.last_error.unwrap();
    assert!(error.contains("535") && !error.contains("pw-wrong"), "{error}");
    assert_eq!(smtp.mails().len(), 1, "nothing more arrived");
});

both_backends!(a_mail_server_not_trusted_gets_nothing, |t: TestDb| async move {
    // The server's certificate is self-signed and this node was not told to trust it: the
    // password must not go to a server that cannot prove who it is.
    let smtp = Smtp::start().await;
    let app = app(t, None).await;
    let (_, _, st, _) = district(app.db()).await;
    channel(&app, mail(smtp.port, "pw-secret")).await;
    let alert = fever(&app, st, "502", 5).await;
    let now = yizhan_store::db::now();
    let pass = dispatch::once(&app.state, &send::client(), "n1", now).await.unwrap();
    assert_eq!(pass.again, 1, "{pass:?}");
    assert!(smtp.mails().is_empty());
    let row = outbox::of_source(app.db(), "alert", alert).await.unwrap().remove(0);
    assert!(row.last_error.unwrap().to_lowercase().contains("certificate"));
});

both_backends!(an_sms_gateway_texts_each_mobile_on_duty, |t: TestDb| async move {
    let app = app(t, None).await;
    let (_, _, st, _) = district(app.db()).await;
    let chain = duty_chain(app.db(), st).await;
    // One gateway takes JSON by POST with a key in a header; another takes everything by GET.
    let (post_url, posted) = receiver(vec![]).await;
    let (get_url, got) = receiver(vec![]).await;
    channel(
        &app,
        ChannelInput {
            kind: "sms".into(),
            url: format!("{post_url}?sign=yizhan"),
            secret: "Authorization: Bearer k-1\nX-App: 42".into(),
            recipients: "13900009999".into(),
            request_body: r#"{"phone":"{mobile}","content":"{text}"}"#.into(),
            ..Default::default()
        },
    )
    .await;
    channel(
        &app,
        ChannelInput {
            kind: "sms".into(),
            url: format!("{get_url}?to={{mobile}}&msg={{text}}"),
            ..Default::default()
        },
    )
    .await;
    let alert = fever(&app, st, "602", 6).await;
    let pass =
        dispatch::once(&app.state, &send::client(), "n1", yizhan_store::db::now()).await.unwrap();
    assert_eq!(pass.sent, 2, "{pass:?}");

    let posted = posted.lock().unwrap().clone();
    let phones: Vec<String> =
        posted.iter().map(|p| p.2["phone"].as_str().unwrap().to_owned()).collect();
    assert_eq!(phones[0], "13900009999", "the channel's own first");
    let on_duty = &phones[1..];
    assert!(
        !on_duty.is_empty() && on_duty.iter().all(|p| chain.medical_phones.contains(p)),
        "{phones:?} / {:?}",
        chain.medical_phones
    );
    let keys: std::collections::HashSet<_> =
        posted.iter().map(|p| p.1["idempotency-key"].to_str().unwrap().to_owned()).collect();
    assert_eq!(keys.len(), posted.len(), "one key per mobile");
    for (q, headers, body) in &posted {
        assert_eq!(q["sign"], "yizhan");
        assert_eq!(headers["authorization"], "Bearer k-1");
        assert_eq!(headers["x-app"], "42");
        let text = body["content"].as_str().unwrap();
        assert!(text.contains("602") && text.contains("发热"), "{text}");
        assert!(text.ends_with(&format!("/alerts/{alert}")), "{text}");
        assert!(text.chars().count() <= 200);
        assert!(!text.contains("138001"), "no mobile in the text");
    }
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), on_duty.len(), "the GET gateway: only those on duty");
    assert!(got.iter().all(|g| chain.medical_phones.contains(&g.0["to"])));
    assert!(got[0].0["msg"].contains("发热"));
});
