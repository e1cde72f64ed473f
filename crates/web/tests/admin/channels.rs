//! The administrator's notification channels (issue 18): added through the page with every
//! refusal at once, shown by host only, tested against a real receiver, stopped; nobody else may
//! see them. SQLite and PostgreSQL.

use axum::http::StatusCode;
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;
use yizhan_web::state::WebConfig;

use crate::common::{App, district, receiver};

both_backends!(an_admin_connects_a_group_and_tests_it, |t: TestDb| async move {
    let app =
        App::with_config(t, WebConfig { secret_key: Some([9; 32]), ..Default::default() }).await;
    let (_, street_b, st_a, _) = district(app.db()).await;
    let admin = app.user("admin2", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(admin).await;
    let page = app.get(&mut c, "/admin/channels").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"channels-empty\""), "{}", page.body);
    // Every refusal at once, and nothing saved; the address is not echoed back.
    let r = app
        .form(
            &mut c,
            "/admin/channels",
            &[
                ("kind", "slack"),
                ("name", " "),
                ("url", "ftp://secret-host/KEY"),
                ("min_severity", "danger"),
                ("per_minute", "0"),
                ("scope", "street:99999"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in ["kind", "name", "url", "per_minute", "scope"] {
        assert!(r.body.contains(&format!("data-refused=\"{field}\"")), "{field}: {}", r.body);
    }
    assert!(!r.body.contains("secret-host"), "the address is not shown again");
    assert!(yizhan_store::notify::channels::list(app.db()).await.unwrap().is_empty());
    // A good one, for street B.
    let (hook, got) = receiver(vec![]).await;
    let url = format!("{hook}?key=SECRETKEY1234");
    let r = app
        .form(
            &mut c,
            "/admin/channels",
            &[
                ("kind", "wecom"),
                ("name", "平湖街道指挥群"),
                ("url", &url),
                ("min_severity", "danger"),
                ("per_minute", "20"),
                ("scope", &format!("street:{street_b}")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let all = yizhan_store::notify::channels::list(app.db()).await.unwrap();
    assert_eq!((all.len(), all[0].street_id), (1, Some(street_b)));
    assert!(!all[0].url_sealed.contains("SECRETKEY"), "sealed at rest");
    let page = app.get(&mut c, "/admin/channels").await.body;
    assert!(page.contains("平湖街道指挥群") && page.contains("…1234"), "{page}");
    assert!(!page.contains("SECRETKEY"), "the robot's key is never on a page");
    // A test message reaches the group and the page says so.
    let id = all[0].id;
    let r = app.form(&mut c, &format!("/admin/channels/{id}/test"), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("测试消息已送达"), "{}", r.body);
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let body = &got[0].2;
    assert!(body["text"]["content"].as_str().unwrap().contains("平湖街道指挥群"), "{body}");
    assert_eq!(body["msgtype"], "text");
    // Stopped, then started again.
    let r = app.form(&mut c, &format!("/admin/channels/{id}/active"), &[("active", "0")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!yizhan_store::notify::channels::get(app.db(), id).await.unwrap().active);
    let r = app.form(&mut c, &format!("/admin/channels/{id}/active"), &[("active", "maybe")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A station's lead sees only their own station's channels, never street B's.
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    let r = app.get(&mut l, "/admin/channels").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains("平湖街道指挥群"));
    // Staff do not manage channels at all.
    let staff = app.user("staff", Role::StationStaff, Scope::Station(st_a), false).await;
    let mut s = app.session_for(staff).await;
    let r = app.get(&mut s, "/admin/channels").await;
    assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
});

both_backends!(a_lead_connects_their_own_stations_group_and_no_other, |t: TestDb| async move {
    let app =
        App::with_config(t, WebConfig { secret_key: Some([9; 32]), ..Default::default() }).await;
    let (_, street_b, st_a, st_b) = district(app.db()).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    let page = app.get(&mut l, "/admin/channels").await.body;
    assert!(page.contains(&format!("value=\"station:{st_a}\"")), "their station to choose");
    for other in
        [format!("station:{st_b}"), format!("street:{street_b}"), "value=\"district\"".into()]
    {
        assert!(!page.contains(&other), "{other} offered to a station's lead");
    }
    let (hook, _) = receiver(vec![]).await;
    let add = |scope: String| {
        let hook = hook.clone();
        async move {
            vec![
                ("kind".to_owned(), "wecom".to_owned()),
                ("name".into(), "卓汇三楼医疗群".into()),
                ("url".into(), format!("{hook}?key=K1")),
                ("min_severity".into(), "danger".into()),
                ("per_minute".into(), "20".into()),
                ("scope".into(), scope),
            ]
        }
    };
    for scope in [format!("station:{st_b}"), format!("street:{street_b}"), "district".into()] {
        let f = add(scope.clone()).await;
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = app.form(&mut l, "/admin/channels", &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{scope}");
        assert!(r.body.contains("只能为本人管辖的驿站"), "{scope}");
    }
    let f = add(format!("station:{st_a}")).await;
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(app.form(&mut l, "/admin/channels", &fields).await.status, StatusCode::SEE_OTHER);
    let all = yizhan_store::notify::channels::list(app.db()).await.unwrap();
    assert_eq!((all.len(), all[0].station_id), (1, Some(st_a)));
    // The other station's lead neither sees nor stops it.
    let other = app.user("lead_b", Role::StationLead, Scope::Station(st_b), false).await;
    let mut o = app.session_for(other).await;
    assert!(!app.get(&mut o, "/admin/channels").await.body.contains("卓汇三楼医疗群"));
    let id = all[0].id;
    let r = app.form(&mut o, &format!("/admin/channels/{id}/active"), &[("active", "0")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(yizhan_store::notify::channels::get(app.db(), id).await.unwrap().active);
    let r = app.form(&mut l, &format!("/admin/channels/{id}/active"), &[("active", "0")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "its own lead stops it");
});

both_backends!(an_admin_adds_a_mailbox_and_its_test_mail_arrives, |t: TestDb| async move {
    let smtp = crate::common::Smtp::start().await;
    let config = WebConfig {
        secret_key: Some([9; 32]),
        channel_roots: Some(smtp.cert.clone()),
        ..Default::default()
    };
    let app = App::with_config(t, config).await;
    district(app.db()).await;
    let admin = app.user("admin3", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(admin).await;
    let page = app.get(&mut c, "/admin/channels").await.body;
    for field in ["recipients", "mail_from", "request_body"] {
        assert!(page.contains(&format!("name=\"{field}\"")), "{field} on the form");
    }
    // An e-mail channel's own fields, refused all at once with the rest.
    let r = app
        .form(
            &mut c,
            "/admin/channels",
            &[
                ("kind", "email"),
                ("name", "区指挥部值班邮箱"),
                ("url", "https://smtp.example.cn"),
                ("mail_from", "yizhan"),
                ("recipients", ""),
                ("min_severity", "danger"),
                ("per_minute", "20"),
                ("scope", "district"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    for field in ["url", "mail_from", "recipients"] {
        assert!(r.body.contains(&format!("data-refused=\"{field}\"")), "{field}: {}", r.body);
    }
    let url = format!("smtp://yizhan@zhuohui.cn@localhost:{}", smtp.port);
    let r = app
        .form(
            &mut c,
            "/admin/channels",
            &[
                ("kind", "email"),
                ("name", "区指挥部值班邮箱"),
                ("url", &url),
                ("secret", "pw-secret"),
                ("mail_from", "yizhan@zhuohui.cn"),
                ("recipients", "duty@zhuohui.cn\ncommand@zhuohui.cn"),
                ("min_severity", "danger"),
                ("per_minute", "20"),
                ("scope", "district"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let all = yizhan_store::notify::channels::list(app.db()).await.unwrap();
    assert_eq!(all[0].recipients(), ["duty@zhuohui.cn", "command@zhuohui.cn"]);
    assert!(!all[0].secret_sealed.as_deref().unwrap().contains("pw-secret"), "sealed");
    let page = app.get(&mut c, "/admin/channels").await.body;
    assert!(page.contains("电子邮件") && !page.contains("pw-secret"), "{page}");
    let r = app.form(&mut c, &format!("/admin/channels/{}/test", all[0].id), &[]).await;
    assert!(r.body.contains("测试消息已送达"), "{}", r.body);
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0]["subject"].as_str().unwrap().contains("区指挥部值班邮箱"), "{mails:?}");
    assert_eq!(mails[0]["to"], serde_json::json!(["duty@zhuohui.cn", "command@zhuohui.cn"]));
});

both_backends!(an_sms_channels_test_texts_its_fixed_mobiles_only, |t: TestDb| async move {
    let app =
        App::with_config(t, WebConfig { secret_key: Some([9; 32]), ..Default::default() }).await;
    district(app.db()).await;
    let admin = app.user("admin4", Role::Admin, Scope::District, false).await;
    let mut c = app.session_for(admin).await;
    let (hook, got) = receiver(vec![]).await;
    let url = format!("{hook}?to={{mobile}}&msg={{text}}");
    for (name, mobiles) in [("当班短信", ""), ("指挥长短信", "13900001111")] {
        let r = app
            .form(
                &mut c,
                "/admin/channels",
                &[
                    ("kind", "sms"),
                    ("name", name),
                    ("url", &url),
                    ("recipients", mobiles),
                    ("min_severity", "danger"),
                    ("per_minute", "20"),
                    ("scope", "district"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let all = yizhan_store::notify::channels::list(app.db()).await.unwrap();
    let r = app.form(&mut c, &format!("/admin/channels/{}/test", all[0].id), &[]).await;
    assert!(r.body.contains("测试消息未送达") && r.body.contains("固定手机号"), "{}", r.body);
    assert!(got.lock().unwrap().is_empty());
    let r = app.form(&mut c, &format!("/admin/channels/{}/test", all[1].id), &[]).await;
    assert!(r.body.contains("测试消息已送达"), "{}", r.body);
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0["to"], "13900001111");
    assert!(got[0].0["msg"].contains("指挥长短信"), "{:?}", got[0].0);
});
