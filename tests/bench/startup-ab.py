#!/usr/bin/python3
# startup-ab.py RUNS SIZES BINARY... — start-up of two (or more) builds of
# the app, interleaved on the same data files (issue 18, item 1).
#
# Run it in a session of its own, under a display:
#   xvfb-run -a -s '-screen 0 1280x800x24' build-aux/with-session.sh \
#     /usr/bin/python3 tests/bench/startup-ab.py 5 0,3000,10000 \
#     /tmp/startup-old/src/socialhub build/src/socialhub
# with GSETTINGS_SCHEMA_DIR=build/data GSK_RENDERER=cairo exported.
#
# The stores are sh-bench write-store's (N tokens on N/3 channels, a
# quarter X, one in seven invalid, pictures nobody serves) written here
# without keyring items, so the reconciliation after the first frame marks
# every token "secret missing" and saves. Each run copies a fresh store, reads
# first-content-frame-ms and cpu-ms as sh-bench's startup part does, VmHWM at
# that frame and 2 s later. After one warm-up each, every round runs each
# store with each binary one after the other, so that a change of the
# machine's load falls on all of them alike; it prints medians.
import json, os, shutil, signal, statistics, subprocess, sys, tempfile, time, uuid

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
    result = None
    for line in app.stderr:
        if line.startswith("first-content-frame-ms: "):
            f = line.split()
            result = {"frame": float(f[1]), "cpu": float(f[5]), "hwm_frame": hwm_mb(app.pid)}
            break
    time.sleep(2)
    result["hwm"] = hwm_mb(app.pid)
    app.send_signal(signal.SIGTERM)
    app.communicate(timeout=30)
    return result

def main():
    runs, sizes, binaries = int(sys.argv[1]), [int(s) for s in sys.argv[2].split(",")], sys.argv[3:]
    scratch = tempfile.mkdtemp()
    stores = {}
    for n in sizes:
        stores[n] = os.path.join(scratch, "store-%d" % n)
        write_store(n, stores[n])
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
    print("| binary | tokens | first frame with the list | CPU to it | VmHWM at it | VmHWM 2 s later |")
    print("|---|---|---|---|---|---|")
    for b in binaries:
        e = sizes[0]
        for n in sizes:
            print("| %s | %d | %.0f ms = %.2fx | %.0f ms (+%.0f) | +%.1f MB | +%.1f MB |" % (
                b, n, med(b, n, "frame"), med(b, n, "frame") / med(b, e, "frame"),
                med(b, n, "cpu"), med(b, n, "cpu") - med(b, e, "cpu"),
                med(b, n, "hwm_frame") - med(b, e, "hwm_frame"), med(b, n, "hwm") - med(b, e, "hwm")))
    shutil.rmtree(scratch, ignore_errors=True)

main()
