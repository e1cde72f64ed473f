//! Inspections through the real router on SQLite and PostgreSQL: checklists, planning, an
//! unannounced inspection kept from the station — and from its street and every viewer,
//! unless the street inspects — until it starts (四不两直), results and finish.

use crate::common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(an_unannounced_inspection_stays_secret_until_it_starts, |t: TestDb| async move {
    let app = App::new(t).await;
    let (_, street_b, st_a, st_b) = district(app.db()).await;
    let inspector = app.user("ducha", Role::Inspector, Scope::District, false).await;
    let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
    let staff = app.user("qiantai", Role::StationStaff, Scope::Station(st_a), false).await;
    let street_cmd = app.user("jiedao", Role::Commander, Scope::Street(street_b), false).await;
    let mut i = app.session_for(inspector).await;
    // A checklist: a malformed line is named by number; a good one saves.
    let r = app
        .form(
            &mut i,
            "/inspections/templates",
            &[
                ("name", "健康驿站督导检查表"),
                ("items", "三区两通道 | 分区 | 标识清楚\n消杀 | 缺标准"),
            ],
        )
        .await;
    assert!(r.body.contains("检查表第 2 行格式不对"), "{}", r.body);
    // The checklist's box says what it is, not 未完成事项 (a hand-over's word).
    assert!(
        r.body.contains("检查项（每行：项目 | 内容 | 标准）") && !r.body.contains("未完成事项")
    );
    let items = "三区两通道 | 污染区、缓冲区、清洁区划分 | 标识清楚、物理隔断\n消杀 | 终末消毒记录 | 每间退房后有记录\n台账 | 健康监测台账 | 每日两次，签名齐全";
    let r = app
        .form(&mut i, "/inspections/templates", &[("name", "健康驿站督导检查表"), ("items", items)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let template =
        yizhan_store::command::inspections::templates(app.db()).await.unwrap()[0].id.to_string();
    let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
    let plan = |kind: &'static str, station: i64| {
        vec![
            ("template_id", template.clone()),
            ("station_id", station.to_string()),
            ("kind", kind.to_owned()),
            ("planned_on", today.clone()),
            ("team", "区督导组 孙督导、李干事".to_owned()),
        ]
    };
    let fields = plan("unannounced", st_a);
    let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.form(&mut i, "/inspections", &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().trim_start_matches("/inspections/").parse().unwrap();
    // A street commander cannot plan one outside the street.
    let mut sc = app.session_for(street_cmd).await;
    let r = app.form(&mut sc, "/inspections", &f).await;
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
    let fields_b = plan("planned", st_b);
    let fb: Vec<(&str, &str)> = fields_b.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.form(&mut sc, "/inspections", &fb).await.status, StatusCode::SEE_OTHER);

    // Before it starts, the station sees nothing: not in the list, not by id, not in the API.
    for uid in [lead, staff] {
        let mut s = app.session_for(uid).await;
        let list = app.get(&mut s, "/inspections").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body.contains("inspections-empty") && !list.body.contains("孙督导"),
            "{}",
            list.body
        );
        assert_eq!(
            app.get(&mut s, &format!("/inspections/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        let api = app.get(&mut s, &format!("/api/v1/inspections/{id}")).await;
        assert_eq!(api.status, StatusCode::NOT_FOUND);
        assert!(!api.body.contains("孙督导"));
        for page in
            [format!("/stations/{st_a}"), "/".to_owned(), format!("/api/v1/stations/{st_a}/board")]
        {
            assert!(!app.get(&mut s, &page).await.body.contains("孙督导"), "{page}");
        }
    }
    // Recording before the start is refused.
    let item = yizhan_store::command::inspections::items(app.db(), template.parse().unwrap())
        .await
        .unwrap();
    let r = app
        .form(
            &mut i,
            &format!("/inspections/{id}/results"),
            &[("item_id", &item[0].id.to_string()), ("result", "pass")],
        )
        .await;
    assert!(r.body.contains("请先开始检查"), "{}", r.body);

    // On site: the team starts; now the station sees it.
    assert_eq!(
        app.form(&mut i, &format!("/inspections/{id}/start"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let mut l = app.session_for(lead).await;
    let page = app.get(&mut l, &format!("/inspections/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("四不两直") && page.body.contains("检查中"));
    assert!(!page.body.contains("data-testid=\"answer-1\""), "the station cannot record results");
    assert!(app.get(&mut l, "/inspections").await.body.contains("孙督导"));

    // The whole checklist on one form. Nothing is a pass until chosen; a fail without a note
    // and a note without a result are refused together, and nothing is saved.
    let [a, b, c] = [0, 1, 2].map(|n| item[n].id);
    let (ra, rb, rc) = (format!("result_{a}"), format!("result_{b}"), format!("result_{c}"));
    let nb = format!("note_{b}");
    let path = format!("/inspections/{id}/checklist");
    let r =
        app.form(&mut i, &path, &[(&ra, "fail"), (&nb, "门口无测温点"), ("then", "save")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("有 2 处需要修改"), "{}", r.body);
    assert!(r.body.contains("第 1 项 · 三区两通道：不合格项需要写明问题"), "{}", r.body);
    assert!(r.body.contains("第 2 项 · 消杀：请选择检查结果"), "{}", r.body);
    assert!(r.body.contains("value=\"门口无测温点\""), "what was typed stays");
    assert!(r.body.contains("data-testid=\"answer-1\""), "the team records results");
    let saved = |db| async move {
        yizhan_store::command::inspections::results(db, id).await.unwrap().len()
    };
    assert_eq!(saved(app.db()).await, 0);
    // Two answered and one left blank: both saved at once; finishing lists the one left, on the
    // same page, and the inspection stays open.
    let r = app
        .form(
            &mut i,
            &path,
            &[(&ra, "pass"), (&rb, "fail"), (&nb, "302房退房后无终末消毒记录"), ("then", "finish")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("还有 1 项未检查"), "{}", r.body);
    assert!(r.body.contains("第 3 项 · 台账：健康监测台账"), "{}", r.body);
    assert!(r.body.contains("已检查 2/3"), "{}", r.body);
    assert_eq!(saved(app.db()).await, 2);
    let r = app.form(&mut i, &format!("/inspections/{id}/finish"), &[]).await;
    assert!(r.body.contains("还有 1 项未检查"), "{}", r.body);
    // The last one, and it is finished.
    let r = app.form(&mut i, &path, &[(&rc, "na"), ("then", "finish")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let api = app.get(&mut l, &format!("/api/v1/inspections/{id}")).await.json();
    assert_eq!(api["failed"], 1);
    assert_eq!(api["results"].as_array().unwrap().len(), 3);
    assert!(api["finished_at"].is_string());
    // Finished: no more changes.
    let r = app
        .form(
            &mut i,
            &format!("/inspections/{id}/results"),
            &[("item_id", &item[0].id.to_string()), ("result", "fail"), ("note", "x")],
        )
        .await;
    assert!(r.body.contains("该检查已完成"), "{}", r.body);
    // An inspection of another station stays out of reach of this lead.
    let other = yizhan_store::command::inspections::list(app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.station_id == Some(st_b))
        .unwrap();
    assert_eq!(
        app.get(&mut l, &format!("/inspections/{}", other.id)).await.status,
        StatusCode::NOT_FOUND
    );
});

both_backends!(enterprises_and_streets_are_inspected_too, |t: TestDb| async move {
    let app = App::new(t).await;
    let (street_a, _, st_a, _) = district(app.db()).await;
    let sys = yizhan_core::access::Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let ents = [
        common::enterprise(app.db(), "91350100M000100Y43", "甲电子", street_a).await,
        common::enterprise(app.db(), "91440300MA5DC7RF9T", "乙物流", street_a).await,
    ];
    let checklist = yizhan_store::command::inspections::create_template(
        app.db(),
        &sys,
        &yizhan_core::command::inspection::validate_template(
            &yizhan_core::command::inspection::TemplateInput {
                name: "企业复工防疫检查表".into(),
                items: "员工管理 | 返岗员工健康登记 | 一人一档".into(),
            },
        )
        .unwrap(),
    )
    .await
    .unwrap();
    let item = yizhan_store::command::inspections::items(app.db(), checklist).await.unwrap()[0].id;
    let inspector = app.user("ducha", Role::Inspector, Scope::District, false).await;
    let cmd = app.user("zhihui", Role::Commander, Scope::District, false).await;
    let jia = app.user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false).await;
    let yi = app.user("yi", Role::Enterprise, Scope::Enterprise(ents[1]), false).await;
    let street = app.user("jihua", Role::Commander, Scope::Street(street_a), false).await;
    let lead = app.user("lead", Role::StationLead, Scope::Station(st_a), false).await;
    let mut i = app.session_for(inspector).await;
    let plan = async |i: &mut common::Client, unit: String, kind: &str| {
        let r = app
            .form(
                i,
                "/inspections",
                &[
                    ("template_id", &checklist.to_string()),
                    ("unit", &unit),
                    ("kind", kind),
                    ("planned_on", &today.to_string()),
                    ("team", "区复工复产督导组"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        r.location().trim_start_matches("/inspections/").parse::<i64>().unwrap()
    };
    let r = app
        .form(
            &mut i,
            "/inspections",
            &[
                ("template_id", &checklist.to_string()),
                ("unit", "enterprise:99999"),
                ("kind", "planned"),
                ("planned_on", &today.to_string()),
                ("team", "x"),
            ],
        )
        .await;
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
    let on_ent = plan(&mut i, format!("enterprise:{}", ents[0]), "unannounced").await;
    // Unannounced: the enterprise sees nothing until the start.
    let mut j = app.session_for(jia).await;
    assert!(app.get(&mut j, "/inspections").await.body.contains("inspections-empty"));
    assert_eq!(
        app.get(&mut j, &format!("/inspections/{on_ent}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&mut j, &format!("/api/v1/inspections/{on_ent}")).await.status,
        StatusCode::NOT_FOUND
    );
    app.form(&mut i, &format!("/inspections/{on_ent}/start"), &[]).await;
    let page = app.get(&mut j, &format!("/inspections/{on_ent}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("甲电子"), "{}", page.body);
    let mut y = app.session_for(yi).await;
    assert_eq!(
        app.get(&mut y, &format!("/inspections/{on_ent}")).await.status,
        StatusCode::NOT_FOUND
    );
    // A failed item, a rectification for the enterprise, reported by the enterprise itself.
    app.form(
        &mut i,
        &format!("/inspections/{on_ent}/results"),
        &[("item_id", &item.to_string()), ("result", "fail"), ("note", "返岗员工未建健康档案")],
    )
    .await;
    let week = (today + chrono::Duration::days(7)).to_string();
    let order = [
        ("item_id", item.to_string()),
        ("severity", "major".into()),
        ("responsible", "甲电子 行政部".into()),
        ("deadline", week.clone()),
    ];
    let f: Vec<(&str, &str)> = order.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.form(&mut i, &format!("/inspections/{on_ent}/rectifications"), &f).await.status,
        StatusCode::SEE_OTHER
    );
    let rect =
        yizhan_store::command::rectifications::for_inspection(app.db(), on_ent).await.unwrap()[0]
            .clone();
    assert_eq!(
        (rect.unit_kind.as_str(), rect.enterprise_id, rect.station_name.as_str()),
        ("enterprise", Some(ents[0]), "甲电子")
    );
    let mut c = app.session_for(cmd).await;
    let r =
        app.form(&mut c, &format!("/rectifications/{}/submit", rect.id), &[("text", "代报")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the command does not report for the unit");
    let r =
        app.form(&mut y, &format!("/rectifications/{}/submit", rect.id), &[("text", "x")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app
        .form(
            &mut j,
            &format!("/rectifications/{}/submit", rect.id),
            &[("text", "已为 86 名返岗员工建档")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.form(&mut i, &format!("/rectifications/{}/verify", rect.id), &[("decision", "close")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // A street office inspected: its commander reports the fix; a station in it cannot.
    let on_street = plan(&mut i, format!("street:{street_a}"), "planned").await;
    app.form(&mut i, &format!("/inspections/{on_street}/start"), &[]).await;
    app.form(
        &mut i,
        &format!("/inspections/{on_street}/results"),
        &[("item_id", &item.to_string()), ("result", "fail"), ("note", "街道未汇总企业返岗名单")],
    )
    .await;
    assert_eq!(
        app.form(&mut i, &format!("/inspections/{on_street}/rectifications"), &f).await.status,
        StatusCode::SEE_OTHER
    );
    let rect = yizhan_store::command::rectifications::for_inspection(app.db(), on_street)
        .await
        .unwrap()[0]
        .clone();
    assert_eq!((rect.unit_kind.as_str(), rect.station_name.as_str()), ("street", "吉华街道"));
    let mut l = app.session_for(lead).await;
    assert_eq!(
        app.form(&mut l, &format!("/rectifications/{}/submit", rect.id), &[("text", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut s = app.session_for(street).await;
    let r = app
        .form(&mut s, &format!("/rectifications/{}/submit", rect.id), &[("text", "已汇总并上报")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A notice of the period lists both units with their findings.
    let r = app
        .form(
            &mut i,
            "/notices",
            &[
                ("title", "复工复产督导通报"),
                ("period_from", &today.to_string()),
                ("period_to", &today.to_string()),
            ],
        )
        .await;
    let nid: i64 = r.location().trim_start_matches("/notices/").parse().unwrap();
    let n = app.get(&mut i, &format!("/api/v1/notices/{nid}")).await.json();
    let kinds: Vec<&str> = n["content"]["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 2, "{n}");
    assert!(kinds.contains(&"enterprise") && kinds.contains(&"street"), "{kinds:?}");
    assert_eq!(n["content"]["total"]["findings"], 2);
    assert_eq!(n["content"]["total"]["closed"], 1);
});

both_backends!(
    an_unannounced_inspection_is_hidden_from_the_units_street_until_it_starts,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (street_a, street_b, st_a, _) = district(app.db()).await;
        let sys = yizhan_core::access::Actor::system();
        let ent = common::enterprise(app.db(), "91350100M000100Y43", "甲电子", street_a).await;
        let checklist = yizhan_store::command::inspections::create_template(
            app.db(),
            &sys,
            &yizhan_core::command::inspection::validate_template(
                &yizhan_core::command::inspection::TemplateInput {
                    name: "暗访检查表".into(),
                    items: "三区两通道 | 分区 | 标识清楚".into(),
                },
            )
            .unwrap(),
        )
        .await
        .unwrap()
        .to_string();
        let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();
        let user = async |name: &str, role: Role, scope: Scope| {
            app.session_for(app.user(name, role, scope, false).await).await
        };
        let mut ducha = user("ducha", Role::Inspector, Scope::District).await;
        let mut zhihui = user("zhihui", Role::Commander, Scope::District).await;
        let mut jihua = user("jihua", Role::Commander, Scope::Street(street_a)).await;
        let mut jihua_ducha = user("jihua_ducha", Role::Inspector, Scope::Street(street_a)).await;
        let mut jihua_view = user("jihua_view", Role::Viewer, Scope::Street(street_a)).await;
        let mut guancha = user("guancha", Role::Viewer, Scope::District).await;
        let mut pinghu = user("pinghu", Role::Commander, Scope::Street(street_b)).await;
        let mut lead = user("lead", Role::StationLead, Scope::Station(st_a)).await;
        let plan = async |c: &mut common::Client, unit: String, kind: &str, team: &str| {
            let r = app
                .form(
                    c,
                    "/inspections",
                    &[
                        ("template_id", &checklist),
                        ("unit", &unit),
                        ("kind", kind),
                        ("planned_on", &today),
                        ("team", team),
                    ],
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            r.location().trim_start_matches("/inspections/").parse::<i64>().unwrap()
        };
        // The district plans three unannounced visits in street A (its station, an enterprise,
        // the street office itself) and one announced; street A plans one of its own.
        let secret = [
            plan(&mut ducha, format!("station:{st_a}"), "unannounced", "区暗访组 周督导").await,
            plan(&mut ducha, format!("enterprise:{ent}"), "unannounced", "区暗访组 周督导").await,
            plan(&mut ducha, format!("street:{street_a}"), "unannounced", "区暗访组 周督导").await,
        ];
        let announced =
            plan(&mut ducha, format!("station:{st_a}"), "planned", "区督导组 明查").await;
        let own =
            plan(&mut jihua, format!("station:{st_a}"), "unannounced", "吉华街道自查组").await;
        assert_eq!(
            yizhan_store::command::inspections::get(app.db(), own)
                .await
                .unwrap()
                .inspector_street_id,
            Some(street_a)
        );
        assert_eq!(
            yizhan_store::command::inspections::get(app.db(), secret[0])
                .await
                .unwrap()
                .inspector_street_id,
            None
        );
        // A photo on file for the station visit (the store takes it; the read path must hide it).
        let item = yizhan_store::command::inspections::items(app.db(), checklist.parse().unwrap())
            .await
            .unwrap()[0]
            .id;
        let photo = yizhan_store::command::photos::add(
            app.db(),
            &sys,
            &yizhan_store::command::photos::NewPhoto {
                subject: yizhan_store::command::photos::Subject::Item {
                    inspection_id: secret[0],
                    item_id: item,
                },
                width: 1,
                height: 1,
                sha256: "0".repeat(64),
                jpeg: vec![0xFF, 0xD8, 0xFF, 0xD9],
                thumb: vec![0xFF, 0xD8, 0xFF, 0xD9],
            },
        )
        .await
        .unwrap();

        let planned_tile = async |c: &mut common::Client| {
            let b = app.get(c, "/command").await.body;
            let at = b.find("data-testid=\"tile-planned\">").expect("the tile") + 27;
            b[at..at + b[at..].find('<').unwrap()].to_owned()
        };
        // Before the start: the unit's street (commander, inspector, viewer) and every viewer
        // see none of the district's unannounced visits — list, id, API, photo, count.
        for (who, c) in [
            ("street A commander", &mut jihua),
            ("street A inspector", &mut jihua_ducha),
            ("street A viewer", &mut jihua_view),
            ("district viewer", &mut guancha),
        ] {
            let list = app.get(c, "/inspections").await;
            assert_eq!(list.status, StatusCode::OK, "{who}");
            assert!(
                !list.body.contains("周督导") && list.body.contains("明查"),
                "{who}: {}",
                list.body
            );
            for id in secret {
                for path in [format!("/inspections/{id}"), format!("/api/v1/inspections/{id}")] {
                    let r = app.get(c, &path).await;
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {path}");
                    assert!(!r.body.contains("周督导"), "{who} {path}");
                }
            }
            for path in [format!("/photos/{photo}"), format!("/photos/{photo}/thumb")] {
                assert_eq!(app.get(c, &path).await.status, StatusCode::NOT_FOUND, "{who} {path}");
            }
            assert_eq!(
                app.get(c, &format!("/inspections/{announced}")).await.status,
                StatusCode::OK,
                "{who}: an announced one is seen as before"
            );
        }
        // Nor can the street's commander start (or record on) one it cannot see.
        assert_eq!(
            app.form(&mut jihua, &format!("/inspections/{}/start", secret[0]), &[]).await.status,
            StatusCode::NOT_FOUND
        );
        // The street's own unannounced visit: its commander and inspector see it; its viewer,
        // the district's viewer, the station and another street do not.
        for c in [&mut jihua, &mut jihua_ducha, &mut zhihui, &mut ducha] {
            assert_eq!(app.get(c, &format!("/inspections/{own}")).await.status, StatusCode::OK);
        }
        for c in [&mut jihua_view, &mut guancha, &mut lead, &mut pinghu] {
            assert_eq!(
                app.get(c, &format!("/api/v1/inspections/{own}")).await.status,
                StatusCode::NOT_FOUND
            );
        }
        // The counts on the overview follow: planned visits not yet started that each may see.
        for (c, n) in [
            (&mut zhihui, "5"),
            (&mut ducha, "5"),
            (&mut jihua, "2"),
            (&mut jihua_ducha, "2"),
            (&mut jihua_view, "1"),
            (&mut guancha, "1"),
            (&mut pinghu, "0"),
        ] {
            assert_eq!(planned_tile(c).await, n);
        }
        // The district's command sees everything it planned.
        let list = app.get(&mut zhihui, "/inspections").await.body;
        assert!(list.contains("周督导") && list.contains("吉华街道自查组"));
        assert_eq!(app.get(&mut zhihui, &format!("/photos/{photo}")).await.status, StatusCode::OK);

        // On site: once started, the street and the viewers see it as before.
        for id in secret {
            app.form(&mut ducha, &format!("/inspections/{id}/start"), &[]).await;
        }
        for c in [&mut jihua, &mut jihua_view, &mut guancha] {
            assert!(app.get(c, "/inspections").await.body.contains("周督导"));
            for id in secret {
                assert_eq!(
                    app.get(c, &format!("/api/v1/inspections/{id}")).await.status,
                    StatusCode::OK
                );
            }
            assert_eq!(app.get(c, &format!("/photos/{photo}")).await.status, StatusCode::OK);
        }
        assert_eq!(planned_tile(&mut jihua).await, "2");

        // A rectification order by id and in the list follows its inspection: were it not yet
        // started, the street would not see it (the database set back by hand to test the
        // read path), and sees it again once started.
        let (rect, _) =
            common::rectification_fixture(app.db(), st_a, checklist.parse().unwrap()).await;
        let of =
            yizhan_store::command::rectifications::get(app.db(), rect).await.unwrap().inspection_id;
        app.db()
            .execute(
                yizhan_store::db::q("UPDATE inspections SET started_at = NULL WHERE id = $1")
                    .bind(of),
            )
            .await
            .unwrap();
        for c in [&mut jihua, &mut guancha] {
            assert_eq!(
                app.get(c, &format!("/rectifications/{rect}")).await.status,
                StatusCode::NOT_FOUND
            );
            assert!(!app.get(c, "/rectifications").await.body.contains("302房"));
            assert_eq!(
                app.get(c, &format!("/api/v1/rectifications/{rect}")).await.status,
                StatusCode::NOT_FOUND
            );
        }
        assert_eq!(
            app.get(&mut zhihui, &format!("/rectifications/{rect}")).await.status,
            StatusCode::OK
        );
        assert!(app.get(&mut zhihui, "/rectifications").await.body.contains("302房"));
        yizhan_store::command::inspections::start(app.db(), &sys, of).await.unwrap();
        for c in [&mut jihua, &mut guancha] {
            assert_eq!(app.get(c, &format!("/rectifications/{rect}")).await.status, StatusCode::OK);
            assert!(app.get(c, "/rectifications").await.body.contains("302房"));
        }
    }
);

// A district platform's inspector works an inspection through the API alone (issue 22, parity):
// plans it, starts it, records each item, finishes it; out of scope and half done are refused.
both_backends!(an_inspection_is_worked_through_the_api, |t: TestDb| async move {
    use axum::http::Method;
    use serde_json::json;
    let app = App::new(t).await;
    let (_, street_b, st_a, _) = district(app.db()).await;
    let sys = app.service_account("ducha-sys", Role::Inspector, Scope::District).await;
    app.api_token(sys, "督导平台", "yz_inspect").await;
    let mut p = common::Client { bearer: Some("yz_inspect".into()), ..Default::default() };
    let checklist = "三区两通道 | 分区 | 标识清楚\n消杀 | 终末消毒记录 | 每间退房后有记录";
    let new = yizhan_core::command::inspection::validate_template(
        &yizhan_core::command::inspection::TemplateInput {
            name: "驿站检查表".into(),
            items: checklist.into(),
        },
    )
    .unwrap();
    let template = yizhan_store::command::inspections::create_template(
        app.db(),
        &yizhan_core::access::Actor::system(),
        &new,
    )
    .await
    .unwrap();
    let today = yizhan_core::time::local_date(yizhan_store::db::now()).to_string();

    let plan = |unit: &str, team: &str| {
        json!({"template_id": template, "unit": unit, "kind": "planned", "planned_on": today,
               "team": team})
    };
    // A unit that is none is named; nothing is planned.
    let r =
        app.json(&mut p, Method::POST, "/api/v1/inspections", plan("station:x", "区督导组")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "unit", "{}", r.body);
    let (n,): (i64,) =
        app.db().fetch_one(yizhan_store::db::q("SELECT COUNT(*) FROM inspections")).await.unwrap();
    assert_eq!(n, 0);

    let at_a = format!("station:{st_a}");
    let r = app.json(&mut p, Method::POST, "/api/v1/inspections", plan(&at_a, "区督导组")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.json();
    let id = v["id"].as_i64().unwrap();
    let items: Vec<i64> =
        v["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(items.len(), 2);
    assert_eq!(v["results"], json!([]));

    // Not finished while an item has no result.
    let path = |what: &str| format!("/api/v1/inspections/{id}/{what}");
    let r = app.json(&mut p, Method::POST, &path("start"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["started_at"].is_string(), "{}", r.body);
    let r = app
        .json(
            &mut p,
            Method::POST,
            &path("results"),
            json!({"item_id": items[0], "result": "fail"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a fail needs its note: {}", r.body);
    assert_eq!(r.json()["error"]["field"], "note");
    let r = app
        .json(
            &mut p,
            Method::POST,
            &path("results"),
            json!({"item_id": items[0], "result": "fail", "note": "缓冲区无标识"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["results"].as_array().unwrap().len(), 1);
    let r = app.json(&mut p, Method::POST, &path("finish"), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "results");
    let r = app
        .json(
            &mut p,
            Method::POST,
            &path("results"),
            json!({"item_id": items[1], "result": "pass"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.json(&mut p, Method::POST, &path("finish"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["finished_at"].is_string(), "{}", r.body);

    // The audit names the system's account for each step.
    let (n,): (i64,) = app.db().fetch_one(yizhan_store::db::q(
        "SELECT COUNT(*) FROM audit_log WHERE actor = 'ducha-sys' AND object_type = 'inspection'")).await.unwrap();
    assert!(n >= 4, "plan, start, results and finish audited: {n}");

    // The failed item's fix: ordered by the system, reported by the station's lead, closed.
    let order = json!({"item_id": items[0], "severity": "major", "responsible": "驿站负责人",
                       "deadline": today});
    let r = app.json(&mut p, Method::POST, &path("rectifications"), order).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        (r.json()["status"].as_str(), r.json()["overdue"].as_bool()),
        (Some("open"), Some(false))
    );
    let fix = r.json()["id"].as_i64().unwrap();
    let lead = app.user("zhuanban", Role::StationLead, Scope::Station(st_a), false).await;
    let mut l = app.session_for(lead).await;
    let fix_path = |what: &str| format!("/api/v1/rectifications/{fix}/{what}");
    let r = app.json(&mut l, Method::POST, &fix_path("submit"), json!({"text": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "text");
    let r = app
        .json(&mut l, Method::POST, &fix_path("submit"), json!({"text": "已张贴分区标识"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "submitted");
    let r = app.json(&mut l, Method::POST, &fix_path("verify"), json!({"decision": "close"})).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "the station does not close its own order: {}",
        r.body
    );
    let r = app.json(&mut p, Method::POST, &fix_path("verify"), json!({"decision": "done"})).await;
    assert_eq!(r.json()["error"]["field"], "decision", "{}", r.body);
    let r = app.json(&mut p, Method::POST, &fix_path("verify"), json!({"decision": "close"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "closed");

    // The district's notice of the day: drafted with the finding, then published.
    let notice = json!({"title": "督导检查通报", "period_from": today, "period_to": "2000-01-01"});
    let r = app.json(&mut p, Method::POST, "/api/v1/notices", notice).await;
    assert_eq!(r.json()["error"]["field"], "period_to", "{}", r.body);
    let notice = json!({"title": "督导检查通报", "period_from": today, "period_to": today,
                        "summary": "缓冲区标识已整改"});
    let r = app.json(&mut p, Method::POST, "/api/v1/notices", notice).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = r.json();
    assert!(v["published_at"].is_null(), "{}", r.body);
    assert!(r.body.contains("缓冲区无标识"), "the finding is in it: {}", r.body);
    let id = v["id"].as_i64().unwrap();
    let r =
        app.json(&mut p, Method::POST, &format!("/api/v1/notices/{id}/publish"), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["published_at"].is_string(), "{}", r.body);

    // A street's inspector outside the station's street: refused on the unit, and the
    // inspection by id is not there for it.
    let other = app.service_account("street-sys", Role::Inspector, Scope::Street(street_b)).await;
    app.api_token(other, "街道平台", "yz_street").await;
    let mut s = common::Client { bearer: Some("yz_street".into()), ..Default::default() };
    let r = app.json(&mut s, Method::POST, "/api/v1/inspections", plan(&at_a, "街道组")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["error"]["field"], "unit");
    let r = app.json(&mut s, Method::POST, &path("start"), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
});
