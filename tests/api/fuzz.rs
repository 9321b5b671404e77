//! Hostile input over HTTP (issue #18): every operation of the API document the app serves gets
//! a deterministic set of hostile requests — path parameters that are no ids, query strings of
//! the wrong types, repeated, overlong or full of control characters and injection-looking text,
//! bodies that are malformed, nested 10,000 deep, over the size limit, of the wrong types or
//! of the wrong content type, and odd Unicode everywhere — as a visitor, as the demo
//! administrator and as the demo cadre (so that what only the signed-in reach is reached).
//!
//! Every answer must be below 500, be one of the statuses the operation documents, and, for a
//! 4xx, be the error body of `src/error.rs`; no panic may happen anywhere in the server. Requests
//! that are accepted change the demo data: that is fine, the pass runs in one order and so stays
//! the same from run to run. The counts are printed (and written to `DUIJIE_HOSTILE_REPORT`
//! when it is set: tests/run.sh prints it).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde_json::{Value, json};

use crate::helpers::{TestApp, test_sealer};

/// Cases per operation and caller, at most, of each kind.
const PATH_CASES: usize = 6;
const QUERY_CASES: usize = 6;
const PROPERTY_CASES: usize = 8;

/// Path parameters that are no record's id or region code, percent-encoded as sent.
fn hostile_path_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "0",
        "-1",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999999",
        "abc",
        "1.5",
        "1e3",
        "0x10",
        "%00",
        "1%00",
        "%01%1F%7F",
        "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "..%5C..%5Cwindows",
        "%E2%80%AE1",
        "%F0%9F%98%80",
        "%EF%BC%91",
        "%FF%FE",
        "%ED%A0%80",
        "1%20OR%201%3D1",
        "%27%3B%20DROP%20TABLE%20needs%3B--",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%201",
        "%E2%80%8B",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    values.push("9".repeat(3000));
    values.push("%E5%95%8A".repeat(1000));
    values
}

/// Text no field expects, as a JSON string's contents (already escaped).
fn hostile_strings() -> Vec<String> {
    vec![
        "a".repeat(100_000),
        "啊".repeat(20_000),
        "e\\u0301".repeat(2_000),
        "\\u202Eevil\\u202C".into(),
        "\\ud800".into(),
        "x\\udc00y".into(),
        "\\u200b\\u200b\\ufeff".into(),
        "😀👨‍👩‍👧‍👦🏳️‍🌈".into(),
        "a\\u0000b".into(),
        "\\u0001\\u001f\\u007f\\u0085".into(),
        "' OR '1'='1' --".into(),
        "1; DROP TABLE needs; --".into(),
        "<script>alert(1)</script>".into(),
        "\\\"><img src=x onerror=alert(1)>".into(),
        "${jndi:ldap://x/a}".into(),
        "{{7*7}}".into(),
        "../../../../etc/passwd".into(),
        "%00%0d%0a".into(),
        String::new(),
        " ".into(),
        "\\u3000\\u00a0".into(),
        "\\uE000\\uFFFF".into(),
        "110105194912310021".into(),
        "13800138000".into(),
    ]
}

/// JSON values of the wrong type or out of every range, as JSON text.
fn hostile_json_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "null",
        "true",
        "[]",
        "{}",
        "[1,\"a\",null]",
        "{\"a\":{\"b\":[]}}",
        "\"1\"",
        "-1",
        "0",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999999999",
        "1e309",
        "-1e309",
        "1.5",
        "2.0",
        "1e2",
        "-0",
        "4294967296",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    values.extend(hostile_strings().into_iter().map(|s| format!("\"{s}\"")));
    values
}

/// Query values of the wrong type, overlong, with control characters or injection-looking
/// text, percent-encoded as sent.
fn hostile_query_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        "abc",
        "-1",
        "0",
        "1.5",
        "1e309",
        "9223372036854775808",
        "-9223372036854775809",
        "NaN",
        "maybe",
        "%00",
        "a%00b",
        "%01%1F%7F",
        "%FF",
        "%ED%A0%80",
        "%E2%80%AE",
        "%E2%80%8B",
        "%F0%9F%98%80",
        "%27%20OR%20%271%27%3D%271",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D",
        "%2E%2E%2F%2E%2E%2F",
        "%20%20",
        "true%26admin%3Dtrue",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    values.push("9".repeat(4000));
    values.push(utf8_percent_encode(&"啊".repeat(500), NON_ALPHANUMERIC).to_string());
    values
}

/// The API document's schema at `schema`, `$ref`s followed.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

/// The properties of an object schema (through `allOf`, and the first of `oneOf`).
fn properties(doc: &Value, schema: &Value) -> BTreeMap<String, Value> {
    let schema = resolve(doc, schema);
    let mut found = BTreeMap::new();
    if let Some(props) = schema["properties"].as_object() {
        for (name, property) in props {
            found.insert(name.clone(), property.clone());
        }
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        found.extend(properties(doc, part));
    }
    if let Some(first) = schema["oneOf"].as_array().and_then(|o| o.first()) {
        found.extend(properties(doc, first));
    }
    found
}

/// A plausible value for `schema`: what a client would send, so that a request with one field
/// made hostile gets as far as that field's validation.
fn plausible(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    if let Some(one) = schema["oneOf"].as_array().and_then(|o| o.first()) {
        return plausible(doc, one, depth);
    }
    if schema["allOf"].is_array() || schema["properties"].is_object() {
        if depth > 4 {
            return json!({});
        }
        let mut object = serde_json::Map::new();
        for (name, property) in properties(doc, schema) {
            object.insert(name, plausible(doc, &property, depth + 1));
        }
        return Value::Object(object);
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let kind = types
        .iter()
        .find(|t| **t != "null")
        .copied()
        .unwrap_or("null");
    match kind {
        "integer" | "number" => json!(schema["minimum"].as_i64().unwrap_or(1).max(1)),
        "boolean" => json!(true),
        "array" if depth <= 4 => match &schema["items"] {
            Value::Null => json!([]),
            items => json!([plausible(doc, items, depth + 1)]),
        },
        "array" => json!([]),
        "object" => json!({}),
        "string" => json!(plausible_string(schema)),
        _ => Value::Null,
    }
}

fn plausible_string(schema: &Value) -> String {
    let pattern = schema["pattern"].as_str().unwrap_or("");
    let format = schema["format"].as_str().unwrap_or("");
    let text = if pattern.starts_with("^[0-9]{2}(") || pattern == "^[0-9]{12}$" {
        "441426100200"
    } else if pattern.starts_with("^[0-9]{4}-") || format == "date" {
        "2027-06-01"
    } else if format == "date-time" {
        "2027-06-01T08:00:00Z"
    } else if format == "email" {
        "fuzz@example.com"
    } else if pattern.contains("1[3-9]") {
        "13800138000"
    } else if pattern.contains("zh-CN") {
        "zh-CN"
    } else if pattern.starts_with("^[0-9]{17}") {
        "11010519491231002X"
    } else if pattern.contains("A-HJ-NP") {
        "91330100799655058B"
    } else if pattern.contains("0-9a-f") {
        "0123456789abcdef0123456789abcdef"
    } else if pattern.contains("!-~") {
        "fuzz-key-1"
    } else {
        "村小学课桌椅 desks"
    };
    let max = schema["maxLength"].as_u64().unwrap_or(u64::MAX) as usize;
    text.chars().take(max.max(1)).collect()
}

/// One request of the pass.
#[derive(Debug, Clone)]
struct Case {
    kind: &'static str,
    method: Method,
    /// Path and query, as sent.
    target: String,
    content_type: Option<String>,
    body: Option<Vec<u8>>,
    headers: Vec<(String, Vec<u8>)>,
}

impl Case {
    fn new(kind: &'static str, method: &Method, target: String) -> Case {
        Case {
            kind,
            method: method.clone(),
            target,
            content_type: None,
            body: None,
            headers: Vec::new(),
        }
    }

    fn json(mut self, body: impl Into<Vec<u8>>) -> Case {
        self.content_type = Some("application/json".into());
        self.body = Some(body.into());
        self
    }

    fn with_body(mut self, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Case {
        self.content_type = content_type.map(str::to_owned);
        self.body = Some(body.into());
        self
    }

    fn header(mut self, name: &str, value: impl Into<Vec<u8>>) -> Case {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// What the failure list shows of it: the body cut short.
    fn describe(&self) -> String {
        let body = self.body.as_ref().map(|b| {
            let text = String::from_utf8_lossy(b);
            let cut: String = text.chars().take(160).collect();
            if cut.len() < text.len() {
                format!("{cut}… ({} bytes)", b.len())
            } else {
                cut
            }
        });
        let target: String = self.target.chars().take(200).collect();
        format!(
            "[{}] {} {target} content-type={:?} headers={:?} body={body:?}",
            self.kind,
            self.method,
            self.content_type,
            self.headers
                .iter()
                .map(|(n, v)| (
                    n.clone(),
                    String::from_utf8_lossy(v)
                        .chars()
                        .take(40)
                        .collect::<String>()
                ))
                .collect::<Vec<_>>(),
        )
    }
}

/// An operation of the document.
struct Operation {
    method: Method,
    template: String,
    /// Its path parameters' names.
    path_params: Vec<String>,
    /// Its query parameters: name and schema.
    query_params: Vec<(String, Value)>,
    headers: Vec<String>,
    /// Content types of its body, and the body's schema.
    body: Option<(Vec<String>, Value)>,
    documented: BTreeSet<u16>,
}

impl Operation {
    fn name(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// The path with every parameter `value` but `hostile` in `which`.
    fn path(&self, which: Option<&str>, hostile: &str) -> String {
        let mut path = self.template.clone();
        for name in &self.path_params {
            let value = if Some(name.as_str()) == which {
                hostile.to_owned()
            } else if name.contains("code") {
                "441426100200".to_owned()
            } else {
                "1".to_owned()
            };
            path = path.replace(&format!("{{{name}}}"), &value);
        }
        path
    }
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (template, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let params: Vec<&Value> = op["parameters"].as_array().into_iter().flatten().collect();
            let named = |place: &str| -> Vec<(String, Value)> {
                params
                    .iter()
                    .filter(|p| p["in"] == place)
                    .map(|p| (p["name"].as_str().unwrap().to_owned(), p["schema"].clone()))
                    .collect()
            };
            let body = op["requestBody"]["content"].as_object().map(|content| {
                let types: Vec<String> = content.keys().cloned().collect();
                let schema = content.values().next().unwrap()["schema"].clone();
                (types, schema)
            });
            operations.push(Operation {
                method,
                template: template.clone(),
                path_params: named("path").into_iter().map(|(n, _)| n).collect(),
                query_params: named("query"),
                headers: named("header").into_iter().map(|(n, _)| n).collect(),
                body,
                documented: op["responses"]
                    .as_object()
                    .expect("responses")
                    .keys()
                    .filter_map(|s| s.parse().ok())
                    .collect(),
            });
        }
    }
    operations
}

/// The hostile requests for `op`, drawn from `rng`.
fn cases(doc: &Value, op: &Operation, rng: &mut StdRng, max_json_bytes: usize) -> Vec<Case> {
    let mut cases = Vec::new();
    let m = &op.method;
    let plain = op.path(None, "");

    // Path parameters.
    let path_values = hostile_path_values();
    let path_cases = if op.path_params.is_empty() {
        0
    } else {
        PATH_CASES
    };
    for _ in 0..path_cases {
        let which = op.path_params.choose(rng).unwrap();
        let value = path_values.choose(rng).unwrap();
        cases.push(Case::new("path", m, op.path(Some(which), value)));
    }

    // Query strings: a hostile value, the same parameter twice with values that disagree, an
    // unknown parameter, a parameter with no value or no name.
    if !op.query_params.is_empty() {
        let values = hostile_query_values();
        for _ in 0..QUERY_CASES {
            let (name, _) = op.query_params.choose(rng).unwrap();
            let value = values.choose(rng).unwrap();
            cases.push(Case::new("query", m, format!("{plain}?{name}={value}")));
        }
        let (name, schema) = op.query_params.choose(rng).unwrap();
        let first = plausible(doc, schema, 0);
        let first = first.as_str().map_or(first.to_string(), str::to_owned);
        let first = utf8_percent_encode(&first, NON_ALPHANUMERIC);
        let second = values.choose(rng).unwrap();
        cases.push(Case::new(
            "query-repeated",
            m,
            format!("{plain}?{name}={first}&{name}={second}&{name}={first}"),
        ));
    }
    let odd_query = ["__unknown__=1", "=", "&&&", "%00=%00", "a[b][c]=1", "%FF=1"];
    cases.push(Case::new(
        "query-odd",
        m,
        format!("{plain}?{}", odd_query.choose(rng).unwrap()),
    ));

    // Headers the operation reads.
    for header in &op.headers {
        let values: [&[u8]; 5] = [b"", b"a b", &[0xff, 0xfe], b"\t", b"k\xe9y"];
        let long = "k".repeat(4000).into_bytes();
        let value = if rng.gen_bool(0.3) {
            long
        } else {
            values.choose(rng).unwrap().to_vec()
        };
        let mut case = Case::new("header", m, plain.clone()).header(header, value);
        if let Some((_, schema)) = &op.body {
            case = case.json(plausible(doc, schema, 0).to_string());
        }
        cases.push(case);
    }

    // Bodies.
    let Some((types, schema)) = &op.body else {
        return cases;
    };
    if !types.iter().any(|t| t == "application/json") {
        // An upload of bytes (a photo): bytes that are no picture, JSON, nothing.
        let content_type = types[0].as_str();
        let garbage: Vec<u8> = (0..2048).map(|_| rng.r#gen::<u8>()).collect();
        cases.push(Case::new("upload", m, plain.clone()).with_body(Some(content_type), garbage));
        cases.push(Case::new("upload", m, plain.clone()).with_body(Some(content_type), Vec::new()));
        cases.push(Case::new("upload", m, plain.clone()).with_body(
            Some(content_type),
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec(),
        ));
        cases.push(Case::new("upload", m, plain.clone()).json("{\"photo\": \"x\"}"));
        return cases;
    }
    let baseline = plausible(doc, schema, 0);

    let malformed = [
        "{",
        "{\"a\":",
        "[1,2",
        "nul",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "{'a': 1}",
        "\u{feff}{}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"\n\"}",
        "NaN",
    ];
    cases.push(Case::new("malformed", m, plain.clone()).json(*malformed.choose(rng).unwrap()));
    cases.push(Case::new("malformed", m, plain.clone()).json(vec![0xff, 0xfe, b'{', b'}']));
    cases.push(Case::new("malformed", m, plain.clone()).json(Vec::new()));

    let depth = 10_000;
    let nested = if rng.gen_bool(0.5) {
        format!("{}{}", "[".repeat(depth), "]".repeat(depth))
    } else {
        format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
    };
    cases.push(Case::new("nested", m, plain.clone()).json(nested));

    let oversized = format!("{{\"a\":\"{}\"}}", "x".repeat(max_json_bytes + 1));
    cases.push(Case::new("oversized", m, plain.clone()).json(oversized));

    let wrong_types = [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
        "application/jsonx",
    ];
    let content_type = wrong_types.choose(rng).unwrap();
    cases.push(
        Case::new("content-type", m, plain.clone())
            .with_body(Some(content_type), baseline.to_string()),
    );
    cases.push(Case::new("content-type", m, plain.clone()).with_body(None, baseline.to_string()));

    let top = ["null", "[]", "1", "\"{}\"", "true", "[{}]"];
    cases.push(Case::new("top-level", m, plain.clone()).json(*top.choose(rng).unwrap()));

    // One property at a time made hostile (or one inside it), the others as a client would send
    // them; a property given twice; a property the body does not have.
    let props: Vec<String> = baseline
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let values = hostile_json_values();
    // A string the baseline's serialisation writes one way, replaced by raw JSON text.
    const HOLE: &str = "\u{1}fuzz\u{1}";
    const HOLE_JSON: &str = "\"\\u0001fuzz\\u0001\"";
    let property_cases = if props.is_empty() { 0 } else { PROPERTY_CASES };
    for _ in 0..property_cases {
        let name = props.choose(rng).unwrap();
        let mut body = baseline.clone();
        dig_hole(&mut body[name.as_str()], HOLE, rng);
        let text = body
            .to_string()
            .replace(HOLE_JSON, values.choose(rng).unwrap());
        assert!(
            !text.contains("fuzz\\u0001"),
            "the hole was left unfilled: {text}"
        );
        cases.push(Case::new("property", m, plain.clone()).json(text));
    }
    if let Some(name) = props.choose(rng) {
        let text = baseline.to_string();
        let twice = format!(
            "{{\"{name}\":{},{}",
            values.choose(rng).unwrap(),
            &text[1..]
        );
        cases.push(Case::new("property-twice", m, plain.clone()).json(twice));
    }
    let mut extra = baseline.clone();
    if let Some(object) = extra.as_object_mut() {
        object.insert("__unknown__\u{0}\u{202e}".into(), json!(1));
    }
    cases.push(Case::new("property-unknown", m, plain.clone()).json(extra.to_string()));
    cases.push(Case::new("plausible", m, plain.clone()).json(baseline.to_string()));
    cases
}

/// Puts `hole` in place of `value` or, half the time, of something inside it (a property of
/// an object, an item of a list), so that nested fields are reached too.
fn dig_hole(value: &mut Value, hole: &str, rng: &mut StdRng) {
    let descend = rng.gen_bool(0.5);
    match value {
        Value::Object(object) if descend && !object.is_empty() => {
            let keys: Vec<String> = object.keys().cloned().collect();
            let key = keys.choose(rng).unwrap();
            dig_hole(object.get_mut(key).unwrap(), hole, rng);
        }
        Value::Array(items) if descend && !items.is_empty() => {
            dig_hole(&mut items[0], hole, rng);
        }
        _ => *value = Value::String(hole.into()),
    }
}

/// Who sends the requests.
struct Caller {
    name: &'static str,
    /// The demo account's name, for signing in again.
    demo: Option<&'static str>,
    client: reqwest::Client,
    csrf_token: Option<String>,
}

impl Caller {
    fn anonymous() -> Caller {
        Caller {
            name: "visitor",
            demo: None,
            client: client(),
            csrf_token: None,
        }
    }

    async fn demo(app: &TestApp, who: &'static str) -> Caller {
        let session = app.login_demo(who).await;
        Caller {
            name: who,
            demo: Some(who),
            client: session.client,
            csrf_token: Some(session.csrf_token),
        }
    }

    async fn send(
        &self,
        app: &TestApp,
        case: &Case,
    ) -> Result<(u16, Option<String>, Vec<u8>), String> {
        let mut request = self
            .client
            .request(case.method.clone(), app.url(&case.target))
            .timeout(Duration::from_secs(30));
        if let Some(token) = &self.csrf_token {
            request = request.header("x-csrf-token", token);
        }
        if let Some(content_type) = &case.content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        for (name, value) in &case.headers {
            let Ok(value) = HeaderValue::from_bytes(value) else {
                // Not sendable as a header at all (a control character): nothing to ask.
                return Err(String::new());
            };
            request = request.header(name, value);
        }
        if let Some(body) = &case.body {
            request = request.body(body.clone());
        }
        let response = request.send().await.map_err(|e| format!("{e:?}"))?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.map_err(|e| format!("{e:?}"))?;
        Ok((status, content_type, body.to_vec()))
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What is wrong with an answer, if anything.
fn judge(op: &Operation, status: u16, content_type: Option<&str>, body: &[u8]) -> Option<String> {
    if status >= 500 {
        return Some(format!("{status}: {}", String::from_utf8_lossy(body)));
    }
    if !op.documented.contains(&status) {
        return Some(format!(
            "{status} is not among the documented {:?}: {}",
            op.documented,
            String::from_utf8_lossy(body)
                .chars()
                .take(300)
                .collect::<String>()
        ));
    }
    if (400..500).contains(&status) {
        if !content_type.is_some_and(|t| t.starts_with("application/json")) {
            return Some(format!("{status} answered as {content_type:?}"));
        }
        let Ok(body) = serde_json::from_slice::<Value>(body) else {
            return Some(format!("{status} with a body that is not JSON"));
        };
        let error = &body["error"];
        let shaped = body.as_object().is_some_and(|o| o.len() == 1)
            && error["code"].as_str().is_some_and(|c| {
                !c.is_empty() && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            })
            && error["message"].as_str().is_some_and(|m| !m.is_empty())
            && error.as_object().is_some_and(|o| {
                o.keys()
                    .all(|k| ["code", "message", "fields", "details"].contains(&k.as_str()))
            })
            && (error.get("fields").is_none() || error["fields"].is_object());
        if !shaped {
            return Some(format!(
                "{status} with a body not of the error shape: {body}"
            ));
        }
    }
    None
}

fn seed(name: &str) -> u64 {
    // FNV-1a: a seed per operation and caller, the same on every run and platform.
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Panics anywhere in the process (the server runs in it), with their messages.
fn count_panics() -> Arc<Mutex<Vec<String>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        record.lock().unwrap().push(info.to_string());
        previous(info);
    }));
    seen
}

crate::db_test! {
    async fn hostile_requests_to_every_documented_operation_get_a_documented_answer(backend: Backend) {
        let panics = count_panics();
        let app = TestApp::spawn_with(backend, |s| {
            // The limits stay on, raised so that the pass reaches more than their first answers.
            s.policy.pledge_rate_per_hour = 10_000;
            s.policy.order_rate_per_hour = 10_000;
            s.policy.pledge_max_open = 1_000;
            s.policy.order_max_open = 1_000;
            s.server.export_rate_per_hour = 10_000;
        })
        .await;
        duijie::demo::seed(&app.db, &test_sealer()).await.expect("seeding the demo");
        let max_json_bytes = app.state.settings.server.max_json_bytes;
        let doc: Value = app
            .get("/api/v1/openapi.json")
            .await
            .json()
            .await
            .expect("the API document");
        let operations = operations(&doc);
        assert!(operations.len() > 100, "the document lists {} operations", operations.len());

        let mut callers = [
            Caller::anonymous(),
            Caller::demo(&app, "admin").await,
            Caller::demo(&app, "cadre").await,
        ];
        let started = std::time::Instant::now();
        let mut by_class: BTreeMap<u16, u64> = BTreeMap::new();
        let mut by_status: BTreeMap<(&str, u16), u64> = BTreeMap::new();
        let mut unsendable = 0u64;
        let mut cut_short = 0u64;
        let mut signed_in_again = 0u64;
        let mut failures: BTreeMap<String, (u64, String)> = BTreeMap::new();
        for op in &operations {
            for caller in callers.iter_mut() {
                let mut rng = StdRng::seed_from_u64(seed(&format!("{} {}", op.name(), caller.name)));
                let mut cases = cases(&doc, op, &mut rng, max_json_bytes);
                if caller.demo.is_none() {
                    cases.push(
                        Case::new("authorization", &op.method, op.path(None, ""))
                            .header("authorization", b"Bearer \xffnot-a-token".to_vec()),
                    );
                    cases.push(
                        Case::new("authorization", &op.method, op.path(None, ""))
                            .header("authorization", "Basic ".to_owned() + &"A".repeat(3000)),
                    );
                }
                for case in &cases {
                    let outcome = caller.send(&app, case).await;
                    let finding = match outcome {
                        Err(e) if e.is_empty() => {
                            unsendable += 1;
                            continue;
                        }
                        Err(_) if case.kind == "oversized" => {
                            // The server may answer 413 and close before the client has
                            // written the whole body: the client sees a reset, not the answer.
                            cut_short += 1;
                            None
                        }
                        Err(e) => Some(format!("no answer: {e}")),
                        Ok((status, content_type, body)) => {
                            *by_class.entry(status / 100).or_default() += 1;
                            *by_status.entry((caller.name, status)).or_default() += 1;
                            judge(op, status, content_type.as_deref(), &body)
                        }
                    };
                    if let Some(finding) = finding {
                        let key = format!("{} as {}: {}", op.name(), caller.name, finding.chars().take(160).collect::<String>());
                        let entry = failures.entry(key).or_insert((0, case.describe()));
                        entry.0 += 1;
                    }
                }
                // A request may have signed the caller out (`logout`, revoking sessions): sign
                // in again, so that the next operation is still tried as them.
                if let Some(who) = caller.demo {
                    let me = caller.send(&app, &Case::new("me", &Method::GET, "/api/v1/me".into())).await;
                    if !matches!(me, Ok((200, _, _))) {
                        *caller = Caller::demo(&app, who).await;
                        signed_in_again += 1;
                    }
                }
            }
        }
        let elapsed = started.elapsed();
        let total: u64 = by_class.values().sum();
        let mut summary = format!(
            "fuzz ({backend:?}): {total} requests to {} operations as 3 callers in {:.1} s:",
            operations.len(),
            elapsed.as_secs_f64()
        );
        for (class, count) in &by_class {
            let _ = write!(summary, " {class}xx {count},");
        }
        let _ = write!(
            summary,
            " {cut_short} oversized bodies cut short by the server, {unsendable} unsendable, \
             {signed_in_again} signed in again, {} findings",
            failures.len()
        );
        println!("{summary}");
        println!("fuzz ({backend:?}): by caller and status: {by_status:?}");
        if let Some(path) = std::env::var_os("DUIJIE_HOSTILE_REPORT") {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
            file.write_all(format!("{summary}\n").as_bytes()).unwrap();
        }
        let panicked = panics.lock().unwrap().clone();
        let mut report = String::new();
        for (key, (count, example)) in &failures {
            let _ = writeln!(report, "- {key} ({count}×), e.g. {example}");
        }
        assert!(failures.is_empty() && panicked.is_empty(), "{summary}\n{report}\npanics: {panicked:#?}");
        app.stop().await;
    }
}

/// The pass's judge refuses what the pass must never see (so that a pass with no findings
/// means something).
#[test]
fn the_judge_refuses_server_errors_undocumented_statuses_and_other_error_shapes() {
    let op = Operation {
        method: Method::GET,
        template: "/api/v1/needs/{id}".into(),
        path_params: vec!["id".into()],
        query_params: vec![],
        headers: vec![],
        body: None,
        documented: [200, 400, 404, 500].into_iter().collect(),
    };
    let json = Some("application/json");
    let error = br#"{"error":{"code":"not_found","message":"no such need"}}"#;
    assert_eq!(judge(&op, 404, json, error), None);
    assert_eq!(judge(&op, 200, json, b"{}"), None);
    assert!(
        judge(
            &op,
            500,
            json,
            br#"{"error":{"code":"internal","message":"x"}}"#
        )
        .is_some()
    );
    assert!(
        judge(
            &op,
            403,
            json,
            br#"{"error":{"code":"forbidden","message":"x"}}"#
        )
        .is_some()
    );
    assert!(judge(&op, 400, Some("text/plain"), b"Json deserialize error").is_some());
    assert!(judge(&op, 400, json, br#"{"message":"bad"}"#).is_some());
    assert!(judge(&op, 400, json, br#"{"error":{"code":"","message":"x"}}"#).is_some());
    assert!(judge(&op, 400, json, br#"{"error":{"code":"x","message":""}}"#).is_some());
    assert!(
        judge(
            &op,
            400,
            json,
            br#"{"error":{"code":"x","message":"y"},"trace":1}"#
        )
        .is_some()
    );
}
