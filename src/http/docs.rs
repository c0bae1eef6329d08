//! `/api`: the JSON API described for people, read from the same OpenAPI description that
//! `/api/v1/openapi.json` serves.

use askama::Template;
use askama_web::WebTemplate;
use serde_json::Value;
use std::sync::OnceLock;

pub struct Param {
    pub name: String,
    pub place: String,
    pub required: bool,
    pub description: String,
}

pub struct Operation {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub auth: bool,
    pub params: Vec<Param>,
    /// (status, what it means).
    pub responses: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "api.html")]
pub struct ApiPage {
    pub operations: &'static [Operation],
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or("").trim().to_string()
}

fn operations() -> &'static [Operation] {
    static OPERATIONS: OnceLock<Vec<Operation>> = OnceLock::new();
    OPERATIONS.get_or_init(|| {
        let spec = super::api::description("/api/v1");
        let mut out = Vec::new();
        for (path, item) in spec["paths"].as_object().into_iter().flatten() {
            for method in ["get", "post"] {
                let op = &item[method];
                if op.is_null() {
                    continue;
                }
                let summary = [text(&op["summary"]), text(&op["description"])]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n");
                let params = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| Param {
                        name: text(&p["name"]),
                        place: text(&p["in"]),
                        required: p["required"].as_bool().unwrap_or(false),
                        description: text(&p["description"]),
                    })
                    .collect();
                let responses = op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(status, r)| (status.clone(), text(&r["description"])))
                    .collect();
                out.push(Operation {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    summary,
                    auth: op["security"].is_array(),
                    params,
                    responses,
                });
            }
        }
        out
    })
}

pub async fn page() -> ApiPage {
    ApiPage {
        operations: operations(),
    }
}
