//! A stay's period extended and shortened (issue 19) through the guest's page: the release date
//! moved, the calendar recomputed (tests not yet taken dropped, new ones added, taken ones kept),
//! the change kept with the old calendar, who approved it in which role and why; refused all at
//! once when wrong, and only to those who approve releases at that station. SQLite and
//! PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::json;
use yizhan_core::access::{Role, Scope};
use yizhan_core::station::quarantine::{calendar_of, release_after};
use yizhan_store::both_backends;
use yizhan_store::station::{period, policies, stays};
use yizhan_store::testing::TestDb;

use crate::common::{self, App, district};

async fn days_of_tests(app: &App, stay: i64) -> Vec<i64> {
    stays::tests(app.db(), stay).await.unwrap().iter().map(|t| t.day).collect()
}

both_backends!(
    a_lead_extends_and_shortens_a_stay_and_the_calendar_follows,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, _, st, other) = district(app.db()).await;
        let r = common::room(app.db(), st, "502", 1).await;
        let g = common::guest(app.db(), st, 71).await;
        let stay = common::check_in(app.db(), st, g, r).await;
        let s = stays::get(app.db(), stay).await.unwrap();
        let policy = policies::get(app.db(), s.policy_id).await.unwrap().policy();
        let before = days_of_tests(&app, stay).await;
        let current = period::days_of(&s);
        assert_eq!(current, policy.centralized_days);

        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut c = app.session_for(lead).await;
        let page = app.get(&mut c, &format!("/guests/{g}")).await.body;
        assert!(page.contains("data-testid=\"period-box\""), "the lead is offered the change");

        // Wrong: the same days and no reason, both said at once; nothing changed.
        let same = current.to_string();
        let r = app
            .form(&mut c, &format!("/stays/{stay}/period"), &[("days", &same), ("reason", "")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("无需变更") && r.body.contains("原因"), "{}", r.body);
        assert!(period::history(app.db(), stay).await.unwrap().is_empty());

        // Extended by a week.
        let longer = current + 7;
        let r = app
            .form(
                &mut c,
                &format!("/stays/{stay}/period"),
                &[("days", &longer.to_string()), ("reason", "同层出现阳性，延长观察")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let s = stays::get(app.db(), stay).await.unwrap();
        assert_eq!(s.planned_release, release_after(s.checked_in_at, longer));
        let want: Vec<i64> =
            calendar_of(&policy, s.checked_in_at, longer).iter().map(|t| t.day).collect();
        assert_eq!(days_of_tests(&app, stay).await, want);
        assert_eq!(want.last(), Some(&longer), "tested on the new last day");
        let h = period::history(app.db(), stay).await.unwrap();
        assert_eq!(h.len(), 1);
        assert_eq!((h[0].old_days, h[0].new_days), (current, longer));
        assert_eq!(
            (h[0].approved_role.as_str(), h[0].changed_by.as_str()),
            ("station_lead", "lead")
        );
        let kept: Vec<serde_json::Value> = serde_json::from_str(&h[0].old_calendar).unwrap();
        let kept: Vec<i64> = kept.iter().map(|t| t["day"].as_i64().unwrap()).collect();
        assert_eq!(kept, before, "the old calendar is kept");
        let page = app.get(&mut c, &format!("/guests/{g}")).await.body;
        assert!(page.contains("同层出现阳性，延长观察") && page.contains("驿站负责人"), "{page}");

        // Shortened to three days: the tests after day 3 not yet taken go, one on day 3 comes.
        let r = app
            .form(
                &mut c,
                &format!("/stays/{stay}/period"),
                &[("days", "3"), ("reason", "政策调整")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let tests = days_of_tests(&app, stay).await;
        assert!(tests.iter().all(|d| *d <= 3) && tests.last() == Some(&3), "{tests:?}");
        assert_eq!(period::history(app.db(), stay).await.unwrap().len(), 2);

        // Through the API, the medical officer: the same rule (every refusal at once), then the
        // change, approved in the medical role.
        let med = app.user("med", Role::Medical, Scope::Station(st), false).await;
        let mut m = app.session_for(med).await;
        let url = format!("/api/v1/stays/{stay}/period");
        let r = app.json(&mut m, Method::POST, &url, json!({"days": 0, "reason": ""})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let fields: Vec<String> = r.json()["error"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field"].as_str().unwrap_or("").to_owned())
            .collect();
        assert_eq!(fields, ["days", "reason"], "{}", r.body);
        let r =
            app.json(&mut m, Method::POST, &url, json!({"days": 10, "reason": "复核后延长"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = r.json();
        assert_eq!(v["id"], stay);
        let s = stays::get(app.db(), stay).await.unwrap();
        assert_eq!(v["planned_release"], json!(s.planned_release));
        assert_eq!(s.planned_release, release_after(s.checked_in_at, 10));
        let days: Vec<i64> =
            v["tests"].as_array().unwrap().iter().map(|t| t["day"].as_i64().unwrap()).collect();
        assert_eq!(days, days_of_tests(&app, stay).await);
        assert_eq!(days.last(), Some(&10));
        let h = period::history(app.db(), stay).await.unwrap();
        assert_eq!(h.len(), 3);
        assert_eq!((h[2].new_days, h[2].approved_role.as_str()), (10, "medical"), "{h:?}");

        // Staff do not approve periods; another station's lead does not see the stay.
        let staff = app.user("staff", Role::StationStaff, Scope::Station(st), false).await;
        let mut c = app.session_for(staff).await;
        let r = app
            .form(&mut c, &format!("/stays/{stay}/period"), &[("days", "9"), ("reason", "x")])
            .await;
        assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", r.status);
        let theirs = app.user("lead_b", Role::StationLead, Scope::Station(other), false).await;
        let mut c = app.session_for(theirs).await;
        let r = app
            .form(&mut c, &format!("/stays/{stay}/period"), &[("days", "9"), ("reason", "x")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app.json(&mut c, Method::POST, &url, json!({"days": 9, "reason": "x"})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(period::history(app.db(), stay).await.unwrap().len(), 3, "nothing more");
    }
);
