#!/usr/bin/env python3
"""The yardstick for align-link's speed: the shortest honest script that links Jira
Align to a Jira by hand-written HTTP, with no align-link code.

It does what a fresh `align-link setup --yes` does on the Jira side, with nothing
checked twice: makes a 3072-bit key pair, creates the application link, installs
the consumer, runs the three-legged OAuth 1.0a dance (RSA-SHA1, oauthlib signing)
approving as the service account, and makes the signed checks (myself, the test
project, a JQL search). One keep-alive connection, TCP_NODELAY.

Usage: yardstick.py JIRA_URL ALIGN_URL ADMIN_PAT SERVICE_USER SERVICE_PASSWORD PROJECT
Prints one JSON line: {"wall_ms": ..., "requests": ..., "keygen_ms": ...}.
Needs oauthlib and cryptography.
"""

import html.parser
import http.client
import json
import secrets
import socket
import string
import sys
import time
import urllib.parse

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oauthlib.oauth1 import SIGNATURE_RSA, Client

CALLBACK = "http://127.0.0.1:9/yardstick-callback"


class Jira:
    """One keep-alive connection to Jira; counts the requests it sends."""

    def __init__(self, base):
        parts = urllib.parse.urlsplit(base)
        self.base = base.rstrip("/")
        self.prefix = parts.path.rstrip("/")
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self.conn = cls(parts.hostname, parts.port)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.requests = 0

    def send(self, method, path, headers=None, body=None):
        headers = dict(headers or {})
        if isinstance(body, str):
            body = body.encode()
        self.conn.request(method, self.prefix + path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        self.requests += 1
        return response.status, response.headers, data.decode("utf-8", "replace")

    def oauth(self, client, method, path, body=None):
        """A request signed by oauthlib; `path` may carry a query string."""
        url = self.base + path
        headers = {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        _, signed, _ = client.sign(url, http_method=method, body=body, headers=headers)
        return self.send(method, path, signed, body)


class HiddenInputs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def expect(status, wanted, what, body):
    if status not in wanted:
        sys.exit(f"yardstick: {what}: HTTP {status}: {body[:300]}")


def main():
    jira_url, align_url, admin_pat, user, password, project = sys.argv[1:7]
    started = time.perf_counter()
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    keygen_ms = (time.perf_counter() - started) * 1000
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    alphabet = string.ascii_letters + string.digits
    consumer_key = "".join(secrets.choice(alphabet) for _ in range(32))

    jira = Jira(jira_url)
    admin = {"Authorization": f"Bearer {admin_pat}", "Accept": "application/json",
             "Content-Type": "application/json"}
    link = {"id": None, "name": "Jira Align", "rpcUrl": align_url, "displayUrl": align_url,
            "typeId": "generic"}
    status, _, body = jira.send("PUT", "/rest/applinks/3.0/applicationlink", admin, json.dumps(link))
    expect(status, (200, 201), "create the link", body)
    href = json.loads(body)["resources-created"][0]["href"]
    link_id = href.rstrip("/").rsplit("/", 1)[1]
    consumer = {"key": consumer_key, "name": "Jira Align", "publicKey": public_pem,
                "callback": None, "outgoing": False}
    status, _, body = jira.send(
        "PUT", f"/rest/applinks-oauth/1.0/applicationlink/{link_id}/authentication/consumer",
        admin, json.dumps(consumer))
    expect(status, (200, 201, 204), "install the consumer", body)

    client = Client(consumer_key, signature_method=SIGNATURE_RSA, rsa_key=private_pem,
                    callback_uri=CALLBACK)
    status, _, body = jira.oauth(client, "POST", "/plugins/servlet/oauth/request-token")
    expect(status, (200,), "request token", body)
    request_token = urllib.parse.parse_qs(body)["oauth_token"][0]

    status, headers, body = jira.send(
        "POST", "/rest/auth/1/session", {"Content-Type": "application/json"},
        json.dumps({"username": user, "password": password}))
    expect(status, (200,), "service account login", body)
    session = json.loads(body)["session"]
    cookie = f"{session['name']}={session['value']}"
    status, headers, body = jira.send(
        "GET", "/plugins/servlet/oauth/authorize?oauth_token=" + urllib.parse.quote(request_token),
        {"Cookie": cookie})
    expect(status, (200,), "authorize page", body)
    page = HiddenInputs()
    page.feed(body)
    form = urllib.parse.urlencode({"oauth_token": request_token,
                                   "atl_token": page.fields.get("atl_token", ""),
                                   "approve": "Allow"})
    status, headers, body = jira.send(
        "POST", "/plugins/servlet/oauth/authorize",
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, form)
    expect(status, (302, 303), "approve", body)
    location = urllib.parse.urlsplit(headers["Location"])
    verifier = urllib.parse.parse_qs(location.query)["oauth_verifier"][0]

    client = Client(consumer_key, signature_method=SIGNATURE_RSA, rsa_key=private_pem,
                    resource_owner_key=request_token, verifier=verifier)
    status, _, body = jira.oauth(client, "POST", "/plugins/servlet/oauth/access-token")
    expect(status, (200,), "access token", body)
    access_token = urllib.parse.parse_qs(body)["oauth_token"][0]

    client = Client(consumer_key, signature_method=SIGNATURE_RSA, rsa_key=private_pem,
                    resource_owner_key=access_token)
    status, _, body = jira.oauth(client, "GET", "/rest/api/2/myself")
    expect(status, (200,), "signed myself", body)
    if json.loads(body).get("name") != user:
        sys.exit(f"yardstick: the token acts as {json.loads(body).get('name')!r}, not {user!r}")
    status, _, body = jira.oauth(client, "GET", f"/rest/api/2/project/{project}")
    expect(status, (200,), "signed project", body)
    jql = urllib.parse.urlencode({"jql": f"project = {project}", "maxResults": "5"})
    status, _, body = jira.oauth(client, "GET", f"/rest/api/2/search?{jql}")
    expect(status, (200,), "signed search", body)

    wall_ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"wall_ms": round(wall_ms, 1), "requests": jira.requests,
                      "keygen_ms": round(keygen_ms, 1)}))


if __name__ == "__main__":
    main()
