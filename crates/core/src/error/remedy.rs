//! What to do about each `oauth_problem`: step 13 stores the consumer key and public
//! key on Jira's application link; step 17 gets and approves the access token.

use percent_encoding::percent_decode_str;

use crate::oauth::{problems, proxy, OAuthProblem, ProblemContext};
use crate::util::time::{unix_now, utc_text};

pub fn remedy(problem: &OAuthProblem, ctx: &ProblemContext) -> String {
    let p = &problem.params;
    let fixed = problems::find(&problem.problem).and_then(|known| known.fix.clone());
    let mut text = fixed.unwrap_or_else(|| match problem.problem.as_str() {
        "signature_invalid" => signature_invalid(problem, ctx),
        "timestamp_refused" => timestamp_refused(problem, ctx),
        "consumer_key_unknown" => consumer_key_unknown(ctx),
        "signature_method_rejected" => format!(
            "Jira's application links accept only RSA-SHA1, which align-link always sends{}. \
             If this persists, check that no proxy rewrites the Authorization header, and rerun \
             step 13 so the link holds align-link's public key.",
            accepts(p, "oauth_acceptable_signature_methods")
        ),
        "version_rejected" => format!(
            "align-link sends oauth_version=\"1.0\", which Jira accepts{}; something between us \
             (a proxy or another client) changed the request. Check the path to Jira and retry.",
            accepts(p, "oauth_acceptable_versions")
        ),
        "parameter_absent" => parameters(problem, true),
        "parameter_rejected" => parameters(problem, false),
        other => format!(
            "Jira reported \"{other}\", which align-link does not know. Look in Jira's log \
             (atlassian-jira.log) at this time for OAuth messages, and check the application \
             link (rerun step 13 if in doubt).{}",
            extra_params(problem)
        ),
    });
    if let Some(advice) = p.get("oauth_problem_advice") {
        text.push_str(&format!("\nJira adds: {advice}"));
    }
    text
}

/// ` (Jira accepts: ...)` with the decoded list in `name`, or "" when absent.
fn accepts(p: &std::collections::BTreeMap<String, String>, name: &str) -> String {
    match p.get(name) {
        Some(value) if !value.is_empty() => {
            format!(" (Jira accepts: {})", split_names(value).join(", "))
        }
        _ => String::new(),
    }
}

/// net.oauth sends parameter lists percent-encoded and joined with `&`; accept
/// commas and spaces too.
fn split_names(value: &str) -> Vec<String> {
    value
        .split(['&', ',', ' '])
        .filter(|name| !name.is_empty())
        .map(decode)
        .collect()
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

fn extra_params(problem: &OAuthProblem) -> String {
    let shown: Vec<String> = problem
        .params
        .iter()
        .filter(|(name, _)| !name.contains("secret"))
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    if shown.is_empty() {
        String::new()
    } else {
        format!(" Jira also sent: {}.", shown.join(", "))
    }
}

/// `parameter_absent` or `parameter_rejected`: the names Jira lists, and what to do.
fn parameters(problem: &OAuthProblem, absent: bool) -> String {
    let (list, did, one) = match absent {
        true => (
            "oauth_parameters_absent",
            "missed",
            "a required OAuth parameter",
        ),
        false => (
            "oauth_parameters_rejected",
            "rejected",
            "an OAuth parameter",
        ),
    };
    let names = problem.params.get(list).map(|v| split_names(v));
    let names = names.unwrap_or_default();
    let named = |name: &str| names.iter().any(|n| n == name);
    let mut text = match names.is_empty() {
        true => format!("Jira {did} {one} but did not say which."),
        false => format!("Jira {did} these parameters: {}.", names.join(", ")),
    };
    if absent {
        text.push_str(
            " If every oauth_ parameter is missing, a proxy dropped the Authorization header: \
             make it pass the header through to Jira.",
        );
    }
    text.push_str(match absent {
        true if named("oauth_verifier") || named("oauth_token") => {
            " The token or verifier comes from the approval: rerun step 17."
        }
        true => " Retry; if it persists, rerun step 17.",
        false if named("oauth_callback") => {
            " The callback must be an absolute http(s) URL, or `oob` for none: fix the \
             callback URL and rerun step 17."
        }
        false => " Check the values named above and rerun step 17.",
    });
    text
}

fn signature_invalid(problem: &OAuthProblem, ctx: &ProblemContext) -> String {
    let mut text = String::from(
        "Jira checks a signature against the request as it received it (its scheme, host, port \
         and path, not Jira's configured base URL) and the public key on the application link. \
         So either something between align-link and Jira (a reverse proxy) changed the request, \
         or the link's public key is not the half of align-link's private key (rerun step 13 to \
         store it again). Jira's base string, when it sends one, shows which.",
    );
    if let Some(ours) = &ctx.jira_url {
        text.push_str(&format!("\nalign-link called {ours}."));
    }
    let theirs = problem.params.get("oauth_signature_base_string");
    if let Some(theirs) = theirs {
        text.push_str(&format!("\nJira's base string: {theirs}"));
    }
    if let Some(ours) = &ctx.our_base_string {
        text.push_str(&format!("\nOur base string:    {ours}"));
    }
    if let (Some(theirs), Some(ours)) = (theirs, &ctx.our_base_string) {
        text.push('\n');
        text.push_str(&compare_base_strings(ours, theirs));
    }
    text.push_str(&proxy::explain(theirs, ctx.our_base_string.as_deref()));
    text
}

pub fn compare_base_strings(ours: &str, theirs: &str) -> String {
    let split = |s: &str| -> (String, String, Vec<String>) {
        let mut parts = s.splitn(3, '&').map(decode);
        let mut next = || parts.next().unwrap_or_default();
        let (method, uri, params) = (next(), next(), next());
        let params = params.split('&').filter(|p| !p.is_empty()).map(decode);
        (method, uri, params.collect())
    };
    let (our_method, our_uri, our_params) = split(ours);
    let (their_method, their_uri, their_params) = split(theirs);
    let mut diffs = Vec::new();
    if our_method != their_method {
        diffs.push(format!(
            "Jira saw method {their_method}, we signed {our_method}."
        ));
    }
    if our_uri != their_uri {
        diffs.push(format!(
            "Jira received the request at {their_uri}, but align-link called {our_uri}: something \
             in between changed it. Make the proxy pass the original scheme, Host header and path \
             on to Jira, or call Jira at the address it receives."
        ));
    }
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|p| !b.contains(p)).cloned().collect()
    };
    let only_theirs = only(&their_params, &our_params);
    let only_ours = only(&our_params, &their_params);
    if !only_theirs.is_empty() || !only_ours.is_empty() {
        diffs.push(format!(
            "Parameters differ (a proxy may rewrite the query): only Jira has [{}], only we have [{}].",
            only_theirs.join(", "),
            only_ours.join(", ")
        ));
    }
    if diffs.is_empty() {
        "The base strings are identical, so the request arrived intact and the key is the \
         problem: the public key on the application link is not the half of align-link's \
         private key. Rerun step 13."
            .to_string()
    } else {
        diffs.join("\n")
    }
}

fn timestamp_refused(problem: &OAuthProblem, ctx: &ProblemContext) -> String {
    let mut text = String::from(
        "Jira accepts a request only when its timestamp is within a few minutes of Jira's clock.",
    );
    let range = problem
        .params
        .get("oauth_acceptable_timestamps")
        .and_then(|v| v.split_once('-'))
        .and_then(|(a, b)| Some((a.trim().parse::<i64>().ok()?, b.trim().parse::<i64>().ok()?)));
    if let Some((low, high)) = range {
        text.push_str(&format!(
            " Jira accepts timestamps from {low} to {high} ({} to {}).",
            utc_text(low),
            utc_text(high)
        ));
    }
    // Without a measurement, the middle of Jira's window is a fair guess of its clock.
    let skew = ctx.clock_skew_secs.or_else(|| {
        let (low, high) = range?;
        Some((low + high) / 2 - unix_now() as i64)
    });
    if let Some(skew) = skew {
        let measured = if ctx.clock_skew_secs.is_some() {
            "measured"
        } else {
            "estimated"
        };
        let direction = if skew >= 0 { "ahead of" } else { "behind" };
        text.push_str(&format!(
            " Jira's clock is {} seconds {direction} this machine's ({measured}).",
            skew.unsigned_abs()
        ));
    }
    text.push_str(
        " Synchronise the clocks of this machine and of Jira with NTP (e.g. `timedatectl \
         set-ntp true`), then retry.",
    );
    text
}

fn consumer_key_unknown(ctx: &ProblemContext) -> String {
    let mut text = match &ctx.consumer_key_sent {
        Some(sent) => format!(
            "No application link in Jira has the incoming consumer key \"{sent}\" that \
             align-link sent."
        ),
        None => "No application link in Jira has the consumer key align-link sent.".to_string(),
    };
    if let Some(on_link) = &ctx.consumer_key_on_link {
        text.push_str(&format!(" The link holds \"{on_link}\""));
        match &ctx.consumer_key_sent {
            Some(sent) if sent.trim() == on_link.trim() && sent != on_link => {
                text.push_str(" (they differ only in spaces around them).")
            }
            _ => text.push('.'),
        }
    }
    text.push_str(
        " Rerun step 13 to store the consumer key on the link (letters and digits only), and \
         use the same key in Jira Align.",
    );
    text
}
