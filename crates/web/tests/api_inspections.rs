//! Inspections through the real router on SQLite and PostgreSQL: checklists, planning, an
//! unannounced inspection kept from the station until it starts (四不两直), results and finish.

mod common;

use axum::http::StatusCode;
use common::{App, district};
use yizhan_core::access::{Role, Scope};
use yizhan_store::both_backends;
use yizhan_store::testing::TestDb;

both_backends!(
    an_unannounced_inspection_stays_secret_until_it_starts,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (_, street_b, st_a, st_b) = district(app.db()).await;
        let inspector = app
            .user("ducha", Role::Inspector, Scope::District, false)
            .await;
        let lead = app
            .user("zhuanban", Role::StationLead, Scope::Station(st_a), false)
            .await;
        let staff = app
            .user("qiantai", Role::StationStaff, Scope::Station(st_a), false)
            .await;
        let street_cmd = app
            .user("jiedao", Role::Commander, Scope::Street(street_b), false)
            .await;
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
        let items = "三区两通道 | 污染区、缓冲区、清洁区划分 | 标识清楚、物理隔断\n消杀 | 终末消毒记录 | 每间退房后有记录\n台账 | 健康监测台账 | 每日两次，签名齐全";
        let r = app
            .form(
                &mut i,
                "/inspections/templates",
                &[("name", "健康驿站督导检查表"), ("items", items)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let template = yizhan_store::inspections::templates(app.db())
            .await
            .unwrap()[0]
            .id
            .to_string();
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
        let id: i64 = r
            .location()
            .trim_start_matches("/inspections/")
            .parse()
            .unwrap();
        // A street commander cannot plan one outside the street.
        let mut sc = app.session_for(street_cmd).await;
        let r = app.form(&mut sc, "/inspections", &f).await;
        assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
        let fields_b = plan("planned", st_b);
        let fb: Vec<(&str, &str)> = fields_b.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            app.form(&mut sc, "/inspections", &fb).await.status,
            StatusCode::SEE_OTHER
        );

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
            for page in [
                format!("/stations/{st_a}"),
                "/".to_owned(),
                format!("/api/v1/stations/{st_a}/board"),
            ] {
                assert!(
                    !app.get(&mut s, &page).await.body.contains("孙督导"),
                    "{page}"
                );
            }
        }
        // Recording before the start is refused.
        let item = yizhan_store::inspections::items(app.db(), template.parse().unwrap())
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
            app.form(&mut i, &format!("/inspections/{id}/start"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let mut l = app.session_for(lead).await;
        let page = app.get(&mut l, &format!("/inspections/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("四不两直") && page.body.contains("检查中"));
        assert!(
            !page.body.contains("data-testid=\"result-1\""),
            "the station cannot record results"
        );
        assert!(
            app.get(&mut l, "/inspections")
                .await
                .body
                .contains("孙督导")
        );

        // A fail needs a note; finishing needs every item.
        let r = app
            .form(
                &mut i,
                &format!("/inspections/{id}/results"),
                &[("item_id", &item[1].id.to_string()), ("result", "fail")],
            )
            .await;
        assert!(r.body.contains("不合格项需要写明问题"), "{}", r.body);
        app.form(
            &mut i,
            &format!("/inspections/{id}/results"),
            &[("item_id", &item[0].id.to_string()), ("result", "pass")],
        )
        .await;
        app.form(
            &mut i,
            &format!("/inspections/{id}/results"),
            &[
                ("item_id", &item[1].id.to_string()),
                ("result", "fail"),
                ("note", "302房退房后无终末消毒记录"),
            ],
        )
        .await;
        let r = app
            .form(&mut i, &format!("/inspections/{id}/finish"), &[])
            .await;
        assert!(r.body.contains("还有检查项未填写结果"), "{}", r.body);
        app.form(
            &mut i,
            &format!("/inspections/{id}/results"),
            &[("item_id", &item[2].id.to_string()), ("result", "na")],
        )
        .await;
        assert_eq!(
            app.form(&mut i, &format!("/inspections/{id}/finish"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let api = app
            .get(&mut l, &format!("/api/v1/inspections/{id}"))
            .await
            .json();
        assert_eq!(api["failed"], 1);
        assert_eq!(api["results"].as_array().unwrap().len(), 3);
        assert!(api["finished_at"].is_string());
        // Finished: no more changes.
        let r = app
            .form(
                &mut i,
                &format!("/inspections/{id}/results"),
                &[
                    ("item_id", &item[0].id.to_string()),
                    ("result", "fail"),
                    ("note", "x"),
                ],
            )
            .await;
        assert!(r.body.contains("该检查已完成"), "{}", r.body);
        // An inspection of another station stays out of reach of this lead.
        let other = yizhan_store::inspections::list(app.db())
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.station_id == Some(st_b))
            .unwrap();
        assert_eq!(
            app.get(&mut l, &format!("/inspections/{}", other.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);

both_backends!(
    enterprises_and_streets_are_inspected_too,
    |t: TestDb| async move {
        let app = App::new(t).await;
        let (street_a, _, st_a, _) = district(app.db()).await;
        let sys = yizhan_core::access::Actor::system();
        let today = yizhan_core::time::local_date(yizhan_store::db::now());
        let ents = [
            common::enterprise(app.db(), "91350100M000100Y43", "甲电子", street_a).await,
            common::enterprise(app.db(), "91440300MA5DC7RF9T", "乙物流", street_a).await,
        ];
        let checklist = yizhan_store::inspections::create_template(
            app.db(),
            &sys,
            &yizhan_core::inspection::validate_template(&yizhan_core::inspection::TemplateInput {
                name: "企业复工防疫检查表".into(),
                items: "员工管理 | 返岗员工健康登记 | 一人一档".into(),
            })
            .unwrap(),
        )
        .await
        .unwrap();
        let item = yizhan_store::inspections::items(app.db(), checklist)
            .await
            .unwrap()[0]
            .id;
        let inspector = app
            .user("ducha", Role::Inspector, Scope::District, false)
            .await;
        let cmd = app
            .user("zhihui", Role::Commander, Scope::District, false)
            .await;
        let jia = app
            .user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false)
            .await;
        let yi = app
            .user("yi", Role::Enterprise, Scope::Enterprise(ents[1]), false)
            .await;
        let street = app
            .user("jihua", Role::Commander, Scope::Street(street_a), false)
            .await;
        let lead = app
            .user("lead", Role::StationLead, Scope::Station(st_a), false)
            .await;
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
            r.location()
                .trim_start_matches("/inspections/")
                .parse::<i64>()
                .unwrap()
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
        assert!(
            app.get(&mut j, "/inspections")
                .await
                .body
                .contains("inspections-empty")
        );
        assert_eq!(
            app.get(&mut j, &format!("/inspections/{on_ent}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get(&mut j, &format!("/api/v1/inspections/{on_ent}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        app.form(&mut i, &format!("/inspections/{on_ent}/start"), &[])
            .await;
        let page = app.get(&mut j, &format!("/inspections/{on_ent}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("甲电子"), "{}", page.body);
        let mut y = app.session_for(yi).await;
        assert_eq!(
            app.get(&mut y, &format!("/inspections/{on_ent}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // A failed item, a rectification for the enterprise, reported by the enterprise itself.
        app.form(
            &mut i,
            &format!("/inspections/{on_ent}/results"),
            &[
                ("item_id", &item.to_string()),
                ("result", "fail"),
                ("note", "返岗员工未建健康档案"),
            ],
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
            app.form(&mut i, &format!("/inspections/{on_ent}/rectifications"), &f)
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        let rect = yizhan_store::rectifications::for_inspection(app.db(), on_ent)
            .await
            .unwrap()[0]
            .clone();
        assert_eq!(
            (
                rect.unit_kind.as_str(),
                rect.enterprise_id,
                rect.station_name.as_str()
            ),
            ("enterprise", Some(ents[0]), "甲电子")
        );
        let mut c = app.session_for(cmd).await;
        let r = app
            .form(
                &mut c,
                &format!("/rectifications/{}/submit", rect.id),
                &[("text", "代报")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "the command does not report for the unit"
        );
        let r = app
            .form(
                &mut y,
                &format!("/rectifications/{}/submit", rect.id),
                &[("text", "x")],
            )
            .await;
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
            app.form(
                &mut i,
                &format!("/rectifications/{}/verify", rect.id),
                &[("decision", "close")]
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );

        // A street office inspected: its commander reports the fix; a station in it cannot.
        let on_street = plan(&mut i, format!("street:{street_a}"), "planned").await;
        app.form(&mut i, &format!("/inspections/{on_street}/start"), &[])
            .await;
        app.form(
            &mut i,
            &format!("/inspections/{on_street}/results"),
            &[
                ("item_id", &item.to_string()),
                ("result", "fail"),
                ("note", "街道未汇总企业返岗名单"),
            ],
        )
        .await;
        assert_eq!(
            app.form(
                &mut i,
                &format!("/inspections/{on_street}/rectifications"),
                &f
            )
            .await
            .status,
            StatusCode::SEE_OTHER
        );
        let rect = yizhan_store::rectifications::for_inspection(app.db(), on_street)
            .await
            .unwrap()[0]
            .clone();
        assert_eq!(
            (rect.unit_kind.as_str(), rect.station_name.as_str()),
            ("street", "吉华街道")
        );
        let mut l = app.session_for(lead).await;
        assert_eq!(
            app.form(
                &mut l,
                &format!("/rectifications/{}/submit", rect.id),
                &[("text", "x")]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        let mut s = app.session_for(street).await;
        let r = app
            .form(
                &mut s,
                &format!("/rectifications/{}/submit", rect.id),
                &[("text", "已汇总并上报")],
            )
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
        let nid: i64 = r
            .location()
            .trim_start_matches("/notices/")
            .parse()
            .unwrap();
        let n = app
            .get(&mut i, &format!("/api/v1/notices/{nid}"))
            .await
            .json();
        let kinds: Vec<&str> = n["content"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.len(), 2, "{n}");
        assert!(
            kinds.contains(&"enterprise") && kinds.contains(&"street"),
            "{kinds:?}"
        );
        assert_eq!(n["content"]["total"]["findings"], 2);
        assert_eq!(n["content"]["total"]["closed"], 1);
    }
);
