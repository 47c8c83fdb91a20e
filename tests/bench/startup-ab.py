#!/usr/bin/python3
# startup-ab.py [--no-secrets] [--sh-bench PATH] RUNS SIZES BINARY... — start-up
# of two (or more) builds of the app, interleaved on the same data files
# (issue 18, items 1 and 2).
#
# Run it in a session of its own, under a display:
#   xvfb-run -a -s '-screen 0 1280x800x24' build-aux/with-session.sh \
#     /usr/bin/python3 tests/bench/startup-ab.py 5 0,3000,10000 \
#     /tmp/startup-old/src/socialhub build/src/socialhub
# with GSETTINGS_SCHEMA_DIR=build/data GSK_RENDERER=cairo exported.
#
# The stores are sh-bench write-store's (N tokens on N/3 channels, a
# quarter X, one in seven invalid, pictures nobody serves). Their secrets
# go into the session's keyring, as a user's are: `sh-bench seed-keyring`
# (--sh-bench, default build/tests/bench/sh-bench) stores one per token in
# gnome-keyring's in-memory session collection, named by the file's store
# id, which the app's one search finds (the login
# collection rewrites its file per item: 3,000 took over ten minutes; the
# session collection 60-90 s, 10,000 23 minutes, growing with the
# square). With --no-secrets the keyring stays empty, the "keyring lost"
# case: the reconciliation marks every token "secret missing" and saves.
# Each run copies a fresh store, reads first-content-frame-ms and cpu-ms as
# sh-bench's startup part does, VmHWM at that frame, 2 s later, and once the
# app printed reconciled-ms (the keyring step over; a binary that does not
# print it is read after 60 s). After one warm-up each, every round runs
# each store with each binary one after the other, so that a change of the
# machine's load falls on all of them alike; it prints medians.
import json, os, queue, shutil, signal, statistics, subprocess, sys, tempfile, threading, time, uuid

def write_store(n, home):
    d = os.path.join(home, "socialhub")
    os.makedirs(d)
    nc, now, chans = n // 3, int(time.time()), []
    for c in range(nc):
        toks = []
        for t in range(c, n, nc):
            bad = t % 7 == 0
            toks.append({"id": str(uuid.uuid4()),
                         "owner": {"id": "Person %u" % (t % 97), "name": "Person %u" % (t % 97)},
                         "scopes": [], "granted_at": 0, "expires_at": 0, "data_access_expires_at": 0,
                         "state": "invalid" if bad else "valid",
                         "reason": "password-changed" if bad else "",
                         "last_verdict": "invalid" if bad else "valid",
                         "last_verdict_reason": "password-changed" if bad else "",
                         "checked_at": now, "notified_state": "unknown",
                         "notified_expiry_days": 0, "notified_data_access_days": 0})
        chans.append({"id": str(uuid.uuid4()), "network": "x" if c % 4 == 3 else "facebook",
                      "external_id": "6%011u" % c, "name": "Client Page %05u" % c,
                      "picture_url": "http://127.0.0.1:9/pictures/%u.png" % c, "tokens": toks})
    doc = {"format": "io.socialhub.SocialHub/channels", "version": 2,
           "store_id": str(uuid.uuid4()), "channels": chans}
    with open(os.path.join(d, "channels.json"), "w") as f:
        f.write(json.dumps(doc, indent=2, separators=(",", " : ")))

def hwm_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

def run(binary, store, scratch):
    home = os.path.join(scratch, "run")
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(store, home)
    env = dict(os.environ, XDG_DATA_HOME=home, SOCIALHUB_DEBUG_STARTUP="1", GSK_RENDERER="cairo")
    app = subprocess.Popen([binary], env=env, stderr=subprocess.PIPE, text=True)
    # A thread reads stderr, so that the app never blocks on a full pipe.
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in app.stderr] + [lines.put(None)],
                     daemon=True).start()
    result = None
    while result is None:
        line = lines.get()
        if line is None:
            sys.exit("%s ended before its first frame with the list" % binary)
        if line.startswith("first-content-frame-ms: "):
            f = line.split()
            result = {"frame": float(f[1]), "cpu": float(f[5]), "hwm_frame": hwm_mb(app.pid)}
    time.sleep(2)
    result["hwm"] = hwm_mb(app.pid)
    deadline = time.monotonic() + 60
    while "repaired" not in result:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            line = None
        if line is None:
            result["repaired"] = -1
        elif line.startswith("reconciled-ms: "):
            result["repaired"] = int(line.split()[3])
    result["hwm_keyring"] = hwm_mb(app.pid)
    app.send_signal(signal.SIGTERM)
    app.wait(timeout=30)
    return result

def seed(seeder, store):
    start = time.monotonic()
    subprocess.run([seeder, "seed-keyring", "--socialhub", os.path.join(store, "socialhub")],
                   check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start

def main():
    args, secrets, seeder = sys.argv[1:], True, "build/tests/bench/sh-bench"
    while args[0].startswith("--"):
        if args[0] == "--no-secrets":
            secrets, args = False, args[1:]
        elif args[0] == "--sh-bench":
            seeder, args = args[1], args[2:]
        else:
            sys.exit("unknown option " + args[0])
    runs, sizes, binaries = int(args[0]), [int(s) for s in args[1].split(",")], args[2:]
    scratch = tempfile.mkdtemp()
    stores = {}
    for n in sizes:
        stores[n] = os.path.join(scratch, "store-%d" % n)
        write_store(n, stores[n])
        if secrets:
            print("%d secrets stored in the session collection in %.0f s" % (n, seed(seeder, stores[n])),
                  flush=True)
    print("load average at the start:", open("/proc/loadavg").read().strip(), flush=True)
    for n in sizes:
        for b in binaries:
            run(b, stores[n], scratch)
    data = {}
    for _ in range(runs):
        for n in sizes:
            for b in binaries:
                r = run(b, stores[n], scratch)
                data.setdefault((b, n), []).append(r)
                print(n, b, r, flush=True)
    print("load average at the end:", open("/proc/loadavg").read().strip())
    med = lambda b, n, k: statistics.median(r[k] for r in data[(b, n)])
    print("secrets in the keyring:", "no (keyring lost)" if not secrets else "yes (session collection)")
    # The last column over the empty store at its first frame: its own
    # keyring step reads the attributes of every other store's item.
    print("| binary | tokens | first frame with the list | CPU to it | VmHWM at it | VmHWM 2 s later | VmHWM after the keyring step |")
    print("|---|---|---|---|---|---|---|")
    for b in binaries:
        e = sizes[0]
        for n in sizes:
            print("| %s | %d | %.0f ms = %.2fx | %.0f ms (+%.0f) | +%.1f MB | +%.1f MB | +%.1f MB |" % (
                b, n, med(b, n, "frame"), med(b, n, "frame") / med(b, e, "frame"),
                med(b, n, "cpu"), med(b, n, "cpu") - med(b, e, "cpu"),
                med(b, n, "hwm_frame") - med(b, e, "hwm_frame"), med(b, n, "hwm") - med(b, e, "hwm"),
                med(b, n, "hwm_keyring") - med(b, e, "hwm_frame")))
    shutil.rmtree(scratch, ignore_errors=True)

main()
