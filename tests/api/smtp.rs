//! A real SMTP server inside the test process (mailin-embedded: the protocol, STARTTLS over a
//! certificate made for the test, AUTH PLAIN), recording what it accepts. It can answer "try
//! later" (451) for a while, refuse chosen mailboxes for good (550), or not be listening at all
//! yet: the outages the mailer must live through.

use std::collections::{HashMap, HashSet};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::response::{AUTH_OK, INVALID_CREDENTIALS, NO_MAILBOX, OK};
use mailin_embedded::{AuthMechanism, Handler, Response, Server, SslConfig};
use tempfile::TempDir;

/// One message the server accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub raw: Vec<u8>,
    /// Who signed in with AUTH PLAIN on the connection that delivered it.
    pub user: Option<String>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("an RFC 5322 message")
    }

    pub fn message_id(&self) -> String {
        self.parsed().message_id().unwrap_or_default().to_owned()
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().header_raw(name).map(|v| v.trim().to_owned())
    }

    /// The notification kind, read off the Message-ID `<row.user.kind@domain>`.
    pub fn kind(&self) -> String {
        self.message_id()
            .split('@')
            .next()
            .and_then(|local| local.split('.').nth(2))
            .unwrap_or_default()
            .to_owned()
    }
}

/// What each server of this test process received, by port: how a test's app, knowing only
/// the SMTP address it sends to, reads its own mail back ([`received_on`]).
static SERVERS: Mutex<Vec<(u16, Arc<Shared>)>> = Mutex::new(Vec::new());

/// What the server of this process listening on `port` received; none if there is none.
pub fn received_on(port: u16) -> Option<Vec<Received>> {
    let servers = SERVERS.lock().unwrap();
    let (_, shared) = servers.iter().find(|(p, _)| *p == port)?;
    Some(shared.received.lock().unwrap().clone())
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    try_later: Mutex<bool>,
    refused: Mutex<HashSet<String>>,
    rcpt_attempts: Mutex<HashMap<String, u32>>,
    credentials: Option<(String, String)>,
}

#[derive(Clone)]
struct Connection {
    shared: Arc<Shared>,
    user: Option<String>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Connection {
    fn mail(&mut self, _ip: std::net::IpAddr, _domain: &str, from: &str) -> Response {
        if *self.shared.try_later.lock().unwrap() {
            return Response::custom(451, "Try again later".to_owned());
        }
        self.from = from.to_owned();
        self.to.clear();
        OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        *self
            .shared
            .rcpt_attempts
            .lock()
            .unwrap()
            .entry(to.to_owned())
            .or_default() += 1;
        if self.shared.refused.lock().unwrap().contains(to) {
            return NO_MAILBOX;
        }
        self.to.push(to.to_owned());
        OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.shared.received.lock().unwrap().push(Received {
            from: self.from.clone(),
            to: self.to.clone(),
            raw: std::mem::take(&mut self.data),
            user: self.user.clone(),
        });
        OK
    }

    fn auth_plain(
        &mut self,
        _authorization_id: &str,
        authentication_id: &str,
        password: &str,
    ) -> Response {
        match &self.shared.credentials {
            Some((user, pass)) if user == authentication_id && pass == password => {
                self.user = Some(user.clone());
                AUTH_OK
            }
            _ => INVALID_CREDENTIALS,
        }
    }
}

/// How the server is set up.
pub struct Options {
    /// STARTTLS with a certificate for `localhost` signed by a CA of the test's own.
    pub tls: bool,
    /// AUTH PLAIN with these credentials (offered only once TLS is up).
    pub credentials: Option<(String, String)>,
}

/// The server of one test.
pub struct SmtpServer {
    pub port: u16,
    shared: Arc<Shared>,
    /// The CA's certificate (PEM) that the server's certificate is signed by.
    pub ca_file: Option<PathBuf>,
    options_tls: Option<(String, String)>,
    _dir: TempDir,
}

impl SmtpServer {
    /// Picks a free port without listening on it yet: until [`SmtpServer::start`], a
    /// connection there is refused, as with a mail server that is down.
    pub fn reserve(options: Options) -> SmtpServer {
        // Below the kernel's ephemeral range (32768 and up), where the other tests' servers
        // (port 0) and client connections take their ports: free now, and likely still free
        // when the server starts.
        let port = loop {
            let candidate = 20_000 + rand::random::<u16>() % 10_000;
            if TcpListener::bind(("127.0.0.1", candidate)).is_ok() {
                break candidate;
            }
        };
        let dir = tempfile::tempdir().unwrap();
        let (ca_file, options_tls) = if options.tls {
            let (ca, cert, key) = certificates(&dir);
            (Some(ca), Some((cert, key)))
        } else {
            (None, None)
        };
        let shared = Arc::new(Shared {
            credentials: options.credentials,
            ..Shared::default()
        });
        SERVERS.lock().unwrap().push((port, shared.clone()));
        SmtpServer {
            port,
            shared,
            ca_file,
            options_tls,
            _dir: dir,
        }
    }

    /// Reserves a port and starts listening on it at once.
    pub fn start_new(options: Options) -> SmtpServer {
        let server = SmtpServer::reserve(options);
        server.start();
        server
    }

    /// Starts listening (on its own thread, for the rest of the test process).
    pub fn start(&self) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("binding the SMTP port");
        let mut server = Server::new(Connection {
            shared: self.shared.clone(),
            user: None,
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
        });
        server.with_name("smtp.test").with_tcp_listener(listener);
        if let Some((cert, key)) = &self.options_tls {
            server
                .with_ssl(SslConfig::SelfSigned {
                    cert_path: cert.clone(),
                    key_path: key.clone(),
                })
                .expect("the test certificate");
        }
        if self.shared.credentials.is_some() {
            server.with_auth(AuthMechanism::Plain);
        }
        std::thread::spawn(move || {
            let _ = server.serve();
        });
    }

    /// Answer every MAIL FROM with 451 (try later) until told otherwise.
    pub fn set_try_later(&self, on: bool) {
        *self.shared.try_later.lock().unwrap() = on;
    }

    /// Refuse this mailbox for good (550).
    pub fn refuse(&self, address: &str) {
        self.shared
            .refused
            .lock()
            .unwrap()
            .insert(address.to_owned());
    }

    /// How often a RCPT TO named this address.
    pub fn rcpt_attempts(&self, address: &str) -> u32 {
        self.shared
            .rcpt_attempts
            .lock()
            .unwrap()
            .get(address)
            .copied()
            .unwrap_or(0)
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits (up to 30 s) until a received message satisfies `found`, and returns it.
    pub async fn wait_for(&self, what: &str, found: impl Fn(&Received) -> bool) -> Received {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(message) = self.received().into_iter().find(|m| found(m)) {
                return message;
            }
            assert!(
                Instant::now() < deadline,
                "no {what} arrived; received: {:?}",
                self.received()
                    .iter()
                    .map(|m| (m.to.clone(), m.subject()))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// A CA, and a server certificate for `localhost` and 127.0.0.1 that it signed; the paths of
/// the CA's certificate, the server's certificate and the server's key.
fn certificates(dir: &TempDir) -> (PathBuf, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "duijie test CA");
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server_cert = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let ca_path = dir.path().join("ca.pem");
    let cert_path = dir.path().join("server.pem");
    let key_path = dir.path().join("server.key");
    std::fs::write(&ca_path, ca.pem()).unwrap();
    std::fs::write(&cert_path, server_cert.pem()).unwrap();
    std::fs::write(&key_path, server_key.serialize_pem()).unwrap();
    (
        ca_path,
        cert_path.display().to_string(),
        key_path.display().to_string(),
    )
}
