//! The work items and people Jira Align holds, kept as REST API 2.0 returns them
//! (JSON objects, each with its `id`): seeded users, portfolios, programs, teams
//! and Features, enough of each for paging.

use serde_json::{json, Value};

/// The demo API 2.0 token, shaped like real ones (`user:<id>|<secret>`); its owner
/// is user 1, Ada Admin.
pub const DEMO_API_TOKEN: &str = "user:1|demo-align-api-token";
/// Ada Admin's email: with the API token, the Basic (`email:token`) credentials.
pub const DEMO_USER_EMAIL: &str = "ada@example.com";
/// Users besides Ada Admin, so that `Users` needs two pages.
const EXTRA_USERS: usize = 150;
/// Features seeded before any sync, none of them from the test project.
const SEEDED_FEATURES: u64 = 250;
/// The project key some seeded Features carry: synced long ago by another connector.
const LEGACY_PROJECT_KEY: &str = "LEGACY";

const FIRST_NAMES: [&str; 15] = [
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Frances",
    "John",
    "Margaret",
    "Ken",
    "Radia",
    "Dennis",
    "Hedy",
    "Tim",
    "Katherine",
    "Niklaus",
];
const LAST_NAMES: [&str; 10] = [
    "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Backus", "Hamilton", "Thompson",
    "Perlman",
];
const TITLES: [&str; 5] = [
    "Product Owner",
    "Release Train Engineer",
    "Scrum Master",
    "Developer",
    "Portfolio Manager",
];
const STATES: [&str; 4] = ["Not Started", "In Progress", "Pending Approval", "Accepted"];
const FEATURE_SUBJECTS: [&str; 10] = [
    "Sign-in with passkeys",
    "Offline mode",
    "Billing export",
    "Audit trail",
    "Search suggestions",
    "Dark theme",
    "Bulk import",
    "Usage dashboard",
    "Notification digest",
    "Data retention rules",
];
const PROGRAMS: [(&str, u64); 6] = [
    ("Mobile Program", 1),
    ("Platform Program", 2),
    ("Payments Program", 1),
    ("Data Program", 2),
    ("Security Program", 3),
    ("Web Program", 1),
];

#[derive(Default)]
pub(crate) struct Data {
    pub users: Vec<Value>,
    pub portfolios: Vec<Value>,
    pub programs: Vec<Value>,
    pub teams: Vec<Value>,
    pub features: Vec<Value>,
}

fn user(id: u32, first: &str, last: &str, email: &str, title: &str, role: &str) -> Value {
    json!({
        "id": id,
        "firstName": first,
        "lastName": last,
        "fullName": format!("{first} {last}"),
        "email": email,
        "title": title,
        "role": role,
        "isLocked": false,
    })
}

/// Seeded user `id` as the `users` collection holds it: 1 is Ada Admin, the
/// others are made from their id. Users never change, so one is answered without
/// seeding the rest (a setup's one Jira Align request reads only its own).
pub(crate) fn seeded_user(id: u32) -> Option<Value> {
    if id == 1 {
        let (title, role) = ("Jira Align Administrator", "Super Admin");
        return Some(user(1, "Ada", "Admin", DEMO_USER_EMAIL, title, role));
    }
    let i = (id as usize).checked_sub(2).filter(|&i| i < EXTRA_USERS)?;
    let first = FIRST_NAMES[i % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i / FIRST_NAMES.len()) % LAST_NAMES.len()];
    let email = format!("{first}.{last}{id}@example.com").to_lowercase();
    let role = if i % 10 == 0 {
        "Portfolio Admin"
    } else {
        "User"
    };
    Some(user(
        id,
        first,
        last,
        &email,
        TITLES[i % TITLES.len()],
        role,
    ))
}

impl Data {
    pub fn seeded() -> Data {
        let users = (1..).map_while(seeded_user).collect();
        let portfolios = ["Digital Products", "Core Systems", "Corporate"]
            .iter()
            .zip(1..)
            .map(|(name, id)| json!({"id": id, "title": format!("{name} Portfolio"), "isActive": true}))
            .collect();
        let programs = PROGRAMS
            .iter()
            .zip(1..)
            .map(|((title, portfolio_id), id)| {
                json!({"id": id, "title": title, "portfolioId": portfolio_id,
                    "isSolution": false, "isActive": true})
            })
            .collect();
        let program_of = |id: u64| (id - 1) % PROGRAMS.len() as u64 + 1;
        let teams = (1..=12)
            .map(|id| {
                let title = format!(
                    "Team {} {id}",
                    ["Alpha", "Beta", "Gamma", "Delta"][id as usize % 4]
                );
                json!({"id": id, "title": title, "programId": program_of(id),
                    "type": "Agile", "isActive": true})
            })
            .collect();
        let features = (1..=SEEDED_FEATURES)
            .map(|id| {
                let subject = FEATURE_SUBJECTS[id as usize % FEATURE_SUBJECTS.len()];
                let state = STATES[id as usize % STATES.len()];
                // Every fifth was synced long ago from the legacy project.
                let legacy = (id % 5 == 0).then(|| format!("{LEGACY_PROJECT_KEY}-{}", id / 5));
                let project = legacy.as_ref().map(|_| LEGACY_PROJECT_KEY);
                json!({"id": id, "title": format!("{subject} ({id})"), "programId": program_of(id),
                    "primaryProgramId": program_of(id), "state": state, "type": "Feature",
                    "jiraProjectKey": project, "externalKey": legacy, "connectorId": null})
            })
            .collect();
        Data {
            users,
            portfolios,
            programs,
            teams,
            features,
        }
    }

    /// The collection a resource's name (in lower case) stands for.
    pub fn collection(&self, resource: &str) -> Option<&Vec<Value>> {
        match resource {
            "users" => Some(&self.users),
            "portfolios" => Some(&self.portfolios),
            "programs" => Some(&self.programs),
            "teams" => Some(&self.teams),
            "features" => Some(&self.features),
            _ => None,
        }
    }

    /// One sync pass over `project`'s issues (key, summary): each becomes a
    /// Feature of `program_id`, made once and updated (title and program) after.
    /// Returns how many were made.
    pub fn store_synced(
        &mut self,
        project: &str,
        issues: &[(String, String)],
        program_id: u64,
        connector_id: Option<u32>,
    ) -> usize {
        let mut made = 0;
        for (key, summary) in issues {
            let existing = self
                .features
                .iter_mut()
                .find(|f| f["jiraProjectKey"] == project && f["externalKey"] == key.as_str());
            if let Some(f) = existing {
                f["title"] = json!(summary);
                f["programId"] = json!(program_id);
                f["primaryProgramId"] = json!(program_id);
                continue;
            }
            let ids = self.features.iter().filter_map(|f| f["id"].as_u64());
            let id = ids.max().unwrap_or(0) + 1;
            self.features
                .push(json!({"id": id, "title": summary, "programId": program_id,
                "primaryProgramId": program_id, "state": "Not Started", "type": "Feature",
                "jiraProjectKey": project, "externalKey": key, "connectorId": connector_id}));
            made += 1;
        }
        made
    }
}
