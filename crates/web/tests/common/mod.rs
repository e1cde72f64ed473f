//! An in-process client for the whole application: real router, real database, a cookie jar.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use yizhan_core::access::{Actor, Grant, Role, Scope};
use yizhan_core::station::stations::{NewStation, StationKind};
use yizhan_store::testing::TestDb;
use yizhan_store::{Db, admin::sessions, admin::users, station::stations};
use yizhan_web::policy::RouteInfo;
use yizhan_web::{AppState, WebConfig, build_with_state};

pub struct App {
    pub t: TestDb,
    pub router: Router,
    pub routes: Arc<Vec<RouteInfo>>,
    pub state: AppState,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }
    pub fn header(&self, name: &str) -> String {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    }
}

/// A browser-like client: keeps cookies, knows its CSRF token.
#[derive(Clone, Default)]
pub struct Client {
    pub cookies: HashMap<String, String>,
    pub csrf: Option<String>,
    /// The peer address the request comes from (none: an in-process request, 0.0.0.0).
    pub addr: Option<std::net::SocketAddr>,
}

pub const PASSWORD: &str = "correct horse battery";

impl App {
    /// Uploads a worker file to the import and returns the outcome page: if the run outlasted
    /// the upload's wait, follows it to the end through the progress the page polls, the node
    /// answering `/healthz` all the while.
    pub async fn import_workers(
        &self,
        c: &mut Client,
        mode: &str,
        name: &str,
        bytes: &[u8],
    ) -> Resp {
        let r = self.upload(c, "/workers/import", &[("mode", mode)], name, bytes).await;
        if r.status != StatusCode::SEE_OTHER {
            return r;
        }
        let page = r.header("location");
        for _ in 0..600 {
            assert_eq!(self.get(c, "/healthz").await.status, StatusCode::OK);
            let p = self.get(c, &format!("{page}/progress")).await.json();
            if p["status"] != "running" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        self.get(c, &page).await
    }

    pub async fn new(t: TestDb) -> App {
        App::with_config(t, WebConfig::default()).await
    }

    pub async fn with_config(t: TestDb, config: WebConfig) -> App {
        let (router, routes, state) = build_with_state(t.db.clone(), config);
        App { t, router, routes, state }
    }

    /// A fresh anonymous client connecting from `ip`.
    pub async fn anon_from(&self, ip: &str) -> Client {
        let mut c = Client {
            addr: Some(std::net::SocketAddr::new(ip.parse().unwrap(), 40000)),
            ..Client::default()
        };
        let r = self.get(&mut c, "/api/v1/session").await;
        c.csrf = r.json()["csrf_token"].as_str().map(str::to_owned);
        c
    }

    /// Logs in through the API from the client `c` (its address and cookies).
    pub async fn login_as(&self, c: &mut Client, username: &str, password: &str) -> Resp {
        let r = self
            .json(
                c,
                Method::POST,
                "/api/v1/session",
                serde_json::json!({"username": username, "password": password}),
            )
            .await;
        if r.status == StatusCode::OK {
            c.csrf = r.json()["csrf_token"].as_str().map(str::to_owned);
        }
        r
    }

    pub fn db(&self) -> &Db {
        &self.t.db
    }

    pub async fn send(
        &self,
        c: &mut Client,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        csrf: bool,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if !c.cookies.is_empty() {
            let cookie =
                c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            b = b.header(header::COOKIE, cookie);
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        if csrf && let Some(t) = &c.csrf {
            b = b.header("x-csrf-token", t);
        }
        if let Some(addr) = c.addr {
            b = b.extension(axum::extract::ConnectInfo(addr));
        }
        let resp = self.router.clone().oneshot(b.body(Body::from(body)).unwrap()).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let (kv, attrs) = s.split_once(';').unwrap_or((s, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                c.cookies.remove(k);
            } else {
                c.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Resp { status, headers, body, bytes }
    }

    /// A multipart form with text `fields` and one `file`, as a page's upload form sends it
    /// (the CSRF token in the query string).
    pub async fn upload(
        &self,
        c: &mut Client,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        bytes: &[u8],
    ) -> Resp {
        let boundary = "yizhanuploadboundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let token = c.csrf.clone().unwrap_or_default();
        self.send(
            c,
            Method::POST,
            &format!("{path}?_csrf={token}"),
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
            false,
        )
        .await
    }

    /// Status and headers only: for endless responses (server-sent events).
    pub async fn get_head(&self, c: &Client, path: &str) -> (StatusCode, axum::http::HeaderMap) {
        let mut b = Request::builder().method(Method::GET).uri(path);
        if !c.cookies.is_empty() {
            let cookie =
                c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            b = b.header(header::COOKIE, cookie);
        }
        let resp = self.router.clone().oneshot(b.body(Body::empty()).unwrap()).await.unwrap();
        (resp.status(), resp.headers().clone())
    }

    pub async fn get(&self, c: &mut Client, path: &str) -> Resp {
        self.send(c, Method::GET, path, None, vec![], false).await
    }

    /// JSON with the client's CSRF token.
    pub async fn json(
        &self,
        c: &mut Client,
        method: Method,
        path: &str,
        body: serde_json::Value,
    ) -> Resp {
        self.send(c, method, path, Some("application/json"), body.to_string().into_bytes(), true)
            .await
    }

    /// A urlencoded form with `_csrf` from the client's token.
    pub async fn form(&self, c: &mut Client, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut f: Vec<(&str, &str)> = fields.to_vec();
        let token = c.csrf.clone().unwrap_or_default();
        f.push(("_csrf", &token));
        let body = serde_urlencoded::to_string(&f).unwrap();
        self.send(
            c,
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
            false,
        )
        .await
    }

    /// A fresh anonymous client holding the anonymous CSRF cookie and token.
    pub async fn anon(&self) -> Client {
        let mut c = Client::default();
        let r = self.get(&mut c, "/api/v1/session").await;
        c.csrf = r.json()["csrf_token"].as_str().map(str::to_owned);
        c
    }

    /// Logs in through the API (the real path, with argon2).
    pub async fn login(&self, username: &str, password: &str) -> (Client, Resp) {
        let mut c = self.anon().await;
        let r = self.login_as(&mut c, username, password).await;
        (c, r)
    }

    /// A signed-in client without a login round trip: a session written straight to the store.
    pub async fn session_for(&self, user_id: i64) -> Client {
        let token = yizhan_web::auth::password::random_token();
        let csrf = yizhan_web::auth::password::random_token();
        sessions::create(self.db(), &token, user_id, &csrf).await.unwrap();
        let mut c = Client::default();
        c.cookies.insert("yz_session".into(), token);
        c.csrf = Some(csrf);
        c
    }

    pub async fn user(&self, username: &str, role: Role, scope: Scope, must_change: bool) -> i64 {
        let hash = yizhan_web::auth::password::hash_blocking(PASSWORD).unwrap();
        users::create(
            self.db(),
            &Actor::system(),
            &users::NewUser {
                username,
                display_name: username,
                password_hash: &hash,
                must_change_password: must_change,
                grants: &[Grant { role, scope }],
            },
        )
        .await
        .unwrap()
        .id
    }
}

/// Two streets, a station in each. Returns (street_a, street_b, station_a, station_b).
pub async fn district(db: &Db) -> (i64, i64, i64, i64) {
    let a = Actor::system();
    stations::ensure_district(db, &a, "龙岗区", "440307", &["吉华街道", "平湖街道"]).await.unwrap();
    let s = stations::streets(db).await.unwrap();
    let mk = |street_id: i64, name: &str| NewStation {
        street_id,
        name: name.into(),
        address: "深圳市龙岗区".into(),
        kind: StationKind::Hotel,
        capacity: 100,
        contact_name: "联系人".into(),
        contact_phone: "13800138000".into(),
        active: true,
    };
    let st_a = stations::create(db, &a, &mk(s[0].id, "卓汇健康驿站")).await.unwrap();
    let st_b = stations::create(db, &a, &mk(s[1].id, "平湖健康驿站")).await.unwrap();
    (s[0].id, s[1].id, st_a.id, st_b.id)
}

/// A room in a station, ready.
pub async fn room(db: &Db, station_id: i64, number: &str, beds: i64) -> i64 {
    let r = yizhan_core::station::room::validate_room(&yizhan_core::station::room::RoomInput {
        number: number.into(),
        floor: "3".into(),
        beds: beds.to_string(),
        kind: "single".into(),
        note: String::new(),
    })
    .unwrap();
    yizhan_store::station::rooms::create_many(db, &Actor::system(), station_id, &[r]).await.unwrap()
        [0]
}

/// A cross-border driver registered at the station; `n` makes the document unique.
pub async fn guest(db: &Db, station_id: i64, n: u32) -> i64 {
    let g = yizhan_core::station::guest::validate_guest(
        &yizhan_core::station::guest::GuestInput {
            doc_type: "hk_macau_permit".into(),
            doc_number: format!("H{:08}", 10_000_000 + n),
            name: format!("陈大文{n}"),
            sex: Some("male".into()),
            birth_date: Some("1980-05-06".into()),
            phone: "91234567".into(),
            region: "香港".into(),
            category: "cross_border_driver".into(),
            employer: Some("港深物流".into()),
            plate_cn: Some("粤ZAB12港".into()),
            exemption_status: Some("valid".into()),
            ..Default::default()
        },
        chrono::NaiveDate::from_ymd_opt(2021, 1, 10).unwrap(),
    )
    .unwrap();
    yizhan_store::station::guests::create(db, &Actor::system(), station_id, &g).await.unwrap().id
}

/// Checks a guest in now under the driver policy; returns the stay id.
pub async fn check_in(db: &Db, station_id: i64, guest_id: i64, room_id: i64) -> i64 {
    let policy = yizhan_store::station::policies::list(db)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.code == "driver")
        .unwrap()
        .id;
    yizhan_store::station::stays::check_in(
        db,
        &Actor::system(),
        &yizhan_store::station::stays::CheckIn {
            station_id,
            guest_id,
            room_id,
            policy_id: policy,
            at: yizhan_store::db::now(),
        },
    )
    .await
    .unwrap()
    .id
}

/// Objects of staff and care on a station, for tests that need one of each.
pub struct CareFixtures {
    pub group: i64,
    pub staff: i64,
    pub incident: i64,
    pub complaint: i64,
    pub handover: i64,
    pub handover_item: i64,
    /// A routine record: verifying it is refused as "not terminal", after the policy let it in.
    pub disinfection: i64,
    pub supply: i64,
    /// A delivery for the stay (none when the fixture has no stay).
    pub delivery: i64,
    pub plan: i64,
    /// A planned (announced) inspection of the station.
    pub inspection: i64,
    /// A rectification ordered from a second inspection's failed item (that inspection started).
    pub rectification: i64,
    /// A photo of that failed item.
    pub photo: i64,
}

/// A member of a station's working group, in the closed loop on a high-risk post.
pub async fn staff_member(db: &Db, station_id: i64, group: i64, name: &str, phone: &str) -> i64 {
    let s = yizhan_core::care::staff::validate_staff(
        &yizhan_core::care::staff::StaffInput {
            name: name.into(),
            phone: phone.into(),
            group_id: group.to_string(),
            organisation: "区人民医院".into(),
            post_risk: "high".into(),
            loop_status: "in_loop".into(),
            loop_start: "2026-01-01".into(),
            ..Default::default()
        },
        yizhan_core::time::local_date(yizhan_store::db::now()),
    )
    .unwrap();
    yizhan_store::care::staff::create(db, &Actor::system(), station_id, &s).await.unwrap()
}

pub async fn care_fixtures(db: &Db, station_id: i64, stay_id: i64) -> CareFixtures {
    let sys = Actor::system();
    let g = yizhan_core::care::staff::validate_group(&yizhan_core::care::staff::GroupInput {
        name: "医疗组".into(),
        pattern: "three_eights".into(),
        min_per_shift: "1".into(),
        ..Default::default()
    })
    .unwrap();
    let group = yizhan_store::care::staff::create_group(db, &sys, station_id, &g).await.unwrap();
    let staff = staff_member(db, station_id, group, "王医生", "13800138000").await;
    let now = yizhan_store::db::now();
    let i = yizhan_core::care::incident::validate_incident(
        &yizhan_core::care::incident::IncidentInput {
            kind: "accident".into(),
            occurred_at: yizhan_core::time::local_format(now, "%Y-%m-%d %H:%M"),
            place: "大堂".into(),
            description: "地滑摔倒".into(),
            ..Default::default()
        },
        now,
    )
    .unwrap();
    let incident =
        yizhan_store::care::incidents::record_incident(db, &sys, station_id, &i).await.unwrap();
    let c = yizhan_core::care::incident::validate_complaint(
        &yizhan_core::care::incident::ComplaintInput {
            source: "guest".into(),
            complainant: "陈先生".into(),
            topic: "饭菜".into(),
            detail: "太咸".into(),
            stay_id: if stay_id > 0 { stay_id.to_string() } else { String::new() },
        },
    )
    .unwrap();
    let complaint =
        yizhan_store::care::incidents::record_complaint(db, &sys, station_id, &c).await.unwrap();
    let handover = yizhan_store::care::handovers::write(
        db,
        &sys,
        group,
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        0,
        "平稳",
        &["302 房送药".to_owned()],
    )
    .await
    .unwrap();
    let handover_item = yizhan_store::care::handovers::items(db, handover).await.unwrap()[0].id;
    let area = yizhan_store::care::disinfection::create_area(
        db,
        &sys,
        station_id,
        &yizhan_core::care::disinfection::NewArea {
            name: "三楼走廊".into(),
            kind: yizhan_core::care::disinfection::AreaKind::Corridor,
            every_hours: 4,
        },
    )
    .await
    .unwrap();
    let disinfection = yizhan_store::care::disinfection::record(
        db,
        &sys,
        station_id,
        &yizhan_core::care::disinfection::NewRecord {
            place: yizhan_core::care::disinfection::Place::Area(area),
            agent: "含氯消毒剂".into(),
            concentration: 500,
            minutes: 30,
            operator: "刘师傅".into(),
            done_at: now,
        },
    )
    .await
    .unwrap();
    let supply = yizhan_store::care::supplies::create_item(
        db,
        &sys,
        station_id,
        &yizhan_core::care::supplies::NewItem {
            name: "N95口罩".into(),
            category: yizhan_core::care::supplies::Category::Ppe,
            unit: "个".into(),
            low_threshold: 100,
            stock: 1000,
        },
    )
    .await
    .unwrap();
    let delivery = if stay_id > 0 {
        yizhan_store::care::relatives::receive(
            db,
            &sys,
            station_id,
            &yizhan_core::care::relatives::NewDelivery {
                stay_id,
                sender: "李女士".into(),
                item: "降压药".into(),
            },
        )
        .await
        .unwrap()
    } else {
        0
    };
    let plan = yizhan_store::care::plans::publish(
        db,
        &sys,
        station_id,
        &yizhan_core::care::plans::NewPlan {
            kind: yizhan_core::care::plans::PlanKind::Fire,
            title: "火灾疏散预案".into(),
            steps: vec!["报警".into(), "疏散".into(), "清点".into()],
        },
    )
    .await
    .unwrap();
    let checklist = yizhan_store::command::inspections::create_template(
        db,
        &sys,
        &yizhan_core::command::inspection::NewTemplate {
            name: "健康驿站督导检查表".into(),
            items: vec![yizhan_core::command::inspection::Item {
                topic: "消杀".into(),
                text: "终末消毒记录".into(),
                standard: "每间退房后有记录".into(),
            }],
        },
    )
    .await
    .unwrap();
    let inspection = yizhan_store::command::inspections::create(
        db,
        &sys,
        &yizhan_core::command::inspection::NewInspection {
            template_id: checklist,
            unit: yizhan_core::command::inspection::Unit::Station(station_id),
            kind: yizhan_core::command::inspection::InspectionKind::Planned,
            planned_on: yizhan_core::time::local_date(now),
            team: "区督导组".into(),
            inspector_street: None,
        },
    )
    .await
    .unwrap();
    let (rectification, photo) = rectification_fixture(db, station_id, checklist).await;
    CareFixtures {
        rectification,
        photo,
        inspection,
        delivery,
        plan,
        supply,
        disinfection,
        group,
        staff,
        incident,
        complaint,
        handover,
        handover_item,
    }
}

pub async fn district_ids(app: &App) -> (i64, i64) {
    let s = yizhan_store::station::stations::streets(app.db()).await.unwrap();
    (s[0].id, s[1].id)
}

pub fn xlsx_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("a real xlsx file");
    let range = wb.worksheet_range(sheet).expect("sheet");
    range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
}

/// A started inspection of the station with its one item failed, a photo of the finding and a
/// rectification ordered (deadline a week away): (rectification id, photo id).
pub async fn rectification_fixture(db: &Db, station_id: i64, checklist: i64) -> (i64, i64) {
    let sys = Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let (insp, item) =
        failed_inspection(db, station_id, checklist, "302房退房后无终末消毒记录").await;
    let id = insp.id;
    let photo = yizhan_store::command::photos::add(
        db,
        &sys,
        &yizhan_store::command::photos::NewPhoto {
            subject: yizhan_store::command::photos::Subject::Item {
                inspection_id: id,
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
    let rect = yizhan_store::command::rectifications::create(
        db,
        &sys,
        &insp,
        &yizhan_core::command::rectification::NewOrder {
            item_id: item,
            severity: yizhan_core::command::rectification::Severity::Major,
            responsible: "卓悦驿站".into(),
            deadline: today + chrono::Duration::days(7),
        },
    )
    .await
    .unwrap();
    (rect, photo)
}

/// An inspection of the station started today with the checklist's first item failed for
/// `finding`: (the inspection, the item id).
pub async fn failed_inspection(
    db: &Db,
    station_id: i64,
    checklist: i64,
    finding: &str,
) -> (yizhan_store::command::inspections::Inspection, i64) {
    let sys = Actor::system();
    let id = yizhan_store::command::inspections::create(
        db,
        &sys,
        &yizhan_core::command::inspection::NewInspection {
            template_id: checklist,
            unit: yizhan_core::command::inspection::Unit::Station(station_id),
            kind: yizhan_core::command::inspection::InspectionKind::Unannounced,
            planned_on: yizhan_core::time::local_date(yizhan_store::db::now()),
            team: "区督导组".into(),
            inspector_street: None,
        },
    )
    .await
    .unwrap();
    yizhan_store::command::inspections::start(db, &sys, id).await.unwrap();
    let insp = yizhan_store::command::inspections::get(db, id).await.unwrap();
    let item = yizhan_store::command::inspections::items(db, checklist).await.unwrap()[0].id;
    yizhan_store::command::inspections::record(
        db,
        &sys,
        &insp,
        item,
        yizhan_core::command::inspection::Outcome::Fail,
        Some(finding),
    )
    .await
    .unwrap();
    let insp = yizhan_store::command::inspections::get(db, id).await.unwrap();
    (insp, item)
}

/// An enterprise registered as not yet resumed, in `street`: its id.
pub async fn enterprise(db: &Db, uscc: &str, name: &str, street: i64) -> i64 {
    enterprise_with(db, uscc, name, street, "manufacturing", 500).await
}

/// An enterprise not yet resuming, of an industry and a headcount; its id.
pub async fn enterprise_with(
    db: &Db,
    uscc: &str,
    name: &str,
    street: i64,
    industry: &str,
    headcount: u32,
) -> i64 {
    let e = yizhan_core::work::enterprise::validate_enterprise(
        &yizhan_core::work::enterprise::EnterpriseInput {
            uscc: uscc.into(),
            name: name.into(),
            street_id: street.to_string(),
            industry: industry.into(),
            headcount: headcount.to_string(),
            contact_name: "王经理".into(),
            contact_phone: "13800138000".into(),
            resumption: "not_started".into(),
            ..Default::default()
        },
        yizhan_core::time::local_date(yizhan_store::db::now()),
    )
    .unwrap();
    yizhan_store::work::enterprises::create(db, &Actor::system(), &e).await.unwrap()
}

/// 甲电子 in street A and 乙物流 in street B: their ids.
/// A district with two enterprises (甲电子 in one street, 乙物流 in another) and the first one's
/// clerk `jia`: the enterprises, jia's user id and a session.
pub async fn enterprise_clerk(app: &App) -> (Vec<i64>, i64, Client) {
    let (street_a, street_b, _, _) = district(app.db()).await;
    let ents = two_enterprises(app.db(), street_a, street_b).await;
    let jia = app.user("jia", Role::Enterprise, Scope::Enterprise(ents[0]), false).await;
    let session = app.session_for(jia).await;
    (ents, jia, session)
}

pub async fn two_enterprises(db: &Db, street_a: i64, street_b: i64) -> Vec<i64> {
    vec![
        enterprise(db, "91350100M000100Y43", "甲电子", street_a).await,
        enterprise(db, "91440300MA5DC7RF9T", "乙物流", street_b).await,
    ]
}

/// The stay's first test sampled and come back positive (the room is sealed, an alert raised).
pub async fn test_positive(db: &Db, stay_id: i64, barcode: &str) {
    let sys = Actor::system();
    let t = yizhan_store::station::stays::tests(db, stay_id).await.unwrap()[0].id;
    yizhan_store::station::sampling::sample(db, &sys, t, barcode).await.unwrap();
    yizhan_store::station::sampling::set_result(
        db,
        &sys,
        t,
        yizhan_core::station::sampling::TestResult::Positive,
    )
    .await
    .unwrap();
}

/// A reading of 38.4℃ now for a stay: an open fever alert.
pub async fn fever_now(db: &Db, stay: i64) -> Option<i64> {
    let check = yizhan_core::station::health::validate_health_check(
        &yizhan_core::station::health::HealthCheckInput {
            temperature: "38.4".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let (day, slot) =
        yizhan_core::station::health::slot_at(yizhan_store::db::now(), &Default::default());
    yizhan_store::station::health::record(db, &Actor::system(), stay, day, slot, &check)
        .await
        .unwrap()
        .1
}

/// The answers the receiver has left to give: (status, body).
pub type Answers =
    std::sync::Arc<std::sync::Mutex<std::collections::VecDeque<(u16, &'static str)>>>;

/// What the receiver was sent: (query string, headers, JSON body).
pub type Received = std::sync::Arc<
    std::sync::Mutex<
        Vec<(std::collections::HashMap<String, String>, axum::http::HeaderMap, serde_json::Value)>,
    >,
>;

/// A local HTTP server standing in for a group robot (or a system's webhook): it records every request and answers with
/// the next of `answers` (status, body), then 200 `{"errcode":0}`.
pub async fn receiver(answers: Vec<(u16, &'static str)>) -> (String, Received) {
    let got: Received = Default::default();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(
        answers.into_iter().collect::<std::collections::VecDeque<_>>(),
    ));
    let state = (got.clone(), queue);
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(
                |axum::extract::State((got, queue)): axum::extract::State<(Received, Answers)>,
                 axum::extract::Query(q): axum::extract::Query<
                    std::collections::HashMap<String, String>,
                >,
                 headers: axum::http::HeaderMap,
                 body: String| async move {
                    got.lock().unwrap().push((
                        q,
                        headers,
                        serde_json::from_str(&body).unwrap_or_default(),
                    ));
                    let (status, answer) = queue
                        .lock()
                        .unwrap()
                        .pop_front()
                        .unwrap_or((200, r#"{"errcode":0,"errmsg":"ok"}"#));
                    (axum::http::StatusCode::from_u16(status).unwrap(), answer)
                },
            ),
        )
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

/// The seed's medical chain at a station: a command team (its leader the station lead) and a
/// medical group (医疗组, two-twelves, six people, rostered from three days ago for two weeks,
/// so someone is on duty at any hour).
pub struct DutyChain {
    pub medical: i64,
    /// The medical group's people's mobile numbers; the first is its leader's.
    pub medical_phones: Vec<String>,
    pub command_phone: String,
}

pub async fn duty_chain(db: &Db, station_id: i64) -> DutyChain {
    use yizhan_core::care::roster::Pattern;
    use yizhan_core::care::staff::NewGroup;
    use yizhan_store::care::{roster, staff};
    let a = Actor::system();
    let today = yizhan_core::time::local_date(yizhan_store::db::now());
    let group = |name: &str, is_command: bool| {
        let g = NewGroup {
            name: name.into(),
            pattern: Pattern::TwoTwelves,
            min_per_shift: 1,
            duties: None,
            is_command,
        };
        let a = a.clone();
        async move { staff::create_group(db, &a, station_id, &g).await.unwrap() }
    };
    let command = group("现场协调指挥专班", true).await;
    let medical = group("医疗组", false).await;
    let command_phone = format!("1390000{:04}", station_id % 10_000);
    let lead = staff_member(db, station_id, command, "指挥长李强", &command_phone).await;
    staff::set_leader(db, &a, command, lead).await.unwrap();
    let mut medical_phones = Vec::new();
    for i in 0..6 {
        let phone = format!("1380013{:02}{:02}", station_id % 100, i);
        let id = staff_member(db, station_id, medical, &format!("医生{i}"), &phone).await;
        if i == 0 {
            staff::set_leader(db, &a, medical, id).await.unwrap();
        }
        medical_phones.push(phone);
    }
    let g = staff::group(db, medical).await.unwrap();
    roster::regenerate(db, &a, &g, today - chrono::Duration::days(3), 14).await.unwrap().unwrap();
    DutyChain { medical, medical_phones, command_phone }
}

/// A WeCom robot (20 a minute) sealed with `key`, for the district (`None, None`), a street or a
/// station.
pub async fn robot(
    db: &Db,
    key: &[u8; 32],
    url: &str,
    street: Option<i64>,
    station: Option<i64>,
) -> i64 {
    use yizhan_web::notify::seal;
    yizhan_store::notify::channels::create(
        db,
        &Actor::system(),
        &yizhan_store::notify::channels::NewChannel {
            name: format!("robot {street:?} {station:?}"),
            kind: yizhan_core::notify::ChannelKind::WeCom,
            street_id: street,
            station_id: station,
            min_severity: yizhan_core::notify::Severity::Warning,
            per_minute: 20,
            url_sealed: seal::seal(Some(key), url).unwrap(),
            url_hint: seal::hint(url),
            secret_sealed: None,
        },
    )
    .await
    .unwrap()
}

/// Three robots (sealed with `key`): the station's own group, its street's, the district's;
/// what each received.
pub async fn robots(db: &Db, key: &[u8; 32], street: i64, station: i64) -> [Received; 3] {
    let mut got = Vec::new();
    for (street, station) in [(None, Some(station)), (Some(street), None), (None, None)] {
        let (url, received) = receiver(vec![]).await;
        robot(db, key, &url, street, station).await;
        got.push(received);
    }
    [got.remove(0), got.remove(0), got.remove(0)]
}
