#!/usr/bin/env python3
"""Plays a person in a browser for the tests: given Jira's authorize URL (as
$BROWSER is called), it logs in to Jira with the login form, then clicks Allow
(or Deny when FAKE_BROWSER_ACTION=deny) and follows Jira's redirect to the
callback, as a browser would. Standard library only."""

import html.parser
import http.cookiejar
import os
import sys
import urllib.parse
import urllib.request


class Forms(html.parser.HTMLParser):
    """Collects each form's action and its input names and values."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind != "submit":
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")


def forms_of(page):
    parser = Forms()
    parser.feed(page)
    return parser.forms


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def status_of(url):
    try:
        return urllib.request.urlopen(url, timeout=30).status
    except urllib.error.HTTPError as err:
        return err.code
    except (urllib.error.URLError, OSError):
        return "refused"


def probe_callback(jar, target, fields, opened):
    """FAKE_BROWSER_PROBE: posts the consent without following Jira's redirect,
    tries forged callbacks on the listener's port (each status logged), then
    follows the real one. Returns the log."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect()
    )
    try:
        opener.open(target, urllib.parse.urlencode(fields).encode(), timeout=30)
        return "no redirect"
    except urllib.error.HTTPError as err:
        location = err.headers["Location"]
    real = urllib.parse.urlsplit(location)
    query = urllib.parse.parse_qs(real.query)
    origin = f"{real.scheme}://{real.netloc}"
    token = query["oauth_token"][0]
    forged = {
        "prefix": f"{origin}/align-link/callback?oauth_token={token}&oauth_verifier=x",
        "guessed": f"{origin}/align-link/callback/{'0' * 32}?oauth_token={token}&oauth_verifier=x",
        "other-token": f"{origin}{real.path}?oauth_token=other&oauth_verifier=x",
    }
    lines = [f"path {real.path}"]
    lines += [f"{name} {status_of(url)}" for name, url in forged.items()]
    lines.append(f"real {status_of(location)}")
    lines.append(f"opened {opened}")
    return "\n".join(lines) + "\n"


def main():
    url = sys.argv[-1]
    user = os.environ.get("FAKE_BROWSER_USER", "svc-jira-align")
    password = os.environ.get("FAKE_BROWSER_PASSWORD", "svc-pass")
    action = os.environ.get("FAKE_BROWSER_ACTION", "approve")
    log = os.environ.get("FAKE_BROWSER_LOG")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    response = opener.open(url, timeout=30)
    page = response.read().decode()
    forms = forms_of(page)
    login = next((f for f in forms if "os_username" in f["fields"]), None)
    if login is not None:
        fields = dict(login["fields"], os_username=user, os_password=password)
        target = urllib.parse.urljoin(response.geturl(), login["action"])
        response = opener.open(target, urllib.parse.urlencode(fields).encode(), timeout=30)
        page = response.read().decode()
        forms = forms_of(page)
    consent = next(f for f in forms if "atl_token" in f["fields"])
    fields = dict(consent["fields"])
    fields[action] = "Allow" if action == "approve" else "Deny"
    target = urllib.parse.urljoin(response.geturl(), consent["action"])
    if os.environ.get("FAKE_BROWSER_PROBE"):
        body = probe_callback(jar, target, fields, url)
    else:
        try:
            response = opener.open(target, urllib.parse.urlencode(fields).encode(), timeout=30)
            body = response.read().decode()
        except urllib.error.HTTPError as err:
            body = err.read().decode()
    if log:
        with open(log, "w") as out:
            out.write(body)


if __name__ == "__main__":
    main()
