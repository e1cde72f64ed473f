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

/// A local HTTP server standing in for a group robot (or a system's webhook, or an SMS gateway):
/// it records every request and answers with
/// the next of `answers` (status, body), then 200 `{"errcode":0}`.
pub async fn receiver(answers: Vec<(u16, &'static str)>) -> (String, Received) {
    let got: Received = Default::default();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(
        answers.into_iter().collect::<std::collections::VecDeque<_>>(),
    ));
    let state = (got.clone(), queue);
    let handler =
        |axum::extract::State((got, queue)): axum::extract::State<(Received, Answers)>,
         axum::extract::Query(q): axum::extract::Query<
            std::collections::HashMap<String, String>,
        >,
         headers: axum::http::HeaderMap,
         body: String| async move {
            got.lock().unwrap().push((q, headers, serde_json::from_str(&body).unwrap_or_default()));
            let (status, answer) = queue
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or((200, r#"{"errcode":0,"errmsg":"ok"}"#));
            (axum::http::StatusCode::from_u16(status).unwrap(), answer)
        };
    // POST as the robots and gateways take it; GET as some SMS gateways do.
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(handler).get(handler))
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
            recipients: vec![],
            sender: String::new(),
            body: String::new(),
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

/// A real SMTP server for the e-mail channels: Debian's aiosmtpd, speaking STARTTLS with a
/// certificate for `localhost` from a CA of its own and asking for a password over TLS only. Each mail
/// it takes is parsed by Python's `email` and written as a JSON line. Killed when dropped.
pub struct Smtp {
    pub port: u16,
    /// The certificate (PEM) of the CA that signed the server's, for the channels to trust.
    pub cert: String,
    mailbox: std::path::PathBuf,
    _server: tokio::process::Child,
    _dir: TempDir,
}

pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SMTP_SERVER: &str = r#"
import asyncio, email, email.policy, json, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

port, folder = int(sys.argv[1]), sys.argv[2]

class Keep:
    async def handle_DATA(self, server, session, envelope):
        m = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with open(folder + "/mail.jsonl", "a") as f:
            f.write(json.dumps({
                "from": envelope.mail_from, "to": envelope.rcpt_tos,
                "subject": m["subject"], "message_id": m["message-id"],
                "body": m.get_content(), "tls": session.ssl is not None,
                "user": session.authenticated and session.auth_data.login.decode(),
            }, ensure_ascii=False) + "\n")
        return "250 OK"

def check(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"yizhan@zhuohui.cn" and auth_data.password == b"pw-secret"
    return AuthResult(success=ok, handled=False, auth_data=auth_data)

ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(folder + "/cert.pem", folder + "/key.pem")
c = Controller(Keep(), hostname="127.0.0.1", port=port, tls_context=ctx,
               require_starttls=True, authenticator=check, auth_require_tls=True)
c.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"#;

impl Smtp {
    pub async fn start() -> Smtp {
        use tokio::io::AsyncBufReadExt;
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("yizhan-smtp-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // A private CA of its own and the server's certificate for `localhost` signed by it.
        std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:localhost\n").unwrap();
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        for args in [
            format!("req -x509 {ec} -days 1 -subj /CN=YizhanTestCA -keyout ca.key -out ca.pem"),
            format!("req {ec} -subj /CN=localhost -keyout key.pem -out leaf.csr"),
            "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
             -extfile ext.cnf -out cert.pem"
                .to_owned(),
        ] {
            let made = std::process::Command::new("openssl")
                .args(args.split_whitespace())
                .current_dir(&dir)
                .output()
                .expect("openssl makes the test server's certificates");
            assert!(made.status.success(), "{args:?}: {}", String::from_utf8_lossy(&made.stderr));
        }
        std::fs::write(dir.join("server.py"), SMTP_SERVER).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        // Debian's Python, where python3-aiosmtpd is installed (scripts/test.sh installs it).
        let mut server = tokio::process::Command::new("/usr/bin/python3")
            .arg(dir.join("server.py"))
            .arg(port.to_string())
            .arg(&dir)
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("/usr/bin/python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let mut lines = tokio::io::BufReader::new(server.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(std::time::Duration::from_secs(20), lines.next_line())
            .await
            .expect("the SMTP server starts within 20 s")
            .unwrap();
        assert_eq!(ready.as_deref(), Some("ready"));
        Smtp {
            port,
            cert: std::fs::read_to_string(dir.join("ca.pem")).unwrap(),
            mailbox: dir.join("mail.jsonl"),
            _server: server,
            _dir: TempDir(dir),
        }
    }

    /// The mails received so far.
    pub fn mails(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.mailbox)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}
