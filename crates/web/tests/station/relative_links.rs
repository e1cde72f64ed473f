//! Relatives' links (issue 20, third slice), through the real router on SQLite and PostgreSQL:
//! the guest makes a link on their own page (its secret only hashed); the relative sees the stay
//! masked and without health unless allowed, books a delivery that the gate receives into the
//! delivery log, writes to the front desk and reads the answer; staff make one only with the
//! consent written down; one link per relative; another stay's link is never reached; a link
//! revoked or of a closed stay says 已失效.

use axum::http::StatusCode;
use yizhan_core::access::{Role, Scope};
use yizhan_core::station::stay::CheckOutInput;
use yizhan_store::both_backends;
use yizhan_store::care::{relative_links, relatives};
use yizhan_store::station::{guest_requests, stays};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, Client, district};
use crate::guest_page::{card, scan};

/// The link's token in a page that shows it once.
fn token_in(body: &str) -> String {
    let at = body.find("/r/").expect("the link's address");
    body[at + 3..at + 3 + 64].to_owned()
}

/// A phone that opened the relative's link.
async fn open(app: &App, token: &str) -> Client {
    let mut phone = app.anon().await;
    let r = app.get(&mut phone, &format!("/r/{token}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"], "/r");
    phone
}

both_backends!(a_relative_books_a_delivery_and_writes_to_the_desk, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, _, a, b) = district(app.db()).await;
    let room = common::room(app.db(), a, "301", 1).await;
    let other_room = common::room(app.db(), a, "302", 1).await;
    let g = common::guest(app.db(), a, 7).await;
    let other = common::guest(app.db(), a, 8).await;
    let stay = common::check_in(app.db(), a, g, room).await;
    let other_stay = common::check_in(app.db(), a, other, other_room).await;
    let staff = app.user("staff_a", Role::StationStaff, Scope::Station(a), false).await;
    let mut cs = app.session_for(staff).await;
    let token = card(&app, &mut cs, stay).await;
    let mut guest = scan(&app, &token).await;
    assert_eq!(app.form(&mut guest, "/g/verify", &[("last4", "0007")]).await.status, 303);

    // The guest makes a link: every refusal at once, then the link shown once, not cached.
    let r = app.form(&mut guest, "/g/relatives", &[("relative_name", ""), ("relation", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("亲友姓名") && r.body.contains("关系"), "{}", r.body);
    let made = app
        .form(&mut guest, "/g/relatives", &[("relative_name", "陈太"), ("relation", "配偶")])
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(made.headers["cache-control"], "no-store");
    assert!(made.body.contains("陈太（配偶）") && made.body.contains("<svg"), "{}", made.body);
    let link_token = token_in(&made.body);
    let (kept,): (i64,) = app
        .db()
        .fetch_one(
            yizhan_store::db::q("SELECT COUNT(*) FROM relative_links WHERE token_hash = $1")
                .bind(link_token.as_str()),
        )
        .await
        .unwrap();
    assert_eq!(kept, 0, "only the hash is kept");
    let links = relative_links::of_stay(app.db(), stay).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!((links[0].created_by.as_str(), links[0].consent.as_deref()), ("guest", None));
    assert!(!links[0].share_health);
    let home = app.get(&mut guest, "/g").await;
    assert!(
        home.body.contains(&format!("relative-revoke-{}", links[0].id))
            && home.body.contains("陈太（配偶）"),
        "{}",
        home.body
    );

    // The relative: the stay masked, days left, no tests (not shared), no document.
    let mut relative = open(&app, &link_token).await;
    let r = app.get(&mut relative, "/r").await;
    assert_eq!(r.status, StatusCode::OK);
    let s = stays::get(app.db(), stay).await.unwrap();
    let left =
        (s.planned_release - yizhan_core::time::local_date(yizhan_store::db::now())).num_days();
    assert!(
        r.body.contains("陈**7")
            && r.body.contains(&s.planned_release.to_string())
            && r.body.contains(&format!("data-testid=\"relative-days-left\">{left}<")),
        "{}",
        r.body
    );
    assert!(!r.body.contains("relative-tests") && !r.body.contains("H10000007"), "{}", r.body);
    assert!(
        relative_links::get(app.db(), links[0].id).await.unwrap().last_used_at.is_some(),
        "the guest sees when it was last opened"
    );

    // A delivery: every refusal at once, nothing kept; then booked for this afternoon.
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let r = app
        .form(
            &mut relative,
            "/r/deliveries",
            &[("item", ""), ("day", "2020-01-01"), ("window", "night")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("物品") && r.body.contains("日期") && r.body.contains("时段"),
        "{}",
        r.body
    );
    assert!(relative_links::bookings_of_link(app.db(), links[0].id).await.unwrap().is_empty());
    let r = app
        .form(
            &mut relative,
            "/r/deliveries",
            &[("item", "换洗衣物一袋"), ("day", &today.to_string()), ("window", "pm")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("已预约") && r.body.contains("下午 15:00–17:00"), "{}", r.body);

    // The gate: on the delivery log page, received once into the log, to be disinfected.
    let log = app.get(&mut cs, &format!("/stations/{a}/relatives")).await;
    let booking = relative_links::bookings_waiting(app.db(), a).await.unwrap()[0].id;
    assert!(
        log.body.contains(&format!("receive-booking-{booking}"))
            && log.body.contains("换洗衣物一袋")
            && log.body.contains("陈太（配偶）"),
        "{}",
        log.body
    );
    let staff_b = app.user("staff_b", Role::StationStaff, Scope::Station(b), false).await;
    let mut cb = app.session_for(staff_b).await;
    let url = format!("/delivery-bookings/{booking}/receive");
    assert_eq!(app.form(&mut cb, &url, &[]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.form(&mut cs, &url, &[]).await.status, StatusCode::SEE_OTHER);
    let again = app.form(&mut cs, &url, &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", again.body);
    let log = relatives::deliveries(app.db(), a, 10).await.unwrap();
    assert_eq!(log.len(), 1, "received once");
    assert_eq!(
        (log[0].stay_id, log[0].item.as_str(), log[0].sender.as_str(), log[0].status.as_str()),
        (stay, "换洗衣物一袋", "陈太（配偶）", "received")
    );
    let r = app.get(&mut relative, "/r").await;
    assert!(r.body.contains("已接收待消毒"), "{}", r.body);

    // A message to the desk: in the station's queue as the relative's, answered, read back; it
    // is not among the guest's own requests.
    let r = app.form(&mut relative, "/r/messages", &[("message", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("留言内容"), "{}", r.body);
    let r = app.form(&mut relative, "/r/messages", &[("message", "他的降压药放在衣物袋里")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let msgs = guest_requests::of_relative_link(app.db(), links[0].id).await.unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].relative_name.as_deref(), Some("陈太"));
    assert!(guest_requests::of_stay(app.db(), stay).await.unwrap().is_empty());
    let queue = app.get(&mut cs, &format!("/stations/{a}/requests")).await;
    assert!(queue.body.contains("亲属留言 · 陈太"), "{}", queue.body);
    let r = app
        .form(
            &mut cs,
            &format!("/requests/{}", msgs[0].id),
            &[("state", "done"), ("answer", "已转交医护")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.get(&mut relative, "/r").await;
    assert!(r.body.contains("已办结") && r.body.contains("已转交医护"), "{}", r.body);

    // Another stay is never reached: its guest cannot revoke this link; this relative's page
    // shows nothing of it.
    let other_token = card(&app, &mut cs, other_stay).await;
    let mut other_guest = scan(&app, &other_token).await;
    assert_eq!(app.form(&mut other_guest, "/g/verify", &[("last4", "0008")]).await.status, 303);
    let steal = links[0].id.to_string();
    let r = app.form(&mut other_guest, "/g/relatives/revoke", &[("link", &steal)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(relative_links::get(app.db(), links[0].id).await.unwrap().revoked_at.is_none());
    assert!(!app.get(&mut relative, "/r").await.body.contains("陈**8"));

    // Staff make one only with the consent written down; one link per relative: a new one for
    // the same name ends the old, which says 已失效.
    let url = format!("/stays/{stay}/relative-links");
    let r = app.form(&mut cs, &url, &[("relative_name", "陈太"), ("relation", "配偶")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("住客同意方式"), "{}", r.body);
    let r = app
        .form(
            &mut cs,
            &url,
            &[
                ("relative_name", "陈太"),
                ("relation", "配偶"),
                ("share_health", "1"),
                ("consent", "住客电话同意"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let second = token_in(&r.body);
    assert_eq!(app.get(&mut relative, "/r").await.status, StatusCode::GONE);
    let now_links = relative_links::of_stay(app.db(), stay).await.unwrap();
    assert_eq!(now_links.iter().filter(|l| l.revoked_at.is_none()).count(), 1);
    assert_eq!(now_links[0].consent.as_deref(), Some("住客电话同意"));
    assert_eq!(now_links[0].created_by, "staff_a");
    let mut relative = open(&app, &second).await;
    let r = app.get(&mut relative, "/r").await;
    assert!(r.body.contains("data-testid=\"relative-tests\""), "shared now: {}", r.body);
    let page = app.get(&mut cs, &format!("/guests/{g}")).await;
    assert!(page.body.contains(&format!("relative-revoke-{}", now_links[0].id)), "{}", page.body);

    // The guest revokes it; and a link of a closed stay says 已失效 too.
    let id = now_links[0].id.to_string();
    let r = app.form(&mut guest, "/g/relatives/revoke", &[("link", &id)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get(&mut relative, "/r").await.status, StatusCode::GONE);
    let r = app
        .form(&mut other_guest, "/g/relatives", &[("relative_name", "陈父"), ("relation", "父亲")])
        .await;
    let closing = token_in(&r.body);
    let (outcome, reason) = yizhan_core::station::stay::validate_check_out(&CheckOutInput {
        outcome: "released".into(),
        reason: String::new(),
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
    let mut late = open(&app, &closing).await;
    let r = app.get(&mut late, "/r").await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("已失效"), "{}", r.body);
    let r = app.form(&mut late, "/r/deliveries", &[("item", "水果")]).await;
    assert_eq!(r.status, StatusCode::GONE, "a dead link books nothing");
    // No link on this phone: told to open the one sent; a made-up one is not found.
    let mut nobody = app.anon().await;
    let r = app.get(&mut nobody, "/r").await;
    assert!(r.body.contains("relative-open-first"), "{}", r.body);
    let mut stranger = open(&app, &"ab".repeat(32)).await;
    assert_eq!(app.get(&mut stranger, "/r").await.status, StatusCode::NOT_FOUND);
});
