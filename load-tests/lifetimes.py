#!/usr/bin/env python3
"""Timing of "the second request after the cache lifetimes" for real and unknown codes (issue 13).

One instance of the published API (demo dataset, Redis L2, limits off), one client, one request at a time.
Every code is asked once with a wrong holder name (so real and unknown answers are the same bytes), then once
more after WAIT_1 seconds (past the old in-process "not found" lifetime of 30 s, inside the record L1 lifetime
of 60 s) and once more after WAIT_2 seconds (past L1, inside the Redis lifetime of 10 min). Prints the median
latency of each class at each point and the ratio unknown/real. Reported, not a target: that a code exists is
not personal data (domain.md section 6); what matters is that the tiers treat both alike.

    load-tests/lifetimes.py API_DIR [LABEL]      # API_DIR: a `scripts/publish.sh` output folder
Take the bench lock around it: flock -o /tmp/skillverify-bench.lock load-tests/lifetimes.py ...
"""
import http.client, json, os, sqlite3, statistics, subprocess, sys, tempfile, time, uuid

API = sys.argv[1]
LABEL = sys.argv[2] if len(sys.argv) > 2 else os.path.basename(API.rstrip("/"))
PORT = int(os.environ.get("PORT", "5391"))
CODES = int(os.environ.get("CODES", "150"))
WAIT_1, WAIT_2 = float(os.environ.get("WAIT_1", "36")), float(os.environ.get("WAIT_2", "75"))
REDIS = os.environ.get("SKILLVERIFY_TEST_REDIS", "127.0.0.1:6390")

data = tempfile.mkdtemp(prefix="sv-lifetimes-")
env = dict(os.environ)
env.update({
    "ASPNETCORE_URLS": f"http://127.0.0.1:{PORT}", "ASPNETCORE_ENVIRONMENT": "Production",
    "Database__DataDirectory": data, "Demo__Enabled": "true",   # builds before issue 13 take the demo implicitly
    "ConnectionStrings__Redis": REDIS, "Cache__KeyPrefix": f"svlife-{uuid.uuid4().hex[:8]}",
    "RateLimiting__Enabled": "false", "Logging__LogLevel__Default": "Warning",
})
proc = subprocess.Popen(["dotnet", os.path.join(API, "SkillVerify.Api.dll")], cwd=data, env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    conn = None
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            conn.request("GET", "/health/ready")
            if conn.getresponse().read() is not None:
                break
        except OSError:
            time.sleep(0.2)
    db = sqlite3.connect(os.path.join(data, "skillverify.db"))
    real = [r[0] for r in db.execute("SELECT code FROM certificates ORDER BY code LIMIT ?", (CODES,))]
    held = {r[0] for r in db.execute("SELECT code FROM certificates")}
    # Unknown codes of the same issuers, level and year: only the serial differs, so the record lookup does run.
    unknown = []
    for code in real:
        for serial in range(999999, 0, -1):
            candidate = code[:16] + f"{serial:06d}"
            if candidate not in held and candidate not in unknown:
                unknown.append(candidate)
                break
    db.close()
    pairs = [(c, "real") for c in real] + [(c, "unknown") for c in unknown]
    pairs.sort(key=lambda p: p[0][16:] + p[1])  # interleaved, so drift in load falls on both classes alike

    def ask(code):
        body = json.dumps({"code": code, "holderName": "某人不存在"})
        started = time.perf_counter()
        conn.request("POST", "/api/v1/verifications", body=body, headers={"Content-Type": "application/json"})
        answer = conn.getresponse().read()
        elapsed = time.perf_counter() - started
        return elapsed, answer

    first = {}
    for code, _ in pairs:
        _, first[code] = ask(code)
    warmed = time.monotonic()
    results = {}
    for point, wait in (("after 36 s", WAIT_1), ("after 75 s", WAIT_2)):
        time.sleep(max(0.0, warmed + wait - time.monotonic()))
        times = {"real": [], "unknown": []}
        for code, kind in pairs:
            elapsed, _ = ask(code)
            times[kind].append(elapsed * 1000)
        results[point] = {k: statistics.median(v) for k, v in times.items()}
    load = open("/proc/loadavg").read().split()[0]
    print(f"{LABEL}: {CODES} real + {CODES} unknown codes, wrong name, one request at a time, load average {load}")
    for point, medians in results.items():
        print(f"  second request {point}: median real {medians['real']:.3f} ms, unknown {medians['unknown']:.3f} ms,"
              f" unknown/real {medians['unknown'] / medians['real']:.2f}")
finally:
    proc.terminate()
    proc.wait(timeout=20)
