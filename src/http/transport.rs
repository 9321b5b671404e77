//! What the connection says about a request: the client's address and whether it came over
//! HTTPS. A forwarding header (`X-Forwarded-For`, `X-Forwarded-Proto`) is believed only from a
//! trusted proxy (the `trusted_proxies` setting): any client can write one. The rate limits, the
//! audit log's origin, the request log and the cookies' `Secure` flag all ask here.

use std::net::IpAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderValue, STRICT_TRANSPORT_SECURITY};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, web};

use crate::service::Context;

/// `Strict-Transport-Security` on every response of a secure request: a year, subdomains too.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The client's address: the peer, or, when the peer is a trusted proxy, the right-most
/// address in `X-Forwarded-For` that is not a trusted proxy (the left part is the client's to
/// write, so it is not believed).
pub fn client_address(req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    Some(client_of(peer, &trusted(req), req.headers()))
}

/// Whether the request is secure: as `secure_cookies` says when it is set; otherwise when the
/// connection itself is TLS, or its peer is a trusted proxy whose `X-Forwarded-Proto` says
/// `https`.
pub fn is_secure(req: &HttpRequest) -> bool {
    let configured = req
        .app_data::<web::Data<Context>>()
        .and_then(|state| state.settings.server.secure_cookies);
    if let Some(configured) = configured {
        return configured;
    }
    if req.app_config().secure() {
        return true;
    }
    req.peer_addr()
        .is_some_and(|peer| forwarded_https(peer.ip(), &trusted(req), req.headers()))
}

/// Adds [`HSTS`] to every response of a secure request ([`is_secure`]).
pub async fn hsts(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let secure = is_secure(req.request());
    let mut response = next.call(req).await?;
    if secure {
        response
            .headers_mut()
            .insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    Ok(response)
}

fn trusted(req: &HttpRequest) -> Vec<IpAddr> {
    req.app_data::<web::Data<Context>>()
        .and_then(|state| state.settings.server.trusted_proxy_addrs().ok())
        .unwrap_or_default()
}

fn client_of(peer: IpAddr, trusted: &[IpAddr], headers: &HeaderMap) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// Whether a trusted peer says the client came over HTTPS: the last `X-Forwarded-Proto` entry
/// is the one the nearest proxy wrote.
fn forwarded_https(peer: IpAddr, trusted: &[IpAddr], headers: &HeaderMap) -> bool {
    if !trusted.contains(&peer) {
        return false;
    }
    headers
        .get_all("x-forwarded-proto")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderName;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    #[test]
    fn only_a_trusted_peer_is_believed() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let trusted = [proxy];
        let forged = headers(&[
            ("x-forwarded-for", "198.51.100.9, 203.0.113.7"),
            ("x-forwarded-proto", "https"),
        ]);
        let stranger: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(client_of(stranger, &trusted, &forged), stranger);
        assert!(!forwarded_https(stranger, &trusted, &forged));
        // Behind the proxy: the right-most address it did not write itself.
        assert_eq!(
            client_of(proxy, &trusted, &forged),
            "203.0.113.7".parse::<IpAddr>().unwrap()
        );
        assert!(forwarded_https(proxy, &trusted, &forged));
        let appended = headers(&[("x-forwarded-proto", "https, http")]);
        assert!(!forwarded_https(proxy, &trusted, &appended));
    }
}
