#!/usr/bin/env python3
"""Verifies an annexa evidence bundle with nothing but Python's standard library.

    python3 verify.py [BUNDLE_DIR] [--public-key FILE]

Checks, without annexa and without the ledger:
  1. checkpoint.note is signed by the ledger's Ed25519 key (C2SP signed note);
  2. every line of records.jsonl hashes (SHA-256 of 0x00 + line) to the leaf of its proof in
     proofs.jsonl, names the same sequence number, and its audit path leads to the
     checkpoint's root (RFC 9162, section 2.1.3.2);
  3. every earlier checkpoint in consistency.jsonl is signed by the same key and the later
     tree extends it (RFC 9162, section 2.1.4.2).
Exit status 0 when everything holds, 1 otherwise. Use --public-key with the key the
organisation published: the copy inside the bundle proves nothing about who signed it.
"""

import base64
import hashlib
import json
import os
import sys

# Ed25519 signature verification (RFC 8032, section 5.1.7) in its small textbook form: slow
# (tens of milliseconds a signature) but a bundle carries only a few checkpoints.
Q = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, Q - 2, Q) % Q
SQRT_M1 = pow(2, (Q - 1) // 4, Q)


def _inv(x):
    return pow(x, Q - 2, Q)


def _x_from_y(y, sign):
    xx = (y * y - 1) * _inv(D * y * y + 1) % Q
    x = pow(xx, (Q + 3) // 8, Q)
    if (x * x - xx) % Q != 0:
        x = x * SQRT_M1 % Q
    if (x * x - xx) % Q != 0:
        raise ValueError("not a curve point")
    if x & 1 != sign:
        x = Q - x
    return x


def _add(p1, p2):
    (x1, y1), (x2, y2) = p1, p2
    t = D * x1 * x2 * y1 * y2
    return ((x1 * y2 + x2 * y1) * _inv(1 + t) % Q, (y1 * y2 + x1 * x2) * _inv(1 - t) % Q)


def _mul(point, e):
    result = (0, 1)
    while e:
        if e & 1:
            result = _add(result, point)
        point = _add(point, point)
        e >>= 1
    return result


def _decode_point(b):
    y = int.from_bytes(b, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= Q:
        raise ValueError("not a curve point")
    return (_x_from_y(y, sign), y)


BASE = (_x_from_y(4 * _inv(5) % Q, 0), 4 * _inv(5) % Q)


def ed25519_verify(public, message, signature):
    if len(signature) != 64 or len(public) != 32:
        return False
    try:
        a, r = _decode_point(public), _decode_point(signature[:32])
    except ValueError:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % L
    return _mul(BASE, s) == _add(r, _mul(a, h))


class Failure(Exception):
    pass


def read_key(text):
    name, key_id, key = text.strip().split("+", 2)
    raw = base64.b64decode(key)
    if raw[0] != 1 or len(raw) != 33:
        raise Failure("the public key is not an Ed25519 signed-note key")
    if hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex() != key_id:
        raise Failure("the public key's id does not match the key")
    return name, bytes.fromhex(key_id), raw[1:]


def open_checkpoint(note, key):
    name, key_id, public = key
    split = note.rfind("\n\n")
    if split < 0:
        raise Failure("a checkpoint has no signature block")
    text, signatures = note[: split + 1], note[split + 2 :]
    for line in signatures.splitlines():
        if line.startswith("\u2014 " + name + " "):
            blob = base64.b64decode(line.rsplit(" ", 1)[1])
            if blob[:4] == key_id and ed25519_verify(public, text.encode(), blob[4:]):
                origin, size, root = text.split("\n")[:3]
                return origin, int(size), base64.b64decode(root)
    raise Failure("a checkpoint is not signed by " + name)


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index, size, leaf, path, root):
    if index >= size:
        raise Failure("leaf %d is outside a tree of %d" % (index, size))
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise Failure("the audit path of leaf %d is too long" % index)
        if fn & 1 or fn == sn:
            r = node(p, r)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise Failure("the audit path of leaf %d does not lead to the root" % index)


def verify_consistency(m, n, old_root, new_root, proof):
    if m == n:
        if proof or old_root != new_root:
            raise Failure("checkpoints of equal size disagree")
        return
    path = ([old_root] if m & (m - 1) == 0 else []) + proof
    if not path:
        raise Failure("empty consistency proof")
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Failure("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise Failure("the tree of size %d does not extend the tree of size %d" % (n, m))


def main(argv):
    args = [a for a in argv if not a.startswith("--public-key")]
    key_file = None
    if "--public-key" in argv:
        key_file = argv[argv.index("--public-key") + 1]
        args.remove(key_file)
    bundle = args[0] if args else os.path.dirname(os.path.abspath(__file__))
    read = lambda name: open(os.path.join(bundle, name), "rb").read()
    key = read_key(open(key_file).read() if key_file else read("ledger.pub").decode())
    origin, size, root = open_checkpoint(read("checkpoint.note").decode(), key)
    records = read("records.jsonl").split(b"\n")[:-1]
    proofs = [json.loads(line) for line in read("proofs.jsonl").split(b"\n")[:-1]]
    if len(records) != len(proofs):
        raise Failure("%d records but %d proofs" % (len(records), len(proofs)))
    for line, proof in zip(records, proofs):
        leaf = hashlib.sha256(b"\x00" + line).digest()
        if json.loads(line)["seq"] != proof["leaf_index"] or leaf.hex() != proof["leaf_hash"]:
            raise Failure("record %d does not match its proof" % proof["leaf_index"])
        verify_inclusion(proof["leaf_index"], size, leaf, [bytes.fromhex(h) for h in proof["path"]], root)
    consistency = [json.loads(line) for line in read("consistency.jsonl").split(b"\n")[:-1]]
    for c in consistency:
        _, old_size, old_root = open_checkpoint(c["from"], key)
        verify_consistency(old_size, size, old_root, root, [bytes.fromhex(h) for h in c["path"]])
    print("%s: %d records and %d earlier checkpoints verified against the checkpoint of size %d, root %s"
          % (origin, len(records), len(consistency), size, root.hex()))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except (Failure, OSError, ValueError, KeyError, IndexError) as e:
        print("NOT VERIFIED: %s" % e, file=sys.stderr)
        sys.exit(1)
