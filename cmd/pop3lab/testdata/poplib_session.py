"""Drive pop3lab with Python's poplib and print what it saw as JSON.

Usage: poplib_session.py HOST PLAIN_PORT TLS_PORT

interop_test.go runs this and compares every value exactly. Byte strings
are decoded as Latin-1 so that every octet survives the trip through JSON.
The certificate is not verified by a CA (it is self-signed); the test
checks its SHA-256 fingerprint against the one the server printed.
"""

import hashlib
import json
import poplib
import ssl
import sys

host, plain_port, tls_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = {}


def s(b):
    return b.decode("latin-1")


def multi(resp):
    """A (response, lines, octets) triple from poplib as a JSON object."""
    status, lines, octets = resp
    return {"status": s(status), "lines": [s(l) for l in lines], "octets": octets}


def err(fn, *args):
    """Call fn and return the -ERR text that poplib raised, or None."""
    try:
        fn(*args)
    except poplib.error_proto as e:
        return s(e.args[0])
    return None


def fingerprint(p):
    return hashlib.sha256(p.sock.getpeercert(binary_form=True)).hexdigest()


ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

# Session 1: plaintext, STLS, USER/PASS, the TRANSACTION commands, DELE 2, QUIT.
p = poplib.POP3(host, plain_port, timeout=10)
out["welcome"] = s(p.getwelcome())
out["capa"] = p.capa()
out["stls"] = s(p.stls(ctx))
out["stls_fingerprint"] = fingerprint(p)
out["capa_tls"] = p.capa()
out["user"] = s(p.user("alice"))
out["pass"] = s(p.pass_("wonderland"))
out["stat"] = list(p.stat())
out["list"] = multi(p.list())
out["list_3"] = s(p.list(3))
out["uidl"] = multi(p.uidl())
out["uidl_2"] = s(p.uidl(2))
out["retr_1"] = multi(p.retr(1))
out["retr_3"] = multi(p.retr(3))
out["top_1_0"] = multi(p.top(1, 0))
out["top_3_1"] = multi(p.top(3, 1))
out["dele_2"] = s(p.dele(2))
out["stat_after_dele"] = list(p.stat())
out["retr_2_deleted"] = err(p.retr, 2)
out["rset"] = s(p.rset())
out["stat_after_rset"] = list(p.stat())
out["dele_2_again"] = s(p.dele(2))
out["noop"] = s(p.noop())
out["quit"] = s(p.quit())

# Session 2: APOP; the deletion of session 1 is visible, numbers renumbered.
p = poplib.POP3(host, plain_port, timeout=10)
out["apop"] = s(p.apop("alice", "wonderland"))
out["apop_stat"] = list(p.stat())
out["apop_uidl"] = multi(p.uidl())
out["apop_quit"] = s(p.quit())

# Session 3: wrong password, then wrong APOP secret.
p = poplib.POP3(host, plain_port, timeout=10)
p.user("alice")
out["wrong_pass"] = err(p.pass_, "not the password")
out["wrong_apop"] = err(p.apop, "alice", "not the password")
p.close()

# Session 4: a password with a space (PASS takes the rest of the line).
p = poplib.POP3(host, plain_port, timeout=10)
p.user("bob")
out["bob_pass"] = s(p.pass_("pass word"))
out["bob_quit"] = s(p.quit())

# Session 5: implicit TLS (POP3S).
p = poplib.POP3_SSL(host, tls_port, timeout=10, context=ctx)
out["tls_welcome"] = s(p.getwelcome())
out["tls_fingerprint"] = fingerprint(p)
out["tls_capa"] = p.capa()
p.user("alice")
out["tls_pass"] = s(p.pass_("wonderland"))
out["tls_retr_1"] = multi(p.retr(1))
out["tls_quit"] = s(p.quit())

json.dump(out, sys.stdout, indent=1, sort_keys=True)
