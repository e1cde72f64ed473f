//! Stand-ins for the group robots: a local receiver that records what it is sent, and
//! channels sealed for it.

use super::*;

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
