//! The work items and people Jira Align holds: seeded users, portfolios, programs,
//! teams and Features (enough of each for paging), and their JSON as REST API 2.0
//! returns it.

use serde_json::{json, Value};

/// Users besides Ada Admin, so that `Users` needs two pages.
const EXTRA_USERS: u32 = 150;
/// Features seeded before any sync, none of them from the test project.
const SEEDED_FEATURES: u32 = 250;
/// The project key some seeded Features carry: synced long ago by another connector.
pub const LEGACY_PROJECT_KEY: &str = "LEGACY";

pub(crate) struct User {
    pub id: u32,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub title: String,
    pub role: &'static str,
}

impl User {
    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "fullName": format!("{} {}", self.first_name, self.last_name),
            "email": self.email,
            "title": self.title,
            "role": self.role,
            "isLocked": false,
        })
    }
}

pub(crate) struct Portfolio {
    pub id: u32,
    pub title: &'static str,
}

impl Portfolio {
    pub fn json(&self) -> Value {
        json!({"id": self.id, "title": self.title, "isActive": true})
    }
}

pub(crate) struct Program {
    pub id: u32,
    pub title: &'static str,
    pub portfolio_id: u32,
}

impl Program {
    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "portfolioId": self.portfolio_id,
            "isSolution": false,
            "isActive": true,
        })
    }
}

pub(crate) struct Team {
    pub id: u32,
    pub title: String,
    pub program_id: u32,
}

impl Team {
    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "programId": self.program_id,
            "type": "Agile",
            "isActive": true,
        })
    }
}

pub(crate) struct Feature {
    pub id: u32,
    pub title: String,
    pub program_id: u32,
    pub state: &'static str,
    pub jira_project_key: Option<String>,
    pub external_key: Option<String>,
    /// The connector whose sync created it, if any.
    pub connector_id: Option<u32>,
}

impl Feature {
    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "programId": self.program_id,
            "primaryProgramId": self.program_id,
            "state": self.state,
            "type": "Feature",
            "jiraProjectKey": self.jira_project_key,
            "externalKey": self.external_key,
            "connectorId": self.connector_id,
        })
    }
}

pub(crate) struct Data {
    pub users: Vec<User>,
    pub portfolios: Vec<Portfolio>,
    pub programs: Vec<Program>,
    pub teams: Vec<Team>,
    pub features: Vec<Feature>,
}

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

impl Data {
    pub fn seeded() -> Data {
        let mut users = vec![User {
            id: 1,
            first_name: "Ada".into(),
            last_name: "Admin".into(),
            email: super::DEMO_USER_EMAIL.into(),
            title: "Jira Align Administrator".into(),
            role: "Super Admin",
        }];
        users.extend((0..EXTRA_USERS).map(|i| {
            let first = FIRST_NAMES[i as usize % FIRST_NAMES.len()];
            let last = LAST_NAMES[(i as usize / FIRST_NAMES.len()) % LAST_NAMES.len()];
            let id = i + 2;
            User {
                id,
                first_name: first.into(),
                last_name: last.into(),
                email: format!(
                    "{}.{}{id}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                title: TITLES[i as usize % TITLES.len()].into(),
                role: if i % 10 == 0 {
                    "Portfolio Admin"
                } else {
                    "User"
                },
            }
        }));
        let portfolios = vec![
            Portfolio {
                id: 1,
                title: "Digital Products Portfolio",
            },
            Portfolio {
                id: 2,
                title: "Core Systems Portfolio",
            },
            Portfolio {
                id: 3,
                title: "Corporate Portfolio",
            },
        ];
        let programs = vec![
            (1, "Mobile Program", 1),
            (2, "Platform Program", 2),
            (3, "Payments Program", 1),
            (4, "Data Program", 2),
            (5, "Security Program", 3),
            (6, "Web Program", 1),
        ]
        .into_iter()
        .map(|(id, title, portfolio_id)| Program {
            id,
            title,
            portfolio_id,
        })
        .collect::<Vec<_>>();
        let teams = (1..=12)
            .map(|id| Team {
                id,
                title: format!(
                    "Team {} {id}",
                    ["Alpha", "Beta", "Gamma", "Delta"][id as usize % 4]
                ),
                program_id: (id - 1) % programs.len() as u32 + 1,
            })
            .collect();
        let features = (1..=SEEDED_FEATURES)
            .map(|id| {
                let legacy = id % 5 == 0;
                Feature {
                    id,
                    title: format!(
                        "{} ({id})",
                        FEATURE_SUBJECTS[id as usize % FEATURE_SUBJECTS.len()]
                    ),
                    program_id: (id - 1) % programs.len() as u32 + 1,
                    state: STATES[id as usize % STATES.len()],
                    jira_project_key: legacy.then(|| LEGACY_PROJECT_KEY.to_string()),
                    external_key: legacy.then(|| format!("{LEGACY_PROJECT_KEY}-{}", id / 5)),
                    connector_id: None,
                }
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

    pub fn next_feature_id(&self) -> u32 {
        self.features.iter().map(|f| f.id).max().unwrap_or(0) + 1
    }

    /// A sync pass without a connector (the sandbox's): each issue of `project`
    /// a Feature of the first program, made once and updated after.
    pub fn store_synced(&mut self, project: &str, issues: &[(String, String)]) {
        let program_id = self.programs.first().map_or(1, |p| p.id);
        for (key, summary) in issues {
            let existing = self.features.iter_mut().find(|f| {
                f.jira_project_key.as_deref() == Some(project)
                    && f.external_key.as_deref() == Some(key)
            });
            if let Some(feature) = existing {
                feature.title = summary.clone();
                continue;
            }
            let id = self.next_feature_id();
            self.features.push(Feature {
                id,
                title: summary.clone(),
                program_id,
                state: "Not Started",
                jira_project_key: Some(project.to_string()),
                external_key: Some(key.clone()),
                connector_id: None,
            });
        }
    }
}
