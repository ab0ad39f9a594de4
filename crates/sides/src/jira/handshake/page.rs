//! Jira's pages read with a real HTML parser (scraper): versions, proxies and skins
//! write the same form with any quoting, case, attribute order and entities.

use crate::util::text;
use reqwest::header::{HeaderMap, SET_COOKIE};
use scraper::{Html, Selector};

/// Set beside the `atl_token` form field.
pub const XSRF_COOKIE: &str = "atlassian.xsrf.token";

const QUOTED_CHARS: usize = 200;

pub struct Page {
    doc: Html,
}

impl Page {
    pub fn parse(html: &str) -> Page {
        Page {
            doc: Html::parse_document(html),
        }
    }

    /// An input without a value attribute has the empty value, as a browser submits it.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let inputs = Selector::parse("input").expect("a valid selector");
        self.doc
            .select(&inputs)
            .find(|input| input.value().attr("name") == Some(name))
            .map(|input| input.value().attr("value").unwrap_or_default().to_string())
    }

    pub fn text_of_id(&self, id: &str) -> Option<String> {
        let with_id = Selector::parse("[id]").expect("a valid selector");
        let element = self
            .doc
            .select(&with_id)
            .find(|element| element.value().id() == Some(id))?;
        let text = element.text().collect::<String>();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (!text.is_empty()).then_some(text)
    }

    /// Jira's `randomAlphanumericString(6)`: in `id="oauth-verifier"`, else the first
    /// such word standing alone or announced.
    pub fn verifier(&self) -> Option<String> {
        let is_code = |word: &str| {
            word.len() == 6
                && word.chars().all(|c| c.is_ascii_alphanumeric())
                && word.chars().any(|c| c.is_ascii_digit())
        };
        let alone = || {
            let any = Selector::parse("body *").expect("a valid selector");
            self.doc.select(&any).find_map(|element| {
                let text = element.text().collect::<String>();
                is_code(text.trim()).then(|| text.trim().to_string())
            })
        };
        let announced = || {
            let body = Selector::parse("body").expect("a valid selector");
            let text = self.doc.select(&body).next()?.text().collect::<String>();
            let lower = text.to_ascii_lowercase();
            let start = ["verification code", "verifier", "code"]
                .iter()
                .find_map(|announce| lower.find(announce))?;
            text[start..]
                .split(|c: char| !c.is_ascii_alphanumeric())
                .find(|word| is_code(word))
                .map(str::to_string)
        };
        self.text_of_id("oauth-verifier")
            .or_else(alone)
            .or_else(announced)
    }

    pub fn attribute(&self, attr: &str) -> Option<String> {
        let selector = Selector::parse(&format!("[{attr}]")).ok()?;
        self.doc
            .select(&selector)
            .find_map(|element| element.value().attr(attr))
            .map(str::to_string)
            .filter(|value| !value.is_empty())
    }
}

pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    set_cookies(headers)
        .into_iter()
        .find(|(cookie, _)| cookie == name)
        .map(|(_, value)| value)
}

/// (name, value) of each `Set-Cookie`, attributes dropped.
pub fn set_cookies(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next()?.split_once('='))
        .map(|(name, value)| {
            let value = value.trim().trim_matches('"');
            (name.trim().to_string(), value.to_string())
        })
        .filter(|(name, value)| !name.is_empty() && !value.is_empty())
        .collect()
}

/// Escaped (a hostile page must not drive the terminal), folded and cut.
pub fn quote(body: &str) -> String {
    let folded = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return "an empty answer".into();
    }
    let cleaned = text::clean(&text::redact_text(&folded), QUOTED_CHARS);
    format!("\"{cleaned}\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    /// The authorize form as different Jiras, skins and proxies write it.
    const STYLES: &[&str] = &[
        r#"<form><input type="hidden" name="atl_token" value="tok-1"></form>"#,
        r#"<form><input type='hidden' name='atl_token' value='tok-1'></form>"#,
        "<form><input type=hidden name=atl_token value=tok-1></form>",
        r#"<FORM><INPUT TYPE="HIDDEN" NAME="atl_token" VALUE="tok-1"></FORM>"#,
        "<form>\n<input\n\tvalue = \"tok-1\"\n\tname\t=\tatl_token\n\ttype=\"hidden\"\n/>\n</form>",
        r#"<form><input value="tok-1" type="hidden" name="atl_token" /></form>"#,
        r#"<!DOCTYPE html><html><head><title>x</title></head><body><div><form method=post><input name="oauth_token" value="rt"><input name=atl_token value="tok&#45;1"></form></div></body></html>"#,
        r#"<form><input type="hidden" name="atl_token" value="tok&#x2d;1"></form>"#,
    ];

    #[test]
    fn finds_the_xsrf_token_in_every_markup_style() {
        for html in STYLES {
            let page = Page::parse(html);
            assert_eq!(
                page.input_value("atl_token").as_deref(),
                Some("tok-1"),
                "{html}"
            );
            assert_eq!(page.input_value("missing"), None, "{html}");
        }
    }

    #[test]
    fn decodes_entities_and_keeps_the_other_fields() {
        let page = Page::parse(
            r#"<form><input name="atl_token" value="a&amp;b&quot;c"><input name=oauth_token value=rt-9><input name=empty></form>"#,
        );
        assert_eq!(page.input_value("atl_token").as_deref(), Some("a&b\"c"));
        assert_eq!(page.input_value("oauth_token").as_deref(), Some("rt-9"));
        assert_eq!(page.input_value("empty").as_deref(), Some(""));
        assert!(page.input_value("empty").is_some());
    }

    #[test]
    fn reads_the_verifier_element_in_any_style() {
        for html in [
            r#"<p>Your verification code is <span id="oauth-verifier"> Ab3dE9 </span></p>"#,
            "<P>code: <SPAN ID=oauth-verifier>\n  Ab3dE9\n</SPAN></P>",
            "<p><span class=code id='oauth-verifier'><b>Ab3dE9</b></span></p>",
        ] {
            assert_eq!(
                Page::parse(html).text_of_id("oauth-verifier").as_deref(),
                Some("Ab3dE9"),
                "{html}"
            );
        }
        assert_eq!(Page::parse("<p></p>").text_of_id("oauth-verifier"), None);
        // Without the id, the code as a template may write it.
        for html in [
            "<p>You have authorized access. Your verification code is <b>Ab3dE9</b>.</p>",
            "<div class=aui-message><p>Copy this code: 'x7Y2q9'</p></div>",
        ] {
            assert!(Page::parse(html).verifier().is_some(), "{html}");
        }
        assert_eq!(
            Page::parse("<p>Access granted to consumer Align1 and app Jira</p>").verifier(),
            None
        );
        assert_eq!(
            Page::parse("<span id=oauth-verifier> </span>").text_of_id("oauth-verifier"),
            None
        );
    }

    #[test]
    fn reads_a_named_attribute_anywhere() {
        let page = Page::parse("<P ID=oauth-error DATA-OAUTH-PROBLEM=token_rejected>x</P>");
        assert_eq!(
            page.attribute("data-oauth-problem").as_deref(),
            Some("token_rejected")
        );
        assert_eq!(
            Page::parse("<p>x</p>").attribute("data-oauth-problem"),
            None
        );
    }

    #[test]
    fn the_xsrf_cookie_is_found_among_set_cookie_headers() {
        let mut headers = HeaderMap::new();
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("JSESSIONID=s1; Path=/; HttpOnly"),
        );
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static(
                "atlassian.xsrf.token=BWP3-NZB2|0123abcd|lin; Path=/jira; Secure",
            ),
        );
        assert_eq!(
            set_cookie(&headers, XSRF_COOKIE).as_deref(),
            Some("BWP3-NZB2|0123abcd|lin")
        );
        assert_eq!(set_cookie(&headers, "JSESSIONID").as_deref(), Some("s1"));
        assert_eq!(set_cookie(&headers, "other"), None);
    }

    #[test]
    fn quotes_escape_control_characters_and_cut_long_pages() {
        assert_eq!(quote("  <p>\n hi </p> "), "\"<p> hi </p>\"");
        let hostile = quote("a\u{1b}[2Jb\u{7}");
        assert!(!hostile.contains('\u{1b}') && !hostile.contains('\u{7}'));
        assert!(hostile.contains("\\u{1b}"), "{hostile}");
        let long = quote(&"x".repeat(1000));
        assert!(long.contains("(800 more characters)"), "{long}");
        assert_eq!(quote(" \n "), "an empty answer");
    }
}
