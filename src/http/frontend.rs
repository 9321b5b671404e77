//! The built web front end (`frontend/dist`), served at every path outside the API.
//!
//! Vite names the files under `assets/` by a hash of their contents, so those are cached for a
//! year and never revalidated; everything else, `index.html` above all, is revalidated on every
//! use so a new release is picked up at once. A path with no file extension is one of the
//! single-page app's routes (`/needs/42`, `/me/pledges`) and gets `index.html`.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::{ApiError, ErrorCode};
use crate::service::Context;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
/// Element Plus and ECharts set inline styles; photos are shown from `blob:` URLs before upload.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data: blob:; \
    style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; \
    frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file of the build, relative to its directory; `immutable` when its name is hashed.
    File { path: PathBuf, immutable: bool },
    /// A route of the app: `index.html`.
    App,
    /// Nothing the front end serves (an API path, or a path that tries to leave the directory).
    Nothing,
}

fn resolve(path: &str) -> Target {
    if path == "/api" || path.starts_with("/api/") {
        return Target::Nothing;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments
        .iter()
        .any(|s| s.starts_with('.') || s.contains('\\') || s.contains('\0'))
    {
        return Target::Nothing;
    }
    match segments.last() {
        Some(last) if last.contains('.') => Target::File {
            path: segments.iter().collect(),
            immutable: segments.first() == Some(&"assets"),
        },
        _ => Target::App,
    }
}

/// The fallback of every route: a file of the build, the app's page, or the JSON 404.
pub async fn serve(req: HttpRequest, state: web::Data<Context>) -> Result<HttpResponse, ApiError> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return super::not_found(req).await;
    }
    let dir = &state.settings.server.frontend_dir;
    let (file, cache, is_page) = match resolve(req.path()) {
        Target::Nothing => return super::not_found(req).await,
        Target::File { path, immutable } => (
            dir.join(path),
            if immutable { IMMUTABLE } else { REVALIDATE },
            false,
        ),
        Target::App => (dir.join("index.html"), REVALIDATE, true),
    };
    let named = match NamedFile::open_async(&file).await {
        Ok(named) => named,
        Err(_) if is_page => return Err(not_built(dir)),
        Err(_) => return super::not_found(req).await,
    };
    let mut response = named
        .use_etag(true)
        .use_last_modified(true)
        .into_response(&req);
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if is_page {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    Ok(response)
}

fn not_built(dir: &Path) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        format!(
            "the web front end is not built: there is no {}/index.html (run `npm ci && npm run \
             build` in frontend/, or set DUIJIE_FRONTEND_DIR); the API is under /api/v1",
            dir.display()
        ),
    )
}

/// Whether `dir` holds a build, for the start-up log.
pub fn is_built(dir: &Path) -> bool {
    dir.join("index.html").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, immutable: bool) -> Target {
        Target::File {
            path: PathBuf::from(path),
            immutable,
        }
    }

    #[test]
    fn hashed_assets_are_immutable_and_other_files_revalidated() {
        assert_eq!(
            resolve("/assets/index-3f9a1c.js"),
            file("assets/index-3f9a1c.js", true)
        );
        assert_eq!(resolve("/favicon.svg"), file("favicon.svg", false));
        assert_eq!(resolve("/index.html"), file("index.html", false));
    }

    #[test]
    fn routes_of_the_app_get_its_page() {
        for path in [
            "/",
            "",
            "/needs/42",
            "/me/pledges",
            "/hall/",
            "/regions/441426",
        ] {
            assert_eq!(resolve(path), Target::App, "{path}");
        }
    }

    #[test]
    fn the_api_and_escapes_from_the_directory_are_not_served() {
        for path in [
            "/api",
            "/api/v1/nothing",
            "/../secret.key",
            "/assets/../../data/duijie.sqlite",
            "/.env",
            "/assets\\..\\x.js",
        ] {
            assert_eq!(resolve(path), Target::Nothing, "{path}");
        }
    }
}
