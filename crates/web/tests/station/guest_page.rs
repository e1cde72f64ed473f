//! The guest's own page from the room card (issue 20, first slice), through the real router on
//! SQLite and PostgreSQL: the card printed by staff (its secret only hashed), opened on a phone,
//! the second factor (wrong answers locked out), a self-reported fever raising the alert staff see
//! beside their own reading, another stay's card never opening this stay, and a card replaced,
//! revoked or of a closed stay saying 已失效.

use axum::http::StatusCode;
use yizhan_core::access::{Role, Scope};
use yizhan_core::station::stay::CheckOutInput;
use yizhan_store::both_backends;
use yizhan_store::station::{guest_links, health, stays};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, Client, district};

/// Prints a card for `stay` as staff and returns its token.
pub(crate) async fn card(app: &App, staff: &mut Client, stay: i64) -> String {
    let r = app.form(staff, &format!("/stays/{stay}/card"), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["cache-control"], "no-store");
    let at = r.body.find("/g/").expect("the card's address");
    r.body[at + 3..at + 3 + 64].to_owned()
}

/// A phone that scanned `token`: the link moved into a cookie, the address without it.
pub(crate) async fn scan(app: &App, token: &str) -> Client {
    let mut phone = app.anon().await;
    let r = app.get(&mut phone, &format!("/g/{token}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"], "/g");
    phone
}

both_backends!(a_guest_reports_a_fever_from_the_room_card, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, a, _) = district(app.db()).await;
    let room = common::room(app.db(), a, "301", 1).await;
    let other_room = common::room(app.db(), a, "302", 1).await;
    let g = common::guest(app.db(), a, 7).await;
    let other = common::guest(app.db(), a, 8).await;
    let stay = common::check_in(app.db(), a, g, room).await;
    let other_stay = common::check_in(app.db(), a, other, other_room).await;
    let staff = app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
    let mut cs = app.session_for(staff).await;
    let token = card(&app, &mut cs, stay).await;
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));

    // The secret is nowhere but on the card: not in the store, not in the audit.
    let (hashes,): (i64,) = app
        .db()
        .fetch_one(
            yizhan_store::db::q("SELECT COUNT(*) FROM guest_links WHERE token_hash = $1")
                .bind(token.as_str()),
        )
        .await
        .unwrap();
    assert_eq!(hashes, 0);
    let (audited,): (i64,) = app
        .db()
        .fetch_one(
            yizhan_store::db::q(
                "SELECT COUNT(*) FROM audit_log WHERE CAST(detail AS TEXT) LIKE $1",
            )
            .bind(format!("%{}%", &token[..16])),
        )
        .await
        .unwrap();
    assert_eq!(audited, 0);

    // First open on a phone: the second factor, in the guest's words.
    let mut phone = scan(&app, &token).await;
    let r = app.get(&mut phone, "/g").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("data-testid=\"guest-verify\"") && r.body.contains("卓汇健康驿站"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("陈大文"), "no name before the second factor");
    // H10000007: its last four are 0007.
    let r = app.form(&mut phone, "/g/verify", &[("last4", "12")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("证件号码后 4 位"), "{}", r.body);
    for _ in 0..4 {
        let r = app.form(&mut phone, "/g/verify", &[("last4", "1234")]).await;
        assert!(r.body.contains("后 4 位不对"), "{}", r.body);
    }
    let r = app.form(&mut phone, "/g/verify", &[("last4", "1234")]).await;
    assert!(r.body.contains("输错次数太多"), "{}", r.body);
    let r = app.form(&mut phone, "/g/verify", &[("last4", "0007")]).await;
    assert!(r.body.contains("输错次数太多"), "locked even for the right answer: {}", r.body);
    let link = guest_links::find(app.db(), &token).await.unwrap().unwrap();
    assert!(link.locked_until.is_some());
    guest_links::failed(app.db(), link.id, 0, None).await.unwrap();
    let r = app.form(&mut phone, "/g/verify", &[("last4", "０００７")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The page: the guest's own stay only, masked.
    let r = app.get(&mut phone, "/g").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("data-testid=\"guest-home\"")
            && r.body.contains("陈**7")
            && r.body.contains("301"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("H10000007") && !r.body.contains("陈大文8"), "{}", r.body);

    // 38.0 ℃: the alert a staff reading would raise, marked self-reported; the staff's own
    // reading of the slot is untouched, and the round shows both.
    let r =
        app.form(&mut phone, "/g/health", &[("temperature", "38.0"), ("symptom", "cough")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("医护人员会尽快与您联系"), "{}", r.body);
    let alerts = health::alerts_of_stay(app.db(), stay).await.unwrap();
    assert_eq!(alerts.len(), 1);
    assert!(alerts[0].self_reported);
    assert_eq!(alerts[0].kind.as_str(), "fever_and_symptoms");
    assert!(health::of_stay(app.db(), stay).await.unwrap().is_empty());
    let (day, slot) = yizhan_core::station::health::slot_at(
        yizhan_store::db::now(),
        &yizhan_core::station::health::SlotConfig::default(),
    );
    let round =
        app.get(&mut cs, &format!("/stations/{a}/round?day={day}&slot={}", slot.as_str())).await;
    assert!(
        round.body.contains(&format!("data-testid=\"self-{stay}\""))
            && round.body.contains("本人自报 38.0℃"),
        "{}",
        round.body
    );
    let page = app.get(&mut cs, &format!("/alerts/{}", alerts[0].id)).await;
    assert!(page.body.contains("data-testid=\"alert-self\""), "{}", page.body);
    assert!(
        page.body.contains("data-testid=\"alert-detail\">38.0℃ 咳嗽</dd>"),
        "symptoms in words: {}",
        page.body
    );
    // A bad temperature is named, nothing kept.
    let r = app.form(&mut phone, "/g/health", &[("temperature", "83")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("体温"), "{}", r.body);
    assert_eq!(guest_links::self_reports(app.db(), stay).await.unwrap().len(), 1);

    // Another stay's card on this phone asks for its own second factor; this phone's device
    // secret opens nothing else.
    let other_token = card(&app, &mut cs, other_stay).await;
    let r = app.get(&mut phone, &format!("/g/{other_token}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.get(&mut phone, "/g").await;
    assert!(r.body.contains("guest-verify") && !r.body.contains("陈**8"), "{}", r.body);
    let r = app.form(&mut phone, "/g/health", &[("temperature", "39.0")]).await;
    assert!(r.body.contains("guest-verify"), "{}", r.body);
    assert!(health::alerts_of_stay(app.db(), other_stay).await.unwrap().is_empty());
    let r = app.get(&mut phone, &format!("/g/{token}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // A new card replaces the old; a revoked one and one of a closed stay say 已失效.
    let new_token = card(&app, &mut cs, stay).await;
    let r = app.get(&mut phone, "/g").await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("已失效"), "{}", r.body);
    let mut phone = scan(&app, &new_token).await;
    assert!(app.get(&mut phone, "/g").await.body.contains("guest-verify"));
    let r = app.form(&mut cs, &format!("/stays/{stay}/card/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&mut phone, "/g").await.status, StatusCode::GONE);
    let closing = card(&app, &mut cs, other_stay).await;
    let (outcome, reason) = yizhan_core::station::stay::validate_check_out(&CheckOutInput {
        outcome: "transferred_hospital".into(),
        reason: "发热送院".into(),
    })
    .unwrap();
    stays::check_out(
        app.db(),
        &yizhan_core::access::Actor::system(),
        other_stay,
        outcome,
        reason.as_deref(),
    )
    .await
    .unwrap();
    let mut phone = scan(&app, &closing).await;
    assert_eq!(app.get(&mut phone, "/g").await.status, StatusCode::GONE);
    // A phone that scanned nothing is told to scan the card; a made-up token is not found.
    let mut nobody = app.anon().await;
    let r = app.get(&mut nobody, "/g").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("data-testid=\"guest-scan\""), "{}", r.body);
    let mut stranger = scan(&app, &"ab".repeat(32)).await;
    assert_eq!(app.get(&mut stranger, "/g").await.status, StatusCode::NOT_FOUND);
    let r = app.get(&mut stranger, "/g/not-a-token").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

both_backends!(
    a_guests_request_goes_to_its_group_and_the_answer_comes_back,
    |t: TestDb| async move {
        use yizhan_core::care::roster::Pattern;
        use yizhan_core::care::staff::NewGroup;
        use yizhan_store::care::staff::create_group;
        use yizhan_store::station::guest_requests;
        let app = App::new(t).await;
        let (_, _, a, b) = district(app.db()).await;
        let sys = yizhan_core::access::Actor::system();
        let group = |name: &str| NewGroup {
            name: name.into(),
            pattern: Pattern::TwoTwelves,
            min_per_shift: 1,
            duties: None,
            floors: None,
            is_command: false,
        };
        let desk = create_group(app.db(), &sys, a, &group("前台组")).await.unwrap();
        let medical = create_group(app.db(), &sys, a, &group("医疗组")).await.unwrap();
        let room = common::room(app.db(), a, "301", 1).await;
        let g = common::guest(app.db(), a, 7).await;
        let stay = common::check_in(app.db(), a, g, room).await;
        let staff = app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
        let mut cs = app.session_for(staff).await;
        let token = card(&app, &mut cs, stay).await;
        let mut phone = scan(&app, &token).await;
        let r = app.form(&mut phone, "/g/verify", &[("last4", "0007")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);

        // Every refusal at once; then a medicine request, routed to the medical group, due in 30 min.
        let r = app.form(&mut phone, "/g/requests", &[("kind", ""), ("need", " ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("类型") && r.body.contains("需要什么"), "{}", r.body);
        let r = app
            .form(&mut phone, "/g/requests", &[("kind", "medicine"), ("need", "降压药吃完了")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("已提交") && r.body.contains("已收到"), "{}", r.body);
        let mine = guest_requests::of_stay(app.db(), stay).await.unwrap();
        assert_eq!(mine.len(), 1);
        let req = &mine[0];
        assert_eq!((req.group_id, req.group_name.as_deref()), (Some(medical), Some("医疗组")));
        assert_eq!((req.due_at - req.created_at).num_minutes(), 30);
        // The station hears of it in the notification centre: the room and the kind, never the
        // guest's words; past its deadline, once more, once.
        let inbox = app.get(&mut cs, "/inbox").await;
        assert!(
            inbox.body.contains("301 房住客诉求：药品，请医疗组在")
                && !inbox.body.contains("降压药吃完了"),
            "{}",
            inbox.body
        );
        let slots = Default::default();
        let later = req.due_at + chrono::Duration::minutes(1);
        use yizhan_store::notify::overdue;
        assert_eq!(
            overdue::scan(app.db(), &slots, req.due_at - chrono::Duration::minutes(1))
                .await
                .unwrap()
                .requests,
            0
        );
        assert_eq!(overdue::scan(app.db(), &slots, later).await.unwrap().requests, 1);
        assert_eq!(overdue::scan(app.db(), &slots, later).await.unwrap().requests, 0);
        let inbox = app.get(&mut cs, "/inbox").await;
        assert!(inbox.body.contains("住客诉求“药品”已超过答复时限"), "{}", inbox.body);

        // The station's queue: open, its group; the answer must say what was done.
        let page = app.get(&mut cs, &format!("/stations/{a}/requests")).await;
        assert!(
            page.body.contains(&format!("data-testid=\"request-{}\"", req.id))
                && page.body.contains("医疗组")
                && page.body.contains("待办 1")
                && page.body.contains("<option value=\"医护人员将在 30 分钟内与您电话联系。\">"),
            "{}",
            page.body
        );
        // Each working group sees its own.
        let mine = app.get(&mut cs, &format!("/stations/{a}/requests?group={medical}")).await;
        assert!(mine.body.contains(&format!("request-{}\"", req.id)), "{}", mine.body);
        let desk = app.get(&mut cs, &format!("/stations/{a}/requests?group={desk}")).await;
        assert!(desk.body.contains("requests-empty"), "{}", desk.body);
        let bad = app.get(&mut cs, &format!("/stations/{a}/requests?group=x")).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("工作组：包含不允许的字符"), "{}", bad.body);
        let url = format!("/requests/{}", req.id);
        let r = app.form(&mut cs, &url, &[("state", "done"), ("answer", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("答复"), "{}", r.body);
        let staff_b = app.user("staff_b", Role::StationStaff, Scope::Station(b), false).await;
        let mut cb = app.session_for(staff_b).await;
        let r = app.form(&mut cb, &url, &[("state", "done"), ("answer", "x")]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "another station's request is not found");
        // Late: in red on the queue.
        app.db()
            .execute(
                yizhan_store::db::q("UPDATE guest_requests SET due_at = $1 WHERE id = $2")
                    .bind(yizhan_store::db::now() - chrono::Duration::minutes(5))
                    .bind(req.id),
            )
            .await
            .unwrap();
        let page = app.get(&mut cs, &format!("/stations/{a}/requests")).await;
        assert!(
            page.body.contains("data-testid=\"requests-late\"")
                && page.body.contains("⚠ 超时 · 已收到"),
            "{}",
            page.body
        );
        let r = app.form(&mut cs, &url, &[("state", "done"), ("answer", "已送到门口")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        // Answered once: a second answer from the same state is refused.
        let r = app.form(&mut cs, &url, &[("state", "in_progress"), ("answer", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The guest sees it done, with the answer; the export has it.
        let r = app.get(&mut phone, "/g").await;
        assert!(r.body.contains("已办结") && r.body.contains("已送到门口"), "{}", r.body);
        let x = app.get(&mut cs, &format!("/stations/{a}/requests/export.xlsx")).await;
        let rows = crate::common::xlsx_rows(&x.bytes, "住客诉求");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][3], "降压药吃完了");
        assert_eq!(rows[1][8], "已送到门口");
    }
);

both_backends!(requests_are_listed_and_answered_over_json, |t: TestDb| async move {
    use axum::http::Method;
    use serde_json::json;
    let app = App::new(t).await;
    let (_, _, a, _) = district(app.db()).await;
    let room = common::room(app.db(), a, "301", 1).await;
    let g = common::guest(app.db(), a, 7).await;
    let stay = common::check_in(app.db(), a, g, room).await;
    let r = yizhan_core::station::guest_request::NewRequest {
        kind: yizhan_core::station::guest_request::RequestKind::Necessities,
        text: "需要毛巾".into(),
    };
    let id = yizhan_store::station::guest_requests::create(app.db(), stay, &r).await.unwrap();
    let staff = app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
    let mut cs = app.session_for(staff).await;
    let list = app.get(&mut cs, &format!("/api/v1/stations/{a}/requests")).await;
    assert_eq!(list.headers["x-total-count"], "1");
    let v = list.json();
    assert_eq!(
        (v[0]["id"].as_i64(), v[0]["kind"].as_str(), v[0]["state"].as_str()),
        (Some(id), Some("necessities"), Some("received"))
    );
    assert_eq!(v[0]["overdue"], json!(false));
    assert!(v[0]["name"].as_str().unwrap().contains('*'));
    let url = format!("/api/v1/requests/{id}");
    let r = app.json(&mut cs, Method::POST, &url, json!({ "state": "done" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("answer"), "{}", r.body);
    let r =
        app.json(&mut cs, Method::POST, &url, json!({ "state": "done", "answer": "已送" })).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let list = app.get(&mut cs, &format!("/api/v1/stations/{a}/requests?all=1")).await;
    assert_eq!(list.json()[0]["answer"], json!("已送"));
    assert_eq!(
        app.get(&mut cs, &format!("/api/v1/stations/{a}/requests")).await.headers["x-total-count"],
        "0"
    );
});

both_backends!(the_station_notice_and_the_certificate_after_release, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, a, _) = district(app.db()).await;
    let room = common::room(app.db(), a, "301", 1).await;
    let g = common::guest(app.db(), a, 7).await;
    let stay = common::check_in(app.db(), a, g, room).await;
    let staff = app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
    let lead = app.user("lead_a", Role::StationLead, Scope::Station(a), false).await;
    let mut cs = app.session_for(staff).await;
    let mut cl = app.session_for(lead).await;

    // The card says it in both languages.
    let r = app.form(&mut cs, &format!("/stays/{stay}/card"), &[]).await;
    assert!(r.body.contains("扫码查看") && r.body.contains("Scan for my schedule"), "{}", r.body);
    let token = card(&app, &mut cs, stay).await;

    // The lead writes the station's notice; staff may not; too long is named.
    let url = format!("/stations/{a}/guest-notice");
    let notice = "早餐 7:30 · 午餐 11:30 · 晚餐 17:30\n前台电话 0755-12345678";
    let r = app.form(&mut cs, &url, &[("guest_notice", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = app.form(&mut cl, &url, &[("guest_notice", &"字".repeat(1001))]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("须知内容"), "{}", r.body);
    let r = app.form(&mut cl, &url, &[("guest_notice", notice)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut phone = scan(&app, &token).await;
    assert_eq!(app.form(&mut phone, "/g/verify", &[("last4", "0007")]).await.status, 303);
    let r = app.get(&mut phone, "/g").await;
    assert!(
        r.body.contains("data-testid=\"guest-notice\"")
            && r.body.contains("前台电话 0755-12345678"),
        "{}",
        r.body
    );
    // No certificate while the stay is open.
    assert_eq!(app.get(&mut phone, "/g/certificate").await.status, StatusCode::NOT_FOUND);

    // Released: the page stays, read only, with the certificate to download (audited).
    stays::check_out(
        app.db(),
        &yizhan_core::access::Actor::system(),
        stay,
        yizhan_core::station::stay::Outcome::Released,
        None,
    )
    .await
    .unwrap();
    let r = app.get(&mut phone, "/g").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("data-testid=\"guest-released\"") && !r.body.contains("guest-report"),
        "{}",
        r.body
    );
    let cert = app.get(&mut phone, "/g/certificate").await;
    assert_eq!(cert.status, StatusCode::OK, "{}", cert.body);
    assert_eq!(cert.headers["cache-control"], "no-store");
    let number = stays::certificate_of(app.db(), stay).await.unwrap().unwrap().number;
    assert!(cert.body.contains(&number) && cert.body.contains("H10000007"), "{}", cert.body);
    let (downloads,): (i64,) = app
        .db()
        .fetch_one(yizhan_store::db::q(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'certificate.download'",
        ))
        .await
        .unwrap();
    assert_eq!(downloads, 1);
    // Nothing more is recorded after the release.
    let r = app.form(&mut phone, "/g/health", &[("temperature", "36.5")]).await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(guest_links::self_reports(app.db(), stay).await.unwrap().is_empty());
    let r = app.form(&mut phone, "/g/requests", &[("kind", "other"), ("need", "x")]).await;
    assert_eq!(r.status, StatusCode::GONE);
    // A week later the card is 已失效.
    app.db()
        .execute(
            yizhan_store::db::q("UPDATE stays SET ended_at = $1 WHERE id = $2")
                .bind(yizhan_store::db::now() - chrono::Duration::days(7))
                .bind(stay),
        )
        .await
        .unwrap();
    assert_eq!(app.get(&mut phone, "/g").await.status, StatusCode::GONE);
    assert_eq!(app.get(&mut phone, "/g/certificate").await.status, StatusCode::GONE);
});
