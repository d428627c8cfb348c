#!/usr/bin/env python3
"""Print a fresh request token (docs/protocol.md, section 2) for one request, for curl and friends.

    TOKEN=$(python3 examples/python/make_token.py)                 # a request without a body
    TOKEN=$(python3 examples/python/make_token.py --body batch.avro) # bound to these exact bytes

Reads the same settings as push_batch.py (PARCELGATE_CERT, PARCELGATE_SIGNING_KEY,
PARCELGATE_PARTNER, PARCELGATE_AUDIENCE, or the options). A token is accepted once and lives
120 seconds: make one per request.
"""

import argparse
import json
import os
import sys

from push_batch import LocalMistake, request_token, thumbprint


def main(argv) -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Print a request token for one request.")
    parser.add_argument("--cert", default=env("PARCELGATE_CERT"),
                        help="your client certificate, PEM (PARCELGATE_CERT)")
    parser.add_argument("--signing-key", default=env("PARCELGATE_SIGNING_KEY"),
                        help="your private request-signing JWK (PARCELGATE_SIGNING_KEY)")
    parser.add_argument("--partner", default=env("PARCELGATE_PARTNER"),
                        help="your partner id (PARCELGATE_PARTNER)")
    parser.add_argument("--audience", default=env("PARCELGATE_AUDIENCE", "parcelgate-local"),
                        help="the gateway's id (PARCELGATE_AUDIENCE)")
    parser.add_argument("--body", help="the file whose bytes are the request's body (adds body_sha256)")
    config = parser.parse_args(argv)
    try:
        for name in ("cert", "signing_key", "partner"):
            if not getattr(config, name):
                raise LocalMistake("--%s (or its environment variable) is required"
                                   % name.replace("_", "-"))
        with open(config.signing_key, "rb") as f:
            signing_jwk = json.load(f)
        with open(config.cert, "rb") as f:
            cnf = thumbprint(f.read())
        body = None
        if config.body is not None:
            with open(config.body, "rb") as f:
                body = f.read()
        token, _ = request_token(config, signing_jwk, cnf, body)
    except (OSError, ValueError, LocalMistake) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
