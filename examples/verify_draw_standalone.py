"""Check Live Console lottery draws from a session log with nothing but the Python standard library.

    python verify_draw_standalone.py sessions.db      # prints VALID/INVALID/NEVER DRAWN/VOID per draw

Implements the README's "Verifiable lottery draws" spec independently of the app's code.
"""
import hashlib, json, sqlite3, sys, unicodedata, re

def norm(t): return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", t)).casefold()

def matches(text, kw):
    k, n = norm(kw), norm(text)
    if not k: return False
    units = {n} | {n[:s] for s in range(1, len(n) // 2 + 1) if len(n) % s == 0 and n[:s] * (len(n) // s) == n}
    return k in units or (len(k) >= 2 and k in n)

def field(v):
    b = b"" if v is None else (f"{v:.6f}".encode() if isinstance(v, float) else str(v).encode())
    return len(b).to_bytes(4, "big") + b

def ineligible(rules, vid, f):
    if vid in rules.get("blocked", []) or f.get("blocked") is True: return "blocked"
    if rules.get("followers_only") and f.get("is_follower") is not True: return "not a follower"
    if rules.get("high_value_only") and f.get("segment") != "high_value": return "not high-value"
    if float(f.get("watch_s", 0)) < float(rules.get("min_watch_s", 0)): return "watch time"

def winners(seed, entrants, count):
    pool, tail, i, out = list(entrants), "\n".join(entrants).encode(), 0, []
    while pool and len(out) < count:
        x = int.from_bytes(hashlib.sha256(seed + b"live-console-draw-v1" + i.to_bytes(4, "big") + tail).digest(), "big")
        i += 1
        if x < (2**256 // len(pool)) * len(pool): out.append(pool.pop(x % len(pool)))
    return out

def check_session(db, sid):
    ev = db.execute("SELECT 'event',session_id,seq,kind,platform,msg_id,ts,viewer_id,viewer_name,payload,prev_hash,hash"
                    " FROM events WHERE session_id=? AND seq IS NOT NULL", (sid,)).fetchall()
    ac = db.execute("SELECT 'action',session_id,seq,ts,name,source,platform,msg_id,detail,prev_hash,hash"
                    " FROM actions WHERE session_id=? AND seq IS NOT NULL", (sid,)).fetchall()
    recs, prev, broken, hashes = sorted(ev + ac, key=lambda r: r[2]), bytes(32), False, {}
    for n, r in enumerate(recs, 1):
        h = hashlib.sha256(prev + b"".join(field(v) for v in r[:-2])).digest()
        broken |= r[2] != n or r[-2] != prev or r[-1] != h
        prev = hashes[r[2]] = r[-1]
    draws = {}
    for r in (r for r in recs if r[0] == "action" and r[4].startswith("lottery.")):
        d = json.loads(r[8]); draws.setdefault(d["draw_id"], []).append((r[2], r[4], d))
    for draw_id, rows in draws.items():
        get = lambda name: [(s, d) for s, n, d in rows if n == name]
        (o_seq, o), closed, drawn = get("lottery.open")[0], get("lottery.close"), get("lottery.draw")
        if not drawn:
            print(draw_id, "VOID" if get("lottery.void") else "NEVER DRAWN"); continue
        (c_seq, c), (_, d) = closed[0], drawn[0]
        decisions = {(x["viewer_id"], x.get("msg_id")): (n, x) for s, n, x in rows if n in ("lottery.entry", "lottery.reject")}
        entered, ok = [], not broken
        for r in ev_sorted(recs, o_seq, c_seq):
            if r[7] is None or r[7] in entered or not matches(json.loads(r[9]).get("text", ""), o["keyword"]): continue
            name, facts = decisions.pop((r[7], r[5]), (None, {}))
            why = ineligible(o.get("rules") or {}, r[7], facts)
            ok &= name == ("lottery.reject" if why else "lottery.entry")
            if name == "lottery.entry": entered.append(r[7])
        seed, ents = bytes.fromhex(d["seed"]), sorted(entered)
        ok &= not decisions and c["entrants"] == ents and hashlib.sha256(seed).hexdigest() == o["commitment"]
        ok &= c.get("entrants_sha256", hashlib.sha256("\n".join(ents).encode()).hexdigest()) == hashlib.sha256("\n".join(ents).encode()).hexdigest()
        rerolls = [w for _, x in get("lottery.reroll") for w in x["winners"]]
        ok &= winners(seed, ents, len(d["winners"]) + len(rerolls)) == d["winners"] + rerolls
        ok &= len(d["winners"]) == min(o["winners"], len(ents))
        ok &= "chain_seq" not in d or (hashes.get(d["chain_seq"]) or b"").hex() == d["chain_hash"]
        print(draw_id, "VALID" if ok else "INVALID", ",".join(d["winners"] + rerolls))
        yield ok

def ev_sorted(recs, lo, hi): return [r for r in recs if r[0] == "event" and r[3] == "comment" and lo < r[2] < hi]

if __name__ == "__main__":
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    results = [ok for (sid,) in db.execute("SELECT id FROM sessions ORDER BY id").fetchall() for ok in check_session(db, sid)]
    sys.exit(0 if all(results) else 1)
