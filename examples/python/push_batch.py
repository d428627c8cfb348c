#!/usr/bin/env python3
"""Push one batch to a Parcelgate gateway and check everything it signs, from docs/protocol.md alone.

What it does, in the order of docs/protocol.md:
  1. builds valid transactions and writes them as an Avro object container with the
     schema file it is given (schemas/src/main/resources/org/parcelgate/schema/transaction-v2.avsc);
  2. signs a request token bound to the client certificate (cnf.x5t#S256) and to the exact body
     (body_sha256);
  3. POSTs the batch to /v1/batches over mutual TLS;
  4. fetches the gateway's keys (/.well-known/jwks.json) and verifies the signed receipt: its
     signature, its typ, and that it attests this body, this token and this answer;
  5. fetches the writer schema the receipt names from /v1/schemas/{fingerprint} and checks it is
     the schema file it wrote with.
Prints a summary; exits 0 only when all of it held, 1 when the gateway or a check failed, 2 for a
local mistake (a missing file, a bad option).

Libraries (Debian: python3-cryptography python3-jwt python3-requests python3-avro):
cryptography, PyJWT, requests, avro.
"""

import argparse
import base64
import datetime
import hashlib
import io
import json
import os
import re
import secrets
import sys
import time
import uuid

import avro.datafile
import avro.io
import avro.schema
import jwt
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization

BATCH_MEDIA_TYPE = "application/vnd.parcelgate.batch+avro"
REQUEST_TYPE = "parcelgate-request+jwt"
RECEIPT_TYPE = "parcelgate-receipt+jwt"
# One spelling of a compact JWS: three segments of unpadded base64url (protocol.md, section 2).
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(
    HERE, "..", "..", "schemas", "src", "main", "resources", "org", "parcelgate", "schema",
    "transaction-v2.avsc")


class Failure(Exception):
    """The gateway refused, or something it sent did not check out: exit code 1."""


class LocalMistake(Exception):
    """A file or option on this side is wrong: exit code 2."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def options(argv):
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Push one batch to a Parcelgate gateway.")
    parser.add_argument("--url", default=env("PARCELGATE_URL", "https://localhost:8443"),
                        help="the gateway's partner API (PARCELGATE_URL)")
    parser.add_argument("--ca", default=env("PARCELGATE_TRUST_ANCHOR"),
                        help="CA certificate (PEM) that issued the gateway's server certificate (PARCELGATE_TRUST_ANCHOR)")
    parser.add_argument("--cert", default=env("PARCELGATE_CERT"),
                        help="your client certificate, PEM (PARCELGATE_CERT)")
    parser.add_argument("--key", default=env("PARCELGATE_KEY"),
                        help="its private key, PEM (PARCELGATE_KEY)")
    parser.add_argument("--signing-key", default=env("PARCELGATE_SIGNING_KEY"),
                        help="your private request-signing JWK, JSON (PARCELGATE_SIGNING_KEY)")
    parser.add_argument("--partner", default=env("PARCELGATE_PARTNER"),
                        help="your partner id, the token's iss and sub (PARCELGATE_PARTNER)")
    parser.add_argument("--audience", default=env("PARCELGATE_AUDIENCE", "parcelgate-local"),
                        help="the gateway's id, the token's aud (PARCELGATE_AUDIENCE)")
    parser.add_argument("--schema", default=DEFAULT_SCHEMA,
                        help="the Avro schema file to write with")
    parser.add_argument("--out", default=None,
                        help="also write the container to this file")
    parser.add_argument("--count", type=int, default=3, help="transactions in the batch (default 3)")
    # The avro package's deflate keeps three bytes of the zlib trailer after each deflate stream;
    # a gateway that refuses bytes after a deflate block answers invalid_container to it.
    parser.add_argument("--codec", choices=("null", "deflate"), default="deflate",
                        help="the container's codec (default deflate)")
    parsed = parser.parse_args(argv)
    for name in ("ca", "cert", "key", "signing_key", "partner"):
        if not getattr(parsed, name):
            raise LocalMistake("--%s (or its environment variable) is required" % name.replace("_", "-"))
    for name in ("ca", "cert", "key", "signing_key", "schema"):
        path = getattr(parsed, name)
        if not os.path.isfile(path):
            raise LocalMistake("--%s: no such file: %s" % (name.replace("_", "-"), path))
    if not 1 <= parsed.count <= 10000:
        raise LocalMistake("--count is 1 to 10000")
    return parsed


# --- 1. the batch -------------------------------------------------------------------------------

def s10_tracking_number(serial: int) -> str:
    """A UPU S10 item identifier: service LX, 8 digits, check digit, country of posting CN."""
    digits = "%08d" % serial
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7)))
    check = 11 - total % 11
    check = 0 if check == 10 else 5 if check == 11 else check
    return "LX%s%dCN" % (digits, check)


def transaction(n: int, run: str, order_time: datetime.datetime) -> dict:
    """A valid transaction (docs/data-model.md): amounts that add up, real HS codes, S10 tracking."""
    lines = [
        ("Bluetooth over-ear headphones with charging case", "851830", "CN", 1, 2499, 310),
        ("Ceramic coffee mug with printed design", "691200", "TR", 2, 899, 380),
    ]
    items = []
    goods = mass = 0
    for number, (description, hs_code, origin, quantity, unit_price, grams) in enumerate(lines, 1):
        total = quantity * unit_price
        goods += total
        mass += quantity * grams
        items.append({
            "lineNumber": number, "sku": "SKU-%s-%d-%d" % (run, n, number),
            "description": description, "hsCode": hs_code, "quantity": quantity, "unit": "H87",
            "unitPriceMinor": unit_price, "lineTotalMinor": total, "originCountry": origin,
            "grossMassGrams": quantity * grams, "brand": None,
            "listingUrl": "https://marketplace.example/listing/%s-%d-%d" % (run, n, number),
        })
    shipping, insurance, discount = 399, 0, 0
    tax = ((goods + shipping + insurance - discount) * 21 + 50) // 100  # NL standard VAT, half up
    paid = goods + shipping + insurance + tax - discount
    address = {"line1": "%d Sample Street" % (n + 1), "line2": None, "city": "Utrecht",
               "postalCode": "3511 AB", "region": None, "country": "NL"}
    return {
        "transactionId": "ORD-PY-%s-%d" % (run, n),
        "amendment": False,
        "orderTime": order_time,
        "iossNumber": "IM5280000012",
        "seller": {
            "sellerId": "seller-py-1", "name": "Shenzhen Example Trading Co., Ltd. 1",
            "type": "BUSINESS", "vatNumber": "NL826000001B01", "iossNumber": None,
            "eori": "NL826000001", "tin": "91440300MA5F000001", "tinCountry": "CN", "country": "CN",
            "address": {"line1": "89 Example Road, Nanshan District", "line2": None,
                        "city": "Shenzhen", "postalCode": "518000", "region": "Guangdong",
                        "country": "CN"},
            "verificationStatus": "VERIFIED",
        },
        "buyer": {"buyerId": "buyer-py-%s-%d" % (run, n), "name": "Sample Buyer %d" % n,
                  "email": "buyer%d@mail.example" % n, "phone": "+31600%06d" % n,
                  "address": address, "taxId": None},
        "items": items,
        "amounts": {"currency": "EUR", "goodsValueMinor": goods, "shippingMinor": shipping,
                    "insuranceMinor": insurance, "discountMinor": discount,
                    "taxCollectedMinor": tax, "totalPaidMinor": paid},
        "payment": {"paymentId": "PAY-PY-%s-%d" % (run, n),
                    "time": order_time + datetime.timedelta(minutes=1), "amountMinor": paid,
                    "currency": "EUR", "method": "CARD", "payerCountry": "NL",
                    "provider": "Example Payments B.V."},
        "shipment": {"trackingNumber": s10_tracking_number(secrets.randbelow(10 ** 8)),
                     "carrier": "Example Parcel Service", "dispatchCountry": "CN",
                     "destinationCountry": "NL", "packages": 1, "grossMassGrams": mass + 120},
    }


def container(schema, count: int, codec: str) -> bytes:
    run = uuid.uuid4().hex[:12]
    order_time = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
                  ).replace(microsecond=0)
    out = io.BytesIO()
    writer = avro.datafile.DataFileWriter(out, avro.io.DatumWriter(), schema, codec=codec)
    for n in range(count):
        writer.append(transaction(n, run, order_time))
    writer.flush()
    data = out.getvalue()
    writer.close()
    return data


# --- 2. the request token -----------------------------------------------------------------------

def algorithm_of(jwk: dict) -> str:
    """The one algorithm of a key (protocol.md, section 2): P-256 ES256, RSA PS256, Ed25519 EdDSA."""
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        return "ES256"
    if jwk.get("kty") == "RSA":
        return "PS256"
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return "EdDSA"
    raise LocalMistake("the key %s is not an ES256, PS256 or EdDSA key" % jwk.get("kid"))


def thumbprint(certificate_pem: bytes) -> str:
    """RFC 8705 x5t#S256: SHA-256 over the certificate's DER, unpadded base64url."""
    certificate = x509.load_pem_x509_certificate(certificate_pem)
    return b64url(hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest())


def request_token(config, signing_jwk: dict, cnf: str, body) -> (str, str):
    """A fresh token for one request: (compact JWS, its jti). body None for a request without one."""
    now = int(time.time())
    jti = str(uuid.uuid4())
    claims = {"iss": config.partner, "sub": config.partner, "aud": config.audience,
              "iat": now, "exp": now + 120, "jti": jti, "cnf": {"x5t#S256": cnf}}
    if body is not None:
        claims["body_sha256"] = b64url(hashlib.sha256(body).digest())
    algorithm = algorithm_of(signing_jwk)
    key = jwt.PyJWK(signing_jwk, algorithm).key
    token = jwt.encode(claims, key, algorithm=algorithm,
                       headers={"kid": signing_jwk["kid"], "typ": REQUEST_TYPE})
    return token, jti


# --- 4. the receipt -----------------------------------------------------------------------------

def verify_receipt(receipt: str, jwks: dict) -> dict:
    """The receipt's claims once its form, typ, key, algorithm and signature check out."""
    if not COMPACT_JWS.match(receipt or ""):
        raise Failure("the receipt is not a compact JWS")
    header = json.loads(b64url_decode(receipt.split(".")[0]))
    if header.get("typ") != RECEIPT_TYPE:
        raise Failure("the receipt's typ is %r, not %s" % (header.get("typ"), RECEIPT_TYPE))
    keys = [k for k in jwks.get("keys", []) if k.get("kid") == header.get("kid")]
    if len(keys) != 1:
        raise Failure("the receipt's key %r is not among the gateway's keys" % header.get("kid"))
    algorithm = algorithm_of(keys[0])
    if header.get("alg") != algorithm:
        raise Failure("the receipt's alg %r is not its key's (%s)" % (header.get("alg"), algorithm))
    try:
        return jwt.decode(receipt, jwt.PyJWK(keys[0], algorithm).key, algorithms=[algorithm],
                          options={"verify_aud": False, "verify_exp": False}, leeway=300)
    except jwt.InvalidTokenError as e:
        raise Failure("the receipt does not verify: %s" % e)


def main(argv) -> int:
    try:
        config = options(argv)
        with open(config.signing_key, "rb") as f:
            signing_jwk = json.load(f)
        if "d" not in signing_jwk or "kid" not in signing_jwk:
            raise LocalMistake("--signing-key must be a private JWK with a kid")
        with open(config.cert, "rb") as f:
            cnf = thumbprint(f.read())
        with open(config.schema, "rb") as f:
            schema_text = f.read().decode("utf-8")
        schema = avro.schema.parse(schema_text)
    except (OSError, ValueError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 2
    except LocalMistake as e:
        print("error: %s" % e, file=sys.stderr)
        return 2

    session = requests.Session()
    session.cert = (config.cert, config.key)
    # verify is passed with every request: requests lets REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE in
    # the environment override a session's verify, and the gateway's CA is seldom in those.
    url = config.url.rstrip("/")

    def call(method, path, body=None, headers=None, token=True):
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = "Bearer " + request_token(config, signing_jwk, cnf, body)[0]
        try:
            return session.request(method, url + path, data=body, headers=sent, timeout=30,
                                   verify=config.ca)
        except requests.exceptions.SSLError as e:
            raise Failure("TLS with %s failed (certificate, key or CA): %s" % (url, e))
        except requests.exceptions.ConnectionError as e:
            raise Failure("no answer from %s: %s" % (url, e))

    def problem(response):
        try:
            doc = response.json()
            return "%d %s: %s (request %s)" % (response.status_code, doc.get("code"),
                                              doc.get("detail"), doc.get("requestId"))
        except ValueError:
            return "%d" % response.status_code

    try:
        # 1. the batch
        body = container(schema, config.count, config.codec)
        if config.out:
            with open(config.out, "wb") as f:
                f.write(body)
        body_sha256 = b64url(hashlib.sha256(body).digest())

        # 2 and 3. the token for this body, and the push
        token, jti = request_token(config, signing_jwk, cnf, body)
        try:
            response = session.post(url + "/v1/batches", data=body, timeout=60, verify=config.ca, headers={
                "Authorization": "Bearer " + token, "Content-Type": BATCH_MEDIA_TYPE})
        except requests.exceptions.SSLError as e:
            raise Failure("TLS with %s failed (certificate, key or CA): %s" % (url, e))
        except requests.exceptions.ConnectionError as e:
            raise Failure("no answer from %s: %s" % (url, e))
        if response.status_code not in (200, 202):
            raise Failure("the batch was refused: " + problem(response))
        answer = response.json()

        # 4. the receipt, against the gateway's published keys
        keys = call("GET", "/.well-known/jwks.json", token=False)
        if keys.status_code != 200:
            raise Failure("cannot fetch the gateway's keys: " + problem(keys))
        receipt = verify_receipt(answer.get("receipt"), keys.json())
        expected = {"iss": config.audience, "sub": config.partner, "body_sha256": body_sha256,
                    "request_jti": jti, "batch_id": answer["batchId"],
                    "writer_schema": answer["writerSchema"], "records": answer["records"],
                    "accepted": answer["accepted"], "unchanged": answer["unchanged"],
                    "rejected": answer["rejected"]}
        for claim, value in expected.items():
            if receipt.get(claim) != value:
                raise Failure("the receipt's %s is %r, expected %r" % (claim, receipt.get(claim), value))

        # 5. the writer schema the receipt names, from the gateway
        listed = call("GET", "/v1/schemas")
        if listed.status_code != 200:
            raise Failure("cannot list the schemas: " + problem(listed))
        fingerprints = [s["fingerprint"] for s in listed.json()["schemas"]]
        if receipt["writer_schema"] not in fingerprints:
            raise Failure("the receipt's writer schema is not among the gateway's schemas")
        served = call("GET", "/v1/schemas/" + receipt["writer_schema"])
        if served.status_code != 200:
            raise Failure("cannot fetch the writer schema: " + problem(served))
        if avro.schema.parse(served.text).canonical_form != schema.canonical_form:
            raise Failure("the gateway's schema %s is not the schema file written with"
                          % receipt["writer_schema"])
    except Failure as e:
        print("error: %s" % e, file=sys.stderr)
        return 1

    print("batch %s: HTTP %d, %d records: %d accepted, %d unchanged, %d rejected"
          % (answer["batchId"], response.status_code, answer["records"], answer["accepted"],
             answer["unchanged"], answer["rejected"]))
    for rejected in answer.get("rejectedRecords", []):
        print("  rejected record %d: %s" % (rejected["index"], ", ".join(
            "%s %s" % (e["field"], e["code"]) for e in rejected["errors"])))
    print("receipt verified: signed by %s with key %s, attests body_sha256 %s and token %s"
          % (receipt["iss"], json.loads(b64url_decode(answer["receipt"].split(".")[0]))["kid"],
             body_sha256, jti))
    print("writer schema %s: fetched from /v1/schemas, same as %s"
          % (receipt["writer_schema"], os.path.basename(config.schema)))
    print("RESULT: verified receipt")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
