//! The handful of `/rest/api/2` resources align-link checks: myself, user,
//! serverInfo, mypermissions, project and search (JQL `project = KEY` only).

use super::accounts::{not_authenticated, rest_caller};
use super::http::{rest_error, Ctx, Req, Resp};
use super::state::{State, User};
use crate::time::jira_time;
use serde_json::{json, Value};

const VERSION: &str = "9.12.2";
const BUILD_NUMBER: u64 = 9_120_002;
const PROJECT_ID: &str = "10000";

pub(crate) fn route(st: &mut State, ctx: &Ctx, req: &Req) -> Resp {
    let user = match rest_caller(st, ctx, req) {
        Ok(c) => c.map(|c| c.username),
        Err(resp) => return resp,
    };
    let caller = user.as_deref();
    // `latest` is Jira's alias of version 2; the agile board list lives beside it.
    let rest = req.path.strip_prefix("/rest/").unwrap_or("");
    let (area, rest) = match rest
        .split_once('/')
        .and_then(|(a, r)| Some((a, r.split_once('/')?)))
    {
        Some(("api", ("2" | "latest", rest))) => ("api", rest),
        Some(("agile", ("1.0", rest))) => ("agile", rest),
        _ => ("", ""),
    };
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let resp = match (area, req.method.as_str(), segs.as_slice()) {
        ("agile", "GET", ["board"]) => boards(st, ctx, caller, req),
        ("agile", _, _) => rest_error(404, "null for uri: the stand-in has no such resource"),
        (_, "GET", ["myself"]) => match caller.and_then(|u| st.user(u)) {
            Some(u) => {
                let mut me = user_json(ctx, u);
                me["timeZone"] = json!("Etc/UTC");
                me["locale"] = json!("en_US");
                Resp::json(200, &me)
            }
            None => not_authenticated(),
        },
        // Jira's UserResource: any signed-in user with Browse Users (administrators
        // have it) reads a user by name, inactive ones included; 404 when absent.
        (_, "GET", ["user"]) if caller.and_then(|u| st.user(u)).is_some() => {
            let name = req.query_param("username").unwrap_or_default();
            match st.user(&name) {
                Some(u) => Resp::json(200, &user_json(ctx, u)),
                None => rest_error(404, &format!("The user named '{name}' does not exist")),
            }
        }
        (_, "GET", ["user"]) => not_authenticated(),
        (_, "GET", ["serverInfo"]) => {
            let (version, numbers, build) = if st.config.jira_6_4 {
                ("6.4.14", [6, 4, 14], 64029)
            } else {
                (VERSION, [9, 12, 2], BUILD_NUMBER)
            };
            Resp::json(
                200,
                &json!({
                    "baseUrl": ctx.base,
                    "version": version,
                    "versionNumbers": numbers,
                    "deploymentType": "Server",
                    "buildNumber": build,
                    "buildDate": "2024-01-30T00:00:00.000+0000",
                    "serverTime": jira_time(ctx.now),
                    "scmInfo": "stand-in",
                    "serverTitle": "Jira stand-in",
                }),
            )
        }
        (_, "GET", ["mypermissions"]) => my_permissions(st, caller, req),
        // Jira's FieldResource: the system fields every caller may search by
        // (clients such as pycontribs `jira` read it before a search).
        (_, "GET", ["field"]) => Resp::json(200, &fields()),
        (_, "GET", ["project"]) => {
            let visible = can_browse(st, caller).then(|| project_json(st, ctx));
            Resp::json(200, &Value::Array(visible.into_iter().collect()))
        }
        (_, "GET", ["project", key]) => {
            let known = key.eq_ignore_ascii_case(&st.project_key) || *key == PROJECT_ID;
            if known && can_browse(st, caller) {
                Resp::json(200, &project_json(st, ctx))
            } else {
                // Jira does not reveal projects the caller may not see.
                rest_error(404, &format!("No project could be found with key '{key}'."))
            }
        }
        (_, "GET", ["search"]) => {
            let num = |name: &str| req.query_param(name).and_then(|v| v.parse::<usize>().ok());
            let page = (num("startAt"), num("maxResults"));
            search(st, ctx, caller, req.query_param("jql").as_deref(), page)
        }
        (_, "POST", ["search"]) => match req.json_body() {
            Some(body) => {
                let num = |name: &str| body[name].as_u64().map(|n| n as usize);
                let page = (num("startAt"), num("maxResults"));
                search(st, ctx, caller, body["jql"].as_str(), page)
            }
            None => rest_error(400, "The search request must be a JSON object."),
        },
        (_, _, ["myself" | "user" | "serverInfo" | "mypermissions" | "search" | "field"])
        | (_, _, ["project", ..]) => Resp::empty(405),
        _ => rest_error(404, "null for uri: the stand-in has no such resource"),
    };
    resp.with_header("X-AUSERNAME", user.unwrap_or_else(|| "anonymous".into()))
}

fn user_json(ctx: &Ctx, u: &User) -> Value {
    json!({
        "self": format!("{}/rest/api/2/user?username={}", ctx.base, u.username),
        "key": u.username,
        "name": u.username,
        "emailAddress": u.email,
        "displayName": u.display_name,
        "active": u.active,
    })
}

/// The system fields, shaped as Jira's FieldResource gives them.
fn fields() -> Value {
    let field = |id: &str, name: &str, schema_type: &str, navigable: bool| {
        json!({
            "id": id, "key": id, "name": name, "custom": false, "orderable": true,
            "navigable": navigable, "searchable": true,
            "clauseNames": [id],
            "schema": {"type": schema_type, "system": id},
        })
    };
    Value::Array(vec![
        field("summary", "Summary", "string", true),
        field("description", "Description", "string", true),
        field("issuetype", "Issue Type", "issuetype", true),
        field("project", "Project", "project", true),
        field("status", "Status", "status", true),
        field("priority", "Priority", "priority", true),
        field("assignee", "Assignee", "user", true),
        field("reporter", "Reporter", "user", true),
        field("labels", "Labels", "array", true),
        field("created", "Created", "datetime", true),
        field("updated", "Updated", "datetime", true),
    ])
}

fn can_browse(st: &State, user: Option<&str>) -> bool {
    user.and_then(|u| st.user(u)).is_some_and(|u| u.browse)
}

fn project_json(st: &State, ctx: &Ctx) -> Value {
    json!({
        "self": format!("{}/rest/api/2/project/{PROJECT_ID}", ctx.base),
        "id": PROJECT_ID,
        "key": st.project_key,
        "name": st.project_name,
        "description": "Seeded by the Jira stand-in for sync tests.",
        "lead": {"name": "admin", "displayName": "Jira Administrator"},
        "projectTypeKey": "software",
        "archived": false,
    })
}

fn my_permissions(st: &State, user: Option<&str>, req: &Req) -> Resp {
    let Some(wanted) = req
        .query_param("permissions")
        .filter(|p| !p.trim().is_empty())
    else {
        return rest_error(400, "The 'permissions' query parameter is required.");
    };
    if let Some(key) = req.query_param("projectKey") {
        if !key.eq_ignore_ascii_case(&st.project_key) || !can_browse(st, user) {
            return rest_error(404, &format!("No project could be found with key '{key}'."));
        }
    }
    let u = user.and_then(|u| st.user(u));
    let admin = u.is_some_and(|u| u.admin);
    let browse = u.is_some_and(|u| u.browse);
    let mut out = serde_json::Map::new();
    for key in wanted.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let (id, name, kind, have) = match key {
            "ADMINISTER" => ("0", "Jira Administrators", "GLOBAL", admin),
            "SYSTEM_ADMIN" => ("44", "Jira System Administrators", "GLOBAL", admin),
            "BROWSE_PROJECTS" => ("10", "Browse Projects", "PROJECT", browse),
            "CREATE_ISSUES" => ("11", "Create Issues", "PROJECT", browse),
            _ => return rest_error(400, &format!("No permission with key '{key}' exists.")),
        };
        let permission = json!({"id": id, "key": key, "name": name, "type": kind,
            "description": name, "havePermission": have});
        out.insert(key.to_string(), permission);
    }
    Resp::json(200, &json!({ "permissions": out }))
}

/// One scrum board on the test project, visible to those who can browse it.
fn boards(st: &State, ctx: &Ctx, user: Option<&str>, req: &Req) -> Resp {
    if user.is_none() {
        return not_authenticated();
    }
    let wanted = req.query_param("projectKeyOrId");
    let matches = wanted
        .as_deref()
        .is_none_or(|k| k.eq_ignore_ascii_case(&st.project_key) || k == PROJECT_ID);
    let location = json!({"projectId": 10000, "projectKey": st.project_key,
        "projectName": st.project_name});
    let board = json!({
        "id": 1,
        "self": format!("{}/rest/agile/1.0/board/1", ctx.base),
        "name": format!("{} board", st.project_key),
        "type": "scrum",
        "location": location,
    });
    let values: Vec<Value> = (matches && can_browse(st, user))
        .then_some(board)
        .into_iter()
        .collect();
    let total = values.len();
    let body =
        json!({"maxResults": 50, "startAt": 0, "total": total, "isLast": true, "values": values});
    Resp::json(200, &body)
}

/// The project key of `project = KEY` (quotes allowed, `ORDER BY` ignored).
fn project_of_jql(jql: &str) -> Option<String> {
    let lower = jql.to_ascii_lowercase();
    let clause = match lower.find("order by") {
        Some(i) => &jql[..i],
        None => jql,
    }
    .trim();
    if !clause.get(..7)?.eq_ignore_ascii_case("project") {
        return None;
    }
    let value = clause[7..].trim_start().strip_prefix('=')?.trim();
    let key = value.trim_matches(|c| c == '"' || c == '\'');
    let ok = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| key.to_string())
}

/// `page` is the `startAt` and `maxResults` asked for.
fn search(
    st: &State,
    ctx: &Ctx,
    user: Option<&str>,
    jql: Option<&str>,
    page: (Option<usize>, Option<usize>),
) -> Resp {
    let visible = can_browse(st, user);
    let matching = match jql.map(str::trim).filter(|j| !j.is_empty()) {
        None => visible,
        Some(jql) => match project_of_jql(jql) {
            Some(key) if key.eq_ignore_ascii_case(&st.project_key) && visible => true,
            Some(key) => {
                let unknown = format!("The value '{key}' does not exist for the field 'project'.");
                return rest_error(400, &unknown);
            }
            None => {
                let not_understood = format!(
                    "Error in the JQL Query: the stand-in only understands 'project = KEY', \
                     not '{jql}'."
                );
                return rest_error(400, &not_understood);
            }
        },
    };
    let start_at = page.0.unwrap_or(0);
    let max_results = page.1.unwrap_or(50).min(1000);
    let project = json!({"id": PROJECT_ID, "key": st.project_key, "name": st.project_name});
    let issues = st.issues.iter().enumerate().filter(|_| matching);
    let all: Vec<Value> = issues
        .map(|(i, (key, summary))| {
            let id = (10_001 + i).to_string();
            let issue_type = if i == 0 { "Epic" } else { "Story" };
            json!({
                "id": id,
                "self": format!("{}/rest/api/2/issue/{id}", ctx.base),
                "key": key,
                "fields": {
                    "summary": summary,
                    "status": {"name": "To Do"},
                    "issuetype": {"name": issue_type},
                    "project": project,
                }
            })
        })
        .collect();
    let total = all.len();
    let page: Vec<Value> = all.into_iter().skip(start_at).take(max_results).collect();
    let body =
        json!({"startAt": start_at, "maxResults": max_results, "total": total, "issues": page});
    Resp::json(200, &body)
}

#[cfg(test)]
mod tests {
    use super::project_of_jql;

    #[test]
    fn only_project_clauses_are_understood() {
        assert_eq!(project_of_jql("project = ALIGN").as_deref(), Some("ALIGN"));
        assert_eq!(
            project_of_jql("project=\"ALIGN\"").as_deref(),
            Some("ALIGN")
        );
        assert_eq!(
            project_of_jql("PROJECT = ALIGN ORDER BY key").as_deref(),
            Some("ALIGN")
        );
        assert_eq!(project_of_jql("projectx = 1"), None);
        assert_eq!(project_of_jql("assignee = admin"), None);
        assert_eq!(project_of_jql("project = A OR project = B"), None);
    }
}
