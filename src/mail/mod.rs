//! Mail: the transport that delivers it (SMTP through lettre when configured, `.eml` files under
//! the data directory otherwise), the message as it goes out (headers, text and HTML bodies,
//! inline photos), and the templates of every notification (`templates`).
//!
//! What to send and to whom is decided by `service::notifications`; when, by the outbox drain.

pub mod templates;

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use crate::config::Settings;

/// How long one SMTP command may take before the attempt counts as failed (and is retried).
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Where mail goes.
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        /// `host:port (STARTTLS)`, for the logs; never the credentials.
        describe: String,
    },
    /// One `.eml` file per message in this directory, named by its Message-ID.
    Files(PathBuf),
}

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The server cannot take any mail now: unreachable, timed out, TLS failed, or it refused
    /// to let us in (4xx/5xx on authentication: a configuration to fix, not a recipient to
    /// drop). Everything waits and is tried again.
    #[error("{0}")]
    Unavailable(String),
    /// The server answered "try later" (4xx) for this message: this one waits.
    #[error("{0}")]
    Transient(String),
    /// The server refused the message for good (5xx): trying again cannot help.
    #[error("{0}")]
    Permanent(String),
}

/// How a failed SMTP transaction counts.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    let text = error.to_string();
    match error.status().map(|code| code.to_string()) {
        // 53x: authentication required, failed or too weak — the server itself is not usable.
        Some(code) if code.starts_with("53") => SendError::Unavailable(text),
        // 421: the service is closing the channel.
        Some(code) if code == "421" => SendError::Unavailable(text),
        Some(_) if error.is_permanent() => SendError::Permanent(text),
        Some(_) => SendError::Transient(text),
        None => SendError::Unavailable(text),
    }
}

impl Mailer {
    /// The transport the settings ask for.
    ///
    /// `smtp://user:pass@host:587` sends over STARTTLS (required; `?tls=opportunistic` uses it
    /// when offered, `?tls=none` never, for a relay on the same host); `smtps://…:465` over TLS
    /// from the first byte. Credentials in the URL are percent-decoded and used with AUTH.
    /// `smtp_ca_file` adds PEM root certificates to the public ones (a relay with a private CA).
    pub fn from_settings(settings: &Settings) -> Result<Mailer, String> {
        let Some(url) = &settings.mail.smtp_url else {
            return Ok(Mailer::Files(settings.data_dir.join("mail")));
        };
        let url = url::Url::parse(url.expose_secret()).map_err(|e| format!("smtp_url: {e}"))?;
        let host = url
            .host_str()
            .ok_or("smtp_url: names no host")?
            .trim_matches(['[', ']'])
            .to_owned();
        let tls_mode = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let parameters = || -> Result<TlsParameters, String> {
            let mut builder = TlsParameters::builder(host.clone());
            if let Some(file) = &settings.mail.smtp_ca_file {
                let pem = std::fs::read(file)
                    .map_err(|e| format!("smtp_ca_file {}: {e}", file.display()))?;
                let certificate = Certificate::from_pem(&pem)
                    .map_err(|e| format!("smtp_ca_file {}: {e}", file.display()))?;
                builder = builder.add_root_certificate(certificate);
            }
            builder.build_rustls().map_err(|e| format!("TLS: {e}"))
        };
        let (tls, default_port, mode) = match (url.scheme(), tls_mode.as_deref()) {
            ("smtps", None) => (Tls::Wrapper(parameters()?), 465, "TLS"),
            ("smtp", None | Some("required")) => (Tls::Required(parameters()?), 587, "STARTTLS"),
            ("smtp", Some("opportunistic")) => (
                Tls::Opportunistic(parameters()?),
                587,
                "STARTTLS if offered",
            ),
            ("smtp", Some("none")) => (Tls::None, 25, "no TLS"),
            (scheme, tls) => {
                return Err(format!(
                    "smtp_url: `{scheme}://` with tls={} is not supported (use smtp:// with \
                     tls=required|opportunistic|none, or smtps://)",
                    tls.unwrap_or("")
                ));
            }
        };
        let port = url.port().unwrap_or(default_port);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host)
            .port(port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if !url.username().is_empty() {
            let decode = |s: &str| {
                percent_encoding_decode(s).ok_or("smtp_url: credentials are not valid UTF-8")
            };
            let password = url.password().map(decode).transpose()?.unwrap_or_default();
            builder = builder.credentials(Credentials::new(decode(url.username())?, password));
        }
        Ok(Mailer::Smtp {
            transport: builder.build(),
            describe: format!("SMTP {host}:{port} ({mode})"),
        })
    }

    /// For the start-up log.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp { describe, .. } => describe.clone(),
            Mailer::Files(dir) => format!("files under {}", dir.display()),
        }
    }

    /// Whether the SMTP server takes us in now: connects, says EHLO, sets up TLS and signs in
    /// as configured, and answers NOOP (`duijie doctor`). Files always can.
    pub async fn probe(&self) -> Result<(), String> {
        match self {
            Mailer::Files(_) => Ok(()),
            Mailer::Smtp { transport, .. } => match transport.test_connection().await {
                Ok(true) => Ok(()),
                Ok(false) => Err("the server did not answer NOOP".to_owned()),
                Err(error) => Err(error.to_string()),
            },
        }
    }

    /// Delivers `message`. Files are named by the Message-ID and written whole (a temporary
    /// file renamed into place), so writing the same message again replaces it.
    pub async fn send(&self, message: &Message, message_id: &str) -> Result<(), SendError> {
        match self {
            Mailer::Smtp { transport, .. } => transport
                .send(message.clone())
                .await
                .map(|_| ())
                .map_err(|e| classify(&e)),
            Mailer::Files(dir) => write_file(dir, message_id, &message.formatted())
                .await
                .map_err(|e| {
                    SendError::Unavailable(format!("writing mail into {}: {e}", dir.display()))
                }),
        }
    }
}

fn percent_encoding_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

async fn write_file(dir: &Path, message_id: &str, bytes: &[u8]) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let name: String = message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("{name}.eml"));
    let partial = dir.join(format!(".{name}.eml.partial"));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, &path).await
}

/// An image shown inside the HTML body (a receipt photo).
pub struct InlineImage {
    pub content_id: String,
    pub jpeg: Vec<u8>,
}

/// Everything a message carries besides its bodies.
pub struct Envelope<'a> {
    pub from: &'a Mailbox,
    pub to: Mailbox,
    pub subject: &'a str,
    pub message_id: &'a str,
    /// The one-click unsubscribe address (RFC 2369 `List-Unsubscribe`, RFC 8058 `-Post`); none
    /// for the security mail that is always sent.
    pub unsubscribe: Option<&'a str>,
    pub language: &'a str,
}

/// The message: `multipart/alternative` of the text and the HTML (the HTML inside
/// `multipart/related` with its inline images, when there are any).
pub fn build(
    envelope: Envelope<'_>,
    text: String,
    html: String,
    images: Vec<InlineImage>,
) -> Result<Message, String> {
    let header = |name: &'static str, value: String| {
        HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
    };
    let mut builder = Message::builder()
        .from(envelope.from.clone())
        .to(envelope.to)
        .subject(envelope.subject)
        .message_id(Some(envelope.message_id.to_owned()))
        .date_now();
    if let Some(unsubscribe) = envelope.unsubscribe {
        builder = builder
            .raw_header(header("List-Unsubscribe", format!("<{unsubscribe}>")))
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    let builder = builder
        .raw_header(header("Content-Language", envelope.language.to_owned()))
        // Notifications, not a conversation: no out-of-office replies, please.
        .raw_header(header("Auto-Submitted", "auto-generated".into()));
    let text_part = SinglePart::plain(text);
    let html_part = SinglePart::builder()
        .header(ContentType::TEXT_HTML)
        .body(html);
    let body = if images.is_empty() {
        MultiPart::alternative()
            .singlepart(text_part)
            .singlepart(html_part)
    } else {
        let mut related = MultiPart::related().singlepart(html_part);
        for image in images {
            let jpeg = ContentType::parse("image/jpeg").map_err(|e| e.to_string())?;
            related =
                related.singlepart(Attachment::new_inline(image.content_id).body(image.jpeg, jpeg));
        }
        MultiPart::alternative()
            .singlepart(text_part)
            .multipart(related)
    };
    builder.multipart(body).map_err(|e| e.to_string())
}

/// The domain of the platform's sender address, for Message-IDs.
pub fn sender_domain(from: &Mailbox) -> String {
    from.email.domain().to_owned()
}
