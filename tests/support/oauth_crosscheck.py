"""Independent check of an OAuth 1.0a RSA-SHA1 request, for signature_crosscheck.rs.

Reads JSON on stdin: method, url (as sent, query included), authorization (the
header value), form (list of [name, value] body pairs) and public_key_pem.
oauthlib rebuilds the signature base string from those alone (it parses our
header itself), and `cryptography` verifies the signature over it. Prints JSON:
base_string, signature (base64, from the header), verified.
"""

import base64
import json
import sys
from urllib.parse import urlparse

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from oauthlib.oauth1.rfc5849 import signature, utils


def main():
    req = json.load(sys.stdin)
    header_params = dict(utils.parse_authorization_header(req["authorization"]))
    params = signature.collect_parameters(
        uri_query=urlparse(req["url"]).query,
        body=[tuple(pair) for pair in req["form"]],
        headers={"Authorization": req["authorization"]},
    )
    base_string = signature.signature_base_string(
        req["method"],
        signature.base_string_uri(req["url"]),
        signature.normalize_parameters(params),
    )
    sig_b64 = utils.unescape(header_params["oauth_signature"])
    key = serialization.load_pem_public_key(req["public_key_pem"].encode())
    try:
        key.verify(
            base64.b64decode(sig_b64),
            base_string.encode("utf-8"),
            padding.PKCS1v15(),
            hashes.SHA1(),
        )
        verified = True
    except InvalidSignature:
        verified = False
    json.dump(
        {"base_string": base_string, "signature": sig_b64, "verified": verified},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
