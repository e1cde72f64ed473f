//! Shared application state: nothing here is per-node data, so any node can serve any request.

use std::sync::Arc;

use yizhan_store::Db;

use crate::auth::password::Hasher;
use crate::metrics::Metrics;
use crate::policy::RouteInfo;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Largest accepted request body, bytes.
    pub body_limit: usize,
    /// The address people reach Yizhan at (for QR codes); when unset, the request's Host.
    pub public_url: Option<String>,
    /// When the morning and afternoon temperature slots fall due (China Standard Time).
    pub slots: yizhan_core::station::health::SlotConfig,
    /// When yesterday's daily report (日报) is produced each morning (China Standard Time).
    pub report_at: chrono::NaiveTime,
    /// Proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`); nobody else's is
    /// believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The bearer token `/metrics` asks for on the application's address (`--metrics-token`);
    /// unset, it answers 404 there (use `--metrics-listen`).
    pub metrics_token: Option<String>,
    /// The key channel secrets are sealed with (`YIZHAN_SECRET_KEY`, or a key file); without
    /// one no channel can be saved or sent to.
    pub secret_key: Option<[u8; 32]>,
    /// Root certificates (PEM) e-mail channels trust besides the system's: a mail server of a
    /// private network's own CA (`--channel-ca-file`).
    pub channel_roots: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            body_limit: 1024 * 1024,
            public_url: None,
            slots: Default::default(),
            report_at: chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default(),
            trusted_proxies: Vec::new(),
            metrics_token: None,
            secret_key: None,
            channel_roots: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub hasher: Hasher,
    pub metrics: Arc<Metrics>,
    pub routes: Arc<Vec<RouteInfo>>,
    /// The newest audit sequence number seen by this node's poller; boards wake on changes.
    pub changes: tokio::sync::watch::Receiver<crate::board::live::Changes>,
    /// Board snapshots by (station, language), valid while the change sequence has not moved:
    /// a thousand TVs waking on one change cost one snapshot, not a thousand.
    pub snapshots: SnapshotCache,
    /// Per-client request budgets of this node (certificate checks).
    pub limits: Arc<crate::auth::limits::Limits>,
    /// Anonymous refusals of this node, audited as one entry per client and window.
    pub refusals: Arc<crate::auth::refusals::Refusals>,
    /// The district board's return-to-work figures and when this node counted them: a million
    /// workers are counted once a minute, not on every change a board wakes on.
    pub district_work:
        Arc<std::sync::Mutex<Option<(std::time::Instant, crate::board::district::WorkFigures)>>>,
    /// Held while this node counts them.
    pub district_work_turn: Arc<tokio::sync::Mutex<()>>,
}

/// (station, language) → (change sequence it was built at, the JSON).
pub type SnapshotCache = Arc<
    std::sync::Mutex<
        std::collections::HashMap<
            (i64, &'static str),
            ((crate::board::live::Version, u32), Arc<serde_json::Value>),
        >,
    >,
>;
