//! The direction of dependencies (ARCHITECTURE.md), checked on the source so that it stays
//! true: `http` → `service` → `domain`, `store`, `search`, `mail`; nothing below `http` reaches
//! back up; `domain` is pure. Read as text: a `use` of a module, or a path through it, counts
//! wherever it stands outside a comment.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as (path relative to `src/`, code without comment lines).
fn sources(dir: &str) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = src();
    let start = root.join(dir);
    let mut files = Vec::new();
    if start.is_dir() {
        walk(&start, &mut files);
    } else {
        files.push(start);
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let code = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            (name, code)
        })
        .collect()
}

/// The files under any of `dirs` whose code names any of `paths`.
fn offenders(dirs: &[&str], paths: &[&str]) -> Vec<String> {
    dirs.iter()
        .flat_map(|dir| sources(dir))
        .filter(|(_, code)| paths.iter().any(|p| code.contains(p)))
        .map(|(name, _)| name)
        .collect()
}

const BELOW_HTTP: &[&str] = &["domain", "store", "service", "search", "mail", "worker"];

#[test]
fn nothing_below_http_imports_startup_or_http() {
    let found = offenders(BELOW_HTTP, &["crate::startup", "crate::http"]);
    assert!(found.is_empty(), "{found:#?}");
}

/// `http` is the top of the stack below the composition root: apart from `main.rs`, `cli.rs`
/// and `startup.rs`, which build the server, nothing outside `http/` names it (logging,
/// errors and validation included: the request logger lives in `http/`).
#[test]
fn nothing_outside_http_but_the_composition_root_imports_http() {
    const ROOT: &[&str] = &["http", "lib.rs", "main.rs", "cli.rs", "startup.rs"];
    let dirs: Vec<String> = std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !ROOT.contains(&name.as_str()))
        .collect();
    assert!(dirs.iter().any(|d| d == "domain"), "{dirs:?}");
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let found = offenders(&dirs, &["crate::http", "duijie::http"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn search_and_domain_import_nothing_from_the_services() {
    let found = offenders(&["search", "domain"], &["crate::service"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_domain_is_pure() {
    let found = offenders(
        &["domain"],
        &[
            "sea_orm",
            "actix",
            "tokio",
            "reqwest",
            "std::fs",
            "crate::store",
            "crate::search",
            "crate::mail",
            "crate::worker",
            "crate::config",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_settings_build_no_runtime_objects() {
    let found = offenders(
        &["config.rs"],
        &["crate::mail", "crate::worker", "crate::search::"],
    );
    assert!(found.is_empty(), "{found:#?}");
}

/// The persistence layer is `store/`: it owns every query and hands out domain types and
/// records of its own, so no file outside it names a sea-orm entity, and no store module hands
/// one out under another name (`pub use regions::Model as Region`).
#[test]
fn sea_orm_entities_stay_inside_the_store() {
    let dirs: Vec<String> = std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "store")
        .collect();
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let found = offenders(&dirs, &["store::entity", "sea_orm::entity"]);
    assert!(
        found.is_empty(),
        "these files name sea-orm entities outside store/: give store/ a query for them instead: {found:#?}"
    );
    let handed_out = offenders(&["store"], &["pub use super::entity", "Model as "]);
    assert!(
        handed_out.is_empty(),
        "these store modules hand out an entity's Model: return a record of their own: {handed_out:#?}"
    );
}
