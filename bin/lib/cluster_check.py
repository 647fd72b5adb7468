"""The client side of bin/cluster-check (Python 3 standard library only): accounts, writes, reads and the
final accounting of acknowledged writes. Every state lives in STATE (JSON) between the steps:

  cluster_check.py setup  STATE PROXY_URL GATEWAY_URL...   register + pair devices through the proxy, then write
                                                           through each gateway and read it back through another
  cluster_check.py load   STATE PROXY_URL PHASE STOPFILE   writers and readers until STOPFILE exists; progress in
                                                           STATE.progress (one JSON line, rewritten every 0.5 s)
  cluster_check.py verify STATE PROXY_URL                  every acknowledged write is readable with its version

A write is a PUT of one blob type of one account: a slot. Each slot is written by one thread only, so the
versions it acknowledges must grow; the last acknowledged one (or a later write whose answer was lost, which
the server may have applied) must be what a read returns at the end. An acknowledged write is LOST when a
read at the end returns an older version, or a checksum that no write of that version carried, or nothing.
Messages: one line each, prefixed "cluster-check:"; tokens never printed."""
import base64, json, os, random, sys, threading, time

from flamingo_http import Client, HttpError, Unreachable, blob_body  # bin/lib, beside this file

ACCOUNTS = int(os.environ.get("FLAMINGO_CHECK_ACCOUNTS", "4"))
READERS = int(os.environ.get("FLAMINGO_CHECK_READERS", "2"))
LOAD_MAX_SECONDS = 900  # a load phase runs a few minutes at most; past this bin/cluster-check has died


def say(msg):
    print("cluster-check: " + msg, flush=True)


def call(client, method, path, body=None, token=None):
    """(status, data), status 0 when no answer came (a write may or may not have been applied); no retry."""
    try:
        answer = client.request(method, path, body, token=token)
    except Unreachable:
        return 0, None
    return answer.status, answer.data


def ok(client, method, path, body=None, token=None, browser=None):
    """The data of a 200 answer; anything else ends the check."""
    try:
        return client.call(method, path, body, token, browser)
    except HttpError as e:
        raise SystemExit(f"cluster-check: FAIL {method} {path} answered {e.status}")
    except Unreachable:
        raise SystemExit(f"cluster-check: FAIL {method} {path} answered 0")


def blob(tag):
    return blob_body(256, tag)


def load_state(path):
    with open(path) as f:
        return json.load(f)


def save_state(path, state):
    with open(path + ".new", "w") as f:
        json.dump(state, f)
    os.replace(path + ".new", path)


def record(slot, version, tag):
    """An acknowledged write of a slot: its version must be above every earlier acknowledged one."""
    if slot["acked"] and version <= slot["acked"][-1][0]:
        slot["regressed"] += 1  # the server handed out a version again: an earlier write is gone
    slot["acked"].append([version, tag])
    slot["pending"] = []


def setup(state_path, proxy, gateways):
    run = base64.b32encode(os.urandom(5)).decode().lower()
    accounts, types = [], None
    for i in range(ACCOUNTS):
        c = Client(proxy, timeout=30)
        try:
            c.register(f"check-{run}-{i}@example.com", "cluster check pw")
            token = c.pair(f"check-{i}")
            types = types or c.data_types(token)
        except HttpError as e:
            raise SystemExit(f"cluster-check: FAIL {e}")
        except Unreachable as e:
            raise SystemExit(f"cluster-check: FAIL {proxy} did not answer: {e}")
        c.close()
        accounts.append({"email": f"check-{run}-{i}@example.com", "token": token, "slots": {t: {"acked": [], "pending": [], "regressed": 0} for t in types}})
    say(f"paired {len(accounts)} devices through the proxy (register -> /api/sync/init -> claim -> token)")
    state = {"accounts": accounts, "counts": {}, "types": list(types)}
    # each gateway directly: a write through it, read back through the next one and through the proxy
    served = 0
    for gi, g in enumerate(gateways):
        other = gateways[(gi + 1) % len(gateways)]
        for ai, a in enumerate(accounts):
            t = types[(gi + ai) % len(types)]
            tag = f"setup-g{gi}-a{ai}"
            data = ok(Client(g, timeout=30), "PUT", f"/api/sync/data/{t}", blob(tag), a["token"])
            record(a["slots"][t], data["version"], tag)
            for reader in (other, proxy):
                got = ok(Client(reader, timeout=30), "GET", f"/api/sync/data/{t}", None, a["token"])
                if got["version"] != data["version"] or got["checksum"] != tag:
                    raise SystemExit(f"cluster-check: FAIL a write through gateway {gi} read back as version "
                                     f"{got['version']} through {reader}")
            served += 1
    for a in accounts:  # and through the proxy: every slot gets a first write
        c = Client(proxy, timeout=30)
        for t in types:
            tag = "setup-proxy"
            record(a["slots"][t], ok(c, "PUT", f"/api/sync/data/{t}", blob(tag), a["token"])["version"], tag)
        items = ok(c, "GET", "/api/sync/data", None, a["token"])
        if items["count"] != len(types):
            raise SystemExit(f"cluster-check: FAIL GET /api/sync/data listed {items['count']} of {len(types)} blobs")
        c.close()
    state["counts"]["setup"] = {"acked": served + len(accounts) * len(types)}
    say(f"{len(gateways)} gateways each served writes directly ({served}, each read back through another gateway "
        f"and the proxy); {len(accounts) * len(types)} writes and {len(accounts)} listings through the proxy")
    save_state(state_path, state)


def load(state_path, proxy, phase, stopfile):
    state = load_state(state_path)
    types = state["types"]
    lock = threading.Lock()
    c = {"acked": 0, "refused": 0, "reads": 0, "read_failed": 0, "stale_reads": 0, "last_ack": 0.0,
         "first_refused": None, "last_refused": None}
    errors = {}

    def writer(ai, account):
        h, n = Client(proxy, timeout=20, retries=0), 0
        while not os.path.exists(stopfile):
            t = types[n % len(types)]
            n += 1
            slot = account["slots"][t]
            tag = f"{phase}-a{ai}-{n}"
            with lock:
                slot["pending"].append(tag)  # sent: may be applied even if no answer comes back
            status, data = call(h, "PUT", f"/api/sync/data/{t}", blob(tag), account["token"])
            with lock:
                if status == 200 and data and isinstance(data.get("version"), int):
                    record(slot, data["version"], tag)
                    c["acked"] += 1
                    c["last_ack"] = time.time()
                else:
                    c["refused"] += 1
                    now = time.time()
                    c["first_refused"] = c["first_refused"] or now
                    c["last_refused"] = now
                    errors[status] = errors.get(status, 0) + 1
            if status != 200:
                time.sleep(0.2)

    def reader():
        h = Client(proxy, timeout=20, retries=0)
        while not os.path.exists(stopfile):
            a = random.choice(state["accounts"])
            t = random.choice(types)
            with lock:
                floor = a["slots"][t]["acked"][-1][0]
            status, data = call(h, "GET", f"/api/sync/data/{t}", None, a["token"])
            with lock:
                c["reads"] += 1
                if status != 200:
                    c["read_failed"] += 1
                elif data["version"] < floor:
                    c["stale_reads"] += 1  # a read after an acknowledged write returned an older version
            if status != 200:
                time.sleep(0.2)

    threads = [threading.Thread(target=writer, args=(i, a), daemon=True) for i, a in enumerate(state["accounts"])]
    threads += [threading.Thread(target=reader, daemon=True) for _ in range(READERS)]
    for th in threads:
        th.start()
    deadline = time.time() + LOAD_MAX_SECONDS
    overran = False
    while not os.path.exists(stopfile):
        if time.time() > deadline:  # bin/cluster-check stops every phase long before: it must have died
            open(stopfile, "w").close()
            overran = True
            break
        with lock:
            snapshot = dict(c)
        with open(state_path + ".progress.new", "w") as f:
            json.dump(snapshot, f)
        os.replace(state_path + ".progress.new", state_path + ".progress")
        time.sleep(0.5)
    for th in threads:
        th.join(60)
    if overran:
        raise SystemExit(f"cluster-check: FAIL the load of phase {phase} was not stopped within {LOAD_MAX_SECONDS} s")
    c["errors"] = {str(k): v for k, v in errors.items()}
    state["counts"][phase] = c
    save_state(state_path, state)
    with open(state_path + ".progress", "w") as f:
        json.dump(c, f)
    say(f"{phase}: {c['acked']} writes acknowledged, {c['refused']} refused "
        f"(answers {dict(sorted(c['errors'].items())) or '-'}), {c['reads']} reads, {c['read_failed']} failed, "
        f"{c['stale_reads']} older than an acknowledged write")


def verify(state_path, proxy):
    state = load_state(state_path)
    h = Client(proxy, timeout=30, retries=0)
    acked = lost = regressed = unreadable = 0
    for a in state["accounts"]:
        for t, slot in a["slots"].items():
            acked += len(slot["acked"])
            regressed += slot["regressed"]
            status, data = call(h, "GET", f"/api/sync/data/{t}", None, a["token"])
            if status != 200 or not data:
                unreadable += 1
                lost += len(slot["acked"])
                continue
            version, tag = data["version"], data["checksum"]
            last_version, last_tag = slot["acked"][-1]
            if version == last_version and tag == last_tag:
                continue
            if version > last_version:
                if tag not in slot["pending"]:  # else: a write whose answer was lost, applied after the last ack
                    lost += 1  # the last acknowledged write was overwritten by nothing this check sent
                continue
            # an older version: every acknowledged write above it is gone (and one of its version, if it differs)
            lost += sum(1 for v, g in slot["acked"] if v > version or (v == version and g != tag))
    counts = state["counts"]
    refused = sum(p.get("refused", 0) for p in counts.values())
    say(f"verify: {acked} acknowledged writes in {sum(len(a['slots']) for a in state['accounts'])} slots, "
        f"{refused} refused, {lost} lost ({unreadable} slots unreadable, {regressed} versions handed out twice)")
    state["verify"] = {"acked": acked, "refused": refused, "lost": lost, "unreadable": unreadable,
                       "regressed": regressed}
    save_state(state_path, state)
    return 0 if lost == 0 and regressed == 0 else 1


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "setup" and len(argv) >= 5:
        setup(argv[2], argv[3], argv[4:])
    elif cmd == "load" and len(argv) == 6:
        load(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "verify" and len(argv) == 4:
        return verify(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
