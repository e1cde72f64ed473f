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
            .find(|x| x.station_id == st_b)
            .unwrap();
        assert_eq!(
            app.get(&mut l, &format!("/inspections/{}", other.id))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
    }
);
