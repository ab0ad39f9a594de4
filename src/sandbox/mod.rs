pub mod jira;
