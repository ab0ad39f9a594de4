"""A client that is not ours against the Jira stand-in: requests-oauthlib (RSA-SHA1)
does the 3-legged dance, a plain requests session plays the service account's
browser (login page, authorize page, Allow), then signed calls follow, one with the
OAuth parameters in the query string.

Usage: requests_oauthlib_dance.py JIRA_URL CONSUMER_KEY USERNAME PASSWORD
The consumer's private key (PEM) comes in the environment as STANDIN_RSA_KEY.
Prints one JSON object with what each signed call returned; exits non-zero on the
first step that fails.
"""

import json
import os
import sys
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests
from oauthlib.oauth1 import SIGNATURE_RSA, SIGNATURE_TYPE_QUERY
from requests_oauthlib import OAuth1Session

CALLBACK = "https://align.example.com/oauth/callback"


class Forms(HTMLParser):
    """Every form of a page: its action and its named inputs."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def forms_of(html):
    parser = Forms()
    parser.feed(html)
    return parser.forms


def fail(step, response):
    sys.exit(f"{step}: HTTP {response.status_code}: {response.text[:300]!r}")


def approve_in_browser(base, authorize_url, username, password):
    """Log in through login.jsp as Jira sends us there, then click Allow."""
    browser = requests.Session()
    page = browser.get(authorize_url, allow_redirects=False)
    if page.status_code != 302:
        fail("the authorize page without a login", page)
    login_page = browser.get(urljoin(base + "/", page.headers["Location"]))
    form = next(f for f in forms_of(login_page.text) if "os_username" in f["fields"])
    fields = dict(form["fields"], os_username=username, os_password=password)
    fields.pop("login", None)
    landed = browser.post(urljoin(login_page.url, form["action"]), data=fields,
                          allow_redirects=False)
    if landed.status_code != 302:
        fail("the login form", landed)
    page = browser.get(urljoin(login_page.url, landed.headers["Location"]))
    if page.status_code != 200:
        fail("the authorize page", page)
    form = next(f for f in forms_of(page.text) if "oauth_token" in f["fields"])
    fields = {k: v for k, v in form["fields"].items() if k not in ("approve", "deny")}
    if "atl_token" not in fields:
        # Some pages leave the XSRF token to the cookie Jira sets with them.
        fields["atl_token"] = browser.cookies.get("atlassian.xsrf.token", "")
    fields["approve"] = "Allow"
    decision = browser.post(urljoin(page.url, form["action"]), data=fields,
                            allow_redirects=False)
    if decision.status_code != 302:
        fail("Allow", decision)
    return decision.headers["Location"]


def main():
    base, consumer_key, username, password = sys.argv[1:5]
    rsa_key = os.environ["STANDIN_RSA_KEY"]
    oauth = OAuth1Session(consumer_key, signature_method=SIGNATURE_RSA, rsa_key=rsa_key,
                          callback_uri=CALLBACK)
    request = oauth.fetch_request_token(base + "/plugins/servlet/oauth/request-token")
    authorize_url = oauth.authorization_url(base + "/plugins/servlet/oauth/authorize")
    back = approve_in_browser(base, authorize_url, username, password)
    if not back.startswith(CALLBACK):
        sys.exit(f"Allow sent the browser to {back}, not to the callback")
    oauth.parse_authorization_response(back)
    access = oauth.fetch_access_token(base + "/plugins/servlet/oauth/access-token")

    results = {"request_token_confirmed": request.get("oauth_callback_confirmed")}
    header_signed = OAuth1Session(
        consumer_key, signature_method=SIGNATURE_RSA, rsa_key=rsa_key,
        resource_owner_key=access["oauth_token"],
        resource_owner_secret=access["oauth_token_secret"])
    me = header_signed.get(base + "/rest/api/2/myself")
    if me.status_code != 200:
        fail("myself, signed in the header", me)
    results["header"] = me.json()["name"]
    search = header_signed.get(base + "/rest/api/2/search",
                               params={"jql": "project = ALIGN", "maxResults": "2"})
    if search.status_code != 200:
        fail("search, signed with its query", search)
    results["search_total"] = search.json()["total"]
    query_signed = OAuth1Session(
        consumer_key, signature_method=SIGNATURE_RSA, rsa_key=rsa_key,
        resource_owner_key=access["oauth_token"],
        resource_owner_secret=access["oauth_token_secret"],
        signature_type=SIGNATURE_TYPE_QUERY)
    me = query_signed.get(base + "/rest/api/2/myself")
    if me.status_code != 200 or "oauth_signature=" not in me.request.url:
        fail("myself, signed in the query string", me)
    results["query"] = me.json()["name"]
    print(json.dumps(results))


if __name__ == "__main__":
    main()
