//! The notification centre (issue 18): each person reads what their grants reach, narrowed as
//! they choose, unread counted and announced; quiet hours never silence danger. SQLite and
//! PostgreSQL.

use yizhan_core::access::Actor;
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

use crate::common::district;
use crate::notifications::{app, fever};

both_backends!(
    the_centre_shows_each_person_their_scope_and_counts_the_unread,
    |t: TestDb| async move {
        use yizhan_core::access::{Role, Scope};
        let app = app(t).await;
        let (_, street_b, st, other) = district(app.db()).await;
        fever(&app, st, "502", 1).await;
        fever(&app, other, "101", 2).await;
        let mut seen = Vec::new();
        for (name, role, scope) in [
            ("lead", Role::StationLead, Scope::Station(st)),
            ("commander", Role::Commander, Scope::District),
            ("street_b", Role::Commander, Scope::Street(street_b)),
            ("admin", Role::Admin, Scope::District),
        ] {
            let id = app.user(name, role, scope, false).await;
            let mut c = app.session_for(id).await;
            let j = app.get(&mut c, "/api/v1/inbox").await.json();
            let page = app.get(&mut c, "/inbox").await;
            assert_eq!(page.status, 200);
            seen.push((
                name,
                j["unread"].as_i64().unwrap(),
                page.body.contains("502 房"),
                page.body.contains("101 房"),
            ));
        }
        assert_eq!(
            seen,
            [
                ("lead", 1, true, false),
                ("commander", 2, true, true),
                ("street_b", 1, false, true),
                ("admin", 0, false, false),
            ]
        );

        // The lead reads; a new fever is unread and announced after the place the page had.
        let lead = app.user("lead2", Role::StationLead, Scope::Station(st), false).await;
        let mut c = app.session_for(lead).await;
        let j = app.get(&mut c, "/api/v1/inbox").await.json();
        let newest = j["newest"].as_i64().unwrap();
        assert!(j["items"].as_array().unwrap().is_empty(), "nothing announced without ?after");
        let r = app.form(&mut c, "/inbox/read", &[("upto", &newest.to_string())]).await;
        assert_eq!(r.status, 303);
        assert_eq!(app.get(&mut c, "/api/v1/inbox").await.json()["unread"], 0);
        fever(&app, st, "503", 3).await;
        let j = app.get(&mut c, &format!("/api/v1/inbox?after={newest}")).await.json();
        assert_eq!(j["unread"], 1);
        let items = j["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["severity"], "danger");
        assert!(items[0]["text"].as_str().unwrap().contains("503 房"));
        assert!(items[0]["link"].as_str().unwrap().starts_with("/alerts/"));
        // Reading never moves back; a bad place is refused naming the field.
        app.form(&mut c, "/inbox/read", &[("upto", "0")]).await;
        assert_eq!(app.get(&mut c, "/api/v1/inbox").await.json()["unread"], 1);
        let r = app.form(&mut c, "/inbox/read", &[("upto", "x")]).await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("已读位置"));
    }
);

both_backends!(
    each_person_narrows_what_they_hear_and_quiet_hours_never_silence_danger,
    |t: TestDb| async move {
        use chrono::Timelike;
        use yizhan_core::access::{Role, Scope};
        let app = app(t).await;
        let (_, _, st, other) = district(app.db()).await;
        let lead = app.user("lead", Role::StationLead, Scope::Station(st), false).await;
        let mut c = app.session_for(lead).await;
        let page = app.get(&mut c, "/account/notifications").await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("value=\"warning\" selected"),
            "a station's people start at warnings"
        );
        assert!(!page.body.contains(&format!("station:{other}")), "only their own to choose from");

        // Every refusal at once: another station, a time that is none.
        let r = app
            .form(
                &mut c,
                "/account/notifications",
                &[
                    ("min_severity", "loud"),
                    ("scope", &format!("station:{other}")),
                    ("quiet_from", "25:00"),
                    ("quiet_to", ""),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
        for field in ["最低级别", "只能选择本人职责范围内的驿站或街道", "免打扰开始", "免打扰结束"]
        {
            assert!(r.body.contains(field), "{field} missing");
        }

        // Quiet now (an hour either side of this minute, wrapping midnight) from warnings up.
        let now = yizhan_core::time::local_naive(yizhan_store::db::now());
        let minute = now.hour() * 60 + now.minute();
        let clock = |m: u32| yizhan_core::notify::subscription::clock_text(m % 1440);
        let (from, to) = (clock(minute + 1440 - 60), clock(minute + 60));
        let r = app
            .form(
                &mut c,
                "/account/notifications",
                &[
                    ("min_severity", "warning"),
                    ("scope", &format!("station:{st}")),
                    ("quiet_from", &from),
                    ("quiet_to", &to),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let start = app.get(&mut c, "/api/v1/inbox").await.json()["newest"].as_i64().unwrap();
        // A supply at its minimum (a warning) and a fever (danger).
        let sys = Actor::system();
        use yizhan_store::care::supplies;
        let item = supplies::create_item(
            app.db(),
            &sys,
            st,
            &yizhan_core::care::supplies::NewItem {
                name: "消毒片".into(),
                category: yizhan_core::care::supplies::Category::Disinfectant,
                unit: "瓶".into(),
                low_threshold: 5,
                stock: 6,
            },
        )
        .await
        .unwrap();
        let m = yizhan_core::care::supplies::NewMovement { delta: -2, reason: None };
        supplies::move_stock(app.db(), &sys, item, &m).await.unwrap();
        fever(&app, st, "502", 1).await;
        let j = app.get(&mut c, &format!("/api/v1/inbox?after={start}")).await.json();
        let got: Vec<(String, bool)> = j["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["severity"].as_str().unwrap().to_owned(), i["announce"].as_bool().unwrap()))
            .collect();
        assert_eq!(
            got,
            [("warning".to_owned(), false), ("danger".to_owned(), true)],
            "quiet keeps the warning in the centre"
        );

        // From danger up: the warning is not in the centre at all.
        app.form(&mut c, "/account/notifications", &[("min_severity", "danger"), ("scope", "")])
            .await;
        let page = app.get(&mut c, "/inbox").await;
        assert!(page.body.contains("502 房") && !page.body.contains("消毒片"));

        // The district's commander narrows to the other station: only its alerts.
        fever(&app, other, "101", 2).await;
        let cmd = app.user("commander", Role::Commander, Scope::District, false).await;
        let mut k = app.session_for(cmd).await;
        assert_eq!(app.get(&mut k, "/api/v1/inbox").await.json()["unread"], 2);
        let r = app
            .form(
                &mut k,
                "/account/notifications",
                &[("min_severity", "danger"), ("scope", &format!("station:{other}"))],
            )
            .await;
        assert_eq!(r.status, 303);
        assert_eq!(app.get(&mut k, "/api/v1/inbox").await.json()["unread"], 1);
        assert!(app.get(&mut k, "/inbox").await.body.contains("101 房"));
    }
);
