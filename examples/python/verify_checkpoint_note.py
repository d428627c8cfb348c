#!/usr/bin/env python3
"""Check a Parcelgate log checkpoint note (C2SP tlog-checkpoint) and its witness cosignatures.

    python3 examples/python/verify_checkpoint_note.py --note checkpoint.note \\
        --log-key 'gateway/minimization-log+0ddb8f71+AX//...' \\
        [--witness-key 'dpa.example/witness+d3ee120a+BLR5...' ...] [--require 2]

The note is the "note" member of GET /v1/privacy/checkpoint (with any cosignature lines a witness
answered appended), or a witness's GET /<origin hash>/checkpoint. Keys are C2SP verifier keys
(name+hex(key id)+base64(type || Ed25519 public key)): the log's from its operator ("noteKey"), the
witnesses' from the witnesses. Written from c2sp.org/signed-note, tlog-checkpoint and
tlog-cosignature with nothing but the "cryptography" package, as an independent check of the
gateway's own code. Exit status 0 when the log's signature and at least --require cosignatures
verify, 1 when not, 2 for a usage error.
"""

import argparse
import base64
import hashlib
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

NOTE_KEY, COSIGNER_KEY = 0x01, 0x04


class NotVerified(Exception):
    pass


def parse_vkey(vkey, expected_type):
    name, key_id, key = vkey.split("+", 2)
    key = base64.b64decode(key, validate=True)
    if len(key) != 33 or key[0] != expected_type:
        raise ValueError(f"{name}: not an Ed25519 key of type {expected_type:#04x}")
    public = key[1:]
    computed = hashlib.sha256(name.encode() + b"\n" + bytes([expected_type]) + public).digest()[:4]
    if computed.hex() != key_id:
        raise ValueError(f"{name}: the key id does not match the key")
    return name, computed, Ed25519PublicKey.from_public_bytes(public)


def split_note(note):
    if not note.endswith("\n") or "\n\n" not in note:
        raise NotVerified("not a signed note: text, a blank line, signature lines")
    text, lines = note.rsplit("\n\n", 1)
    signatures = []
    for line in lines.rstrip("\n").split("\n"):
        if not line.startswith("\u2014 "):
            raise NotVerified("a signature line starts with an em dash")
        name, signature = line[2:].split(" ")
        signatures.append((name, base64.b64decode(signature, validate=True)))
    return text + "\n", signatures


def main(argv):
    parser = argparse.ArgumentParser(description="Check a checkpoint note and its cosignatures.")
    parser.add_argument("--note", required=True, help="the checkpoint note, as a file")
    parser.add_argument("--log-key", required=True, help="the log's note verifier key")
    parser.add_argument("--witness-key", action="append", default=[],
                        help="a witness's verifier key (repeat)")
    parser.add_argument("--require", type=int, default=0,
                        help="how many of the witnesses must have cosigned (default 0)")
    args = parser.parse_args(argv)
    try:
        log = parse_vkey(args.log_key, NOTE_KEY)
        witnesses = [parse_vkey(key, COSIGNER_KEY) for key in args.witness_key]
    except ValueError as problem:
        print(f"verify_checkpoint_note: {problem}", file=sys.stderr)
        return 2
    if args.require > len(witnesses):
        print("verify_checkpoint_note: --require exceeds the witness keys given", file=sys.stderr)
        return 2
    try:
        with open(args.note, encoding="utf-8") as file:
            text, signatures = split_note(file.read())
        verified_log = False
        cosigned = []
        for name, signature in signatures:
            if name == log[0] and signature[:4] == log[1]:
                try:
                    log[2].verify(signature[4:], text.encode())
                except InvalidSignature:
                    raise NotVerified("the log's signature does not verify")
                verified_log = True
            for witness in witnesses:
                if name == witness[0] and signature[:4] == witness[1]:
                    if len(signature) != 4 + 8 + 64:
                        raise NotVerified(f"{name}: a cosignature is a time and a signature")
                    time = struct.unpack(">Q", signature[4:12])[0]
                    message = f"cosignature/v1\ntime {time}\n".encode() + text.encode()
                    try:
                        witness[2].verify(signature[12:], message)
                    except InvalidSignature:
                        raise NotVerified(f"the cosignature of {name} does not verify")
                    cosigned.append(name)
        if not verified_log:
            raise NotVerified(f"no signature by the log key {log[0]}")
        origin, size, root = text.split("\n")[:3]
        if origin != log[0]:
            raise NotVerified(f"the origin {origin} is not the log key's name")
        if len(set(cosigned)) < args.require:
            raise NotVerified(f"{len(set(cosigned))} of the {args.require} cosignatures required")
    except (NotVerified, ValueError) as problem:
        print(f"NOT VERIFIED: {problem}")
        return 1
    print(f"VERIFIED: {origin} at size {size}, root {root}; cosigned by "
          f"{', '.join(sorted(set(cosigned))) or 'no witness'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
