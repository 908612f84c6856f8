#!/usr/bin/env python3
"""The scenario loop of load-tests/run.sh (which prepares servers, data, the published API and the environment).

Starts one API instance per configuration on 127.0.0.1, warms what must be warm, then runs every scenario with
wrk in ROUNDS interleaved rounds (each run bounded by -d), measuring the instance's CPU time from /proc/PID/stat
and its peak RSS (VmHWM). Prints a Markdown table of medians and writes load-tests/results/<time>.json and .md.
"""
import base64, hashlib, hmac, json, os, platform, random, re, statistics, subprocess, sys, threading, time, urllib.request

import profile  # load-tests/profile.py (run.sh --profile)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LUA = os.path.join(ROOT, "load-tests", "lua")
LOAD_DIR = os.environ["LOAD_DIR"]
N = int(os.environ["N"])
DURATION = int(os.environ.get("DURATION", "10"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
ONLY = [s for s in os.environ.get("ONLY", "").split(",") if s]
PROFILE = os.environ.get("PROFILE") == "1"  # run.sh --profile: perf on the service during the last round (profile.py)
RUN_ID = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
TICK_US = 1e6 / os.sysconf("SC_CLK_TCK")
HOT, L2_SET = 1000, 10000

# name, instance, lua script, codes file key, wrk threads, connections, target ratio (or None), note
SCENARIOS = [
    ("baseline", "main", "live.lua", None, 2, 64, None, "GET /health/live?r=random (plaintext)"),
    ("decode", "main", "decode.lua", "l2", 2, 64, 0.85, "GET /api/v1/codes/{code}"),
    ("hot", "main", "verify.lua", "hot", 2, 64, 0.85, "POST /api/v1/verifications, 1,000 codes in L1"),
    ("redis_l2", "l2", "verify.lua", "l2", 2, 64, 0.50, "10,000 codes in Redis, L1 bounded to 100 entries"),
    ("cold_sqlite", "cold_sqlite", "seq.lua", "cold", 2, 64, 0.35, "every code asked once, SQLite, no L2"),
    ("cold_postgres", "cold_postgres", "seq.lua", "cold", 2, 64, 0.25, "every code asked once, PostgreSQL, no L2"),
    ("notfound", "main", "notfound.lua", None, 2, 64, 0.75, "random never-issued codes (unregistered issuer)"),
    ("flood_serials", "main", "flood_serials.lua", "hot", 2, 64, 0.75, "random serials under registered issuers (never issued)"),
    ("flood_serials_nofilter", "nofilter", "flood_serials.lua", "hot", 2, 64, None, "the same, Cache__CodeFilter=false (A/B)"),
    ("flood_issuers", "main", "flood_issuers.lua", None, 2, 64, 0.80, "random unregistered issuer codes, a new one per request"),
    ("flood_issuers_nofilter", "nofilter", "flood_issuers.lua", None, 2, 64, None, "the same, Cache__CodeFilter=false (A/B)"),
    ("decode_new", "main", "decode_new.lua", "hot", 2, 64, 0.85, "GET /api/v1/codes/{code}, a never-seen code per request"),
    ("two_instances", "pair", "verify.lua", "hot", 2, 64, None, "hot verification on two instances sharing one Redis (one wrk each, -t1 -c32), summed"),
    ("organization", "main", "organization.lua", "hot", 2, 64, 0.90, "GET /api/v1/organizations/{code}"),
    ("mobile", "main", "mobile.lua", "mobile", 2, 64, 0.50, "GET /v/{code}?t={token} (HTML)"),
    ("batch", "main", "batch.lua", "hot", 1, 1, None, "1,000 cached codes per POST, one connection; target p50/p99 <= 50 ms"),
]


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def load_codes():
    path = os.path.join(LOAD_DIR, f"data-{N}", "certificates.csv")
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split(",")
        ci, ni = header.index("code"), header.index("holder_name")
        for line in f:
            p = line.split(",")
            rows.append((p[ci], p[ni]))
    random.Random(42).shuffle(rows)
    return rows


def write_codes(name, rows):
    path = os.path.join(LOAD_DIR, f"codes-{N}-{name}.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(f"{c},{n}\n" for c, n in rows)
    return path


def qr_token(code, key_b64):
    mac = hmac.new(base64.b64decode(key_b64), ("SkillVerify QR token v1\n" + code).encode("ascii"), hashlib.sha256).digest()[:12]
    return "load." + base64.urlsafe_b64encode(mac).decode().rstrip("=")


class Instance:
    def __init__(self, name, port, provider, connection, redis, extra=None):
        self.name, self.port = name, port
        self.url = f"http://127.0.0.1:{port}"
        # /metrics on a second, management port (as in production: never on the public one), for the filter's measured rate.
        self.metrics_url = f"http://127.0.0.1:{port + 100}/metrics"
        env = dict(os.environ)
        env.update({
            "ASPNETCORE_URLS": f"{self.url};http://127.0.0.1:{port + 100}",
            "Observability__MetricsHost": f"*:{port + 100}",
            "ASPNETCORE_ENVIRONMENT": "Production",
            "DOTNET_gcServer": os.environ.get("LOAD_GC_SERVER", "0"),
            "Database__Provider": provider,
            "ConnectionStrings__SkillVerify": connection,
            "RateLimiting__Enabled": "false",  # the anonymous limit (120/min per address) would throttle a load test
            "Qr__PublicBaseUrl": self.url,
            "Qr__TokenKeys__0__Id": "load",
            "Qr__TokenKeys__0__Key": os.environ["QR_KEY"],
            "Cache__KeyPrefix": f"svload-{RUN_ID}",
            "Partners__RefreshSeconds": "15",
        })
        if redis:
            env["ConnectionStrings__Redis"] = os.environ["REDIS"]
        if PROFILE:
            # Names for JIT-compiled code in perf (/tmp/perf-PID.map); W^X off so the map's addresses are the executed ones.
            env.update({"DOTNET_PerfMapEnabled": "1", "DOTNET_EnableWriteXorExecute": "0"})
        env.update(extra or {})
        work = os.path.join(LOAD_DIR, "instances", name)
        os.makedirs(work, exist_ok=True)
        self.log_path = os.path.join(work, "stdout.log")
        self.proc = subprocess.Popen(["dotnet", os.path.join(LOAD_DIR, "api", "SkillVerify.Api.dll")], cwd=work, env=env,
                                     stdout=subprocess.DEVNULL if os.environ.get("LOAD_KEEP_LOGS") != "1" else open(self.log_path, "w"),
                                     stderr=open(os.path.join(work, "stderr.log"), "w"))

    def wait_ready(self):
        for _ in range(300):
            if self.proc.poll() is not None:
                raise SystemExit(f"instance {self.name} exited with {self.proc.returncode}; see {LOAD_DIR}/instances/{self.name}/stderr.log")
            try:
                with urllib.request.urlopen(self.url + "/health/ready", timeout=2) as r:
                    if r.status == 200:
                        return
            except Exception:
                pass
            time.sleep(0.2)
        raise SystemExit(f"instance {self.name} not ready")

    def cpu_ticks(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)

    def status(self, key):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) // 1024  # MB
        return 0

    def certificate_lookups(self):
        """skillverify.cache.lookups for certificates: (misses, hits) so far."""
        with urllib.request.urlopen(self.metrics_url, timeout=5) as r:
            text = r.read().decode()
        counts = {"miss": 0.0, "hit": 0.0}
        for m in re.finditer(r'^skillverify_cache_lookups(?:_total)?\{([^}]*)\} (\S+)', text, re.M):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
            if labels.get("entity") == "certificate" and labels.get("result") in counts:
                counts[labels["result"]] += float(m.group(2))
        return counts["miss"], counts["hit"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wrk(instance, script, codes, threads, conns, duration, perf_path=None):
    env = dict(os.environ, LUA_DIR=LUA, WRK_THREADS=str(threads))
    if codes:
        env["CODES"] = codes
    before = instance.cpu_ticks()
    perf = None
    if perf_path:
        # From 1 s in to 1 s before the end: the steady part of the run.
        perf = threading.Timer(1, lambda: setattr(instance, "perf", profile.record(instance.proc.pid, perf_path, max(1, duration - 2))))
        perf.start()
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--timeout", "10s", "-s", os.path.join(LUA, script), instance.url],
                         env=env, capture_output=True, text=True, timeout=duration + 60)
    cpu_us = (instance.cpu_ticks() - before) * TICK_US
    if perf:
        perf.join()
        instance.perf.wait(30)
    line = next((l for l in out.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no summary:\n{out.stdout}\n{out.stderr}")
    r = json.loads(line[8:])
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["cpu_us_per_req"] = cpu_us / max(r["requests"], 1)
    r["rss_peak_mb"] = instance.status("VmHWM")
    r["rss_mb"] = instance.status("VmRSS")
    return r


def wrk_pair(pair, script, codes, duration):
    """One wrk per instance at the same time (-t1 -c32 each): requests summed, the worse instance's latencies."""
    env = dict(os.environ, LUA_DIR=LUA, WRK_THREADS="1")
    if codes:
        env["CODES"] = codes
    before = [i.cpu_ticks() for i in pair]
    procs = [subprocess.Popen(["wrk", "-t1", "-c32", f"-d{duration}s", "--timeout", "10s", "-s", os.path.join(LUA, script), i.url],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in pair]
    outs = [p.communicate(timeout=duration + 60)[0] for p in procs]
    cpu_us = sum(i.cpu_ticks() - b for i, b in zip(pair, before)) * TICK_US
    rs = []
    for out in outs:
        line = next((l for l in out.splitlines() if l.startswith("WRKJSON ")), None)
        if line is None:
            raise SystemExit(f"wrk gave no summary:\n{out}")
        rs.append(json.loads(line[8:]))
    r = {"requests": sum(x["requests"] for x in rs), "errors": sum(x["errors"] for x in rs), "status_errors": sum(x["status_errors"] for x in rs),
         "duration_us": max(x["duration_us"] for x in rs), "p50_us": max(x["p50_us"] for x in rs), "p99_us": max(x["p99_us"] for x in rs),
         "max_us": max(x["max_us"] for x in rs)}
    r["rps"] = sum(x["requests"] / (x["duration_us"] / 1e6) for x in rs)
    r["cpu_us_per_req"] = cpu_us / max(r["requests"], 1)
    r["rss_peak_mb"] = max(i.status("VmHWM") for i in pair)
    r["rss_mb"] = max(i.status("VmRSS") for i in pair)
    return r


def run(instances, inst_name, script, codes, threads, conns, duration, perf_path=None):
    if inst_name == "pair":
        return wrk_pair([instances["pair_a"], instances["pair_b"]], script, codes, duration)
    return wrk(instances[inst_name], script, codes, threads, conns, duration, perf_path)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    scenarios = [s for s in SCENARIOS if not ONLY or s[0] in ONLY or s[0] == "baseline"]
    log(f"== codes ({N:,} certificates)")
    rows = load_codes()
    files = {"hot": write_codes("hot", rows[:HOT]), "l2": write_codes("l2", rows[HOT:HOT + L2_SET])}
    files["mobile"] = write_codes("mobile", [(c, qr_token(c, os.environ["QR_KEY"])) for c, _ in rows[:HOT]])
    rest = rows[HOT + L2_SET:]
    per_round = min(len(rest) // (ROUNDS + 1), 400_000)  # wrk's Lua loads the file in every thread: keep it quick
    # Slice 0 warms the cold instances' JIT; each round then asks codes no earlier run asked.
    cold = [write_codes(f"cold{i}", rest[i * per_round:(i + 1) * per_round]) for i in range(ROUNDS + 1)]
    del rows, rest

    needed = {n for s in scenarios for n in (("pair_a", "pair_b") if s[1] == "pair" else (s[1],))}
    configs = {
        "main": ("sqlite", f"Data Source={os.environ['SQLITE_DB']}", True, None),
        # Redis keeps the warm-up's entries for the whole run (a full run is longer than the default 600 s).
        "l2": ("sqlite", f"Data Source={os.environ['SQLITE_DB']}", True, {"Cache__MaxLocalEntries": "100", "Cache__RecordSeconds": "3600"}),
        "cold_sqlite": ("sqlite", f"Data Source={os.environ['SQLITE_DB']}", False, None),
        "cold_postgres": ("postgres", os.environ["PG_CONN"], False, None),
        "nofilter": ("sqlite", f"Data Source={os.environ['SQLITE_DB']}", True, {"Cache__CodeFilter": "false"}),
        "pair_a": ("sqlite", f"Data Source={os.environ['SQLITE_DB']}", True, None),
        "pair_b": ("sqlite", f"Data Source={os.environ['SQLITE_DB']}", True, None),
    }
    instances = {}
    try:
        for i, name in enumerate(n for n in configs if n in needed):
            provider, conn, redis, extra = configs[name]
            instances[name] = Instance(name, 5190 + i, provider, conn, redis, extra)
        for inst in instances.values():
            inst.wait_ready()
        # Ready answers before the known codes (KnownCodes) are built: give the build its time (about 2 s per million codes).
        time.sleep(max(3, 2 * N / 1e6))
        main_inst = instances["main"]
        log("== warm-up (JIT, caches)")
        for name, inst_name, script, key, threads, conns, _, _ in scenarios:
            codes = cold[0] if key == "cold" else files.get(key)
            script = "seq.lua" if name == "redis_l2" else script  # every L2 code asked once: into Redis
            # Cold instances JIT the store path only here: 5 s left the JIT at 13 % of a cold run's samples, 20 s at 0.5 %.
            run(instances, inst_name, script, codes, threads, conns, 20 if key == "cold" else 10 if name == "redis_l2" else 5)
        if "redis_l2" in needed:
            wrk(instances["l2"], "verify.lua", files["l2"], 2, 64, 3)

        results = {s[0]: [] for s in scenarios}
        loads = []
        profiled = {}
        # With --profile, one more round under perf after the measured ones (perf slows the service: not in the medians).
        for rnd in range(1, ROUNDS + 1 + (1 if PROFILE else 0)):
            loads.append(loadavg())  # at each round's start; before the profile round, the measured rounds' end
            if rnd > ROUNDS:
                log("== profile round (perf; not in the medians)")
            for name, inst_name, script, key, threads, conns, _, _ in scenarios:
                codes = cold[min(rnd, ROUNDS)] if key == "cold" else files.get(key)
                measure_filter = name == "flood_serials"
                lookups = instances[inst_name].certificate_lookups() if measure_filter else None
                if rnd > ROUNDS:
                    if inst_name != "pair":
                        perf_path = os.path.join(LOAD_DIR, "profiles", f"{RUN_ID}-{name}.data")
                        r = run(instances, inst_name, script, codes, threads, conns, DURATION, perf_path)
                        profiled[name] = dict(r, perf_data=perf_path)
                    continue
                r = run(instances, inst_name, script, codes, threads, conns, DURATION)
                r["round"] = rnd
                if measure_filter:
                    # Every code of this scenario is never issued (serials above any issued one), so a certificate lookup
                    # that went past the filter to the cache and store (a miss) is a false positive of the filter.
                    after = instances[inst_name].certificate_lookups()
                    misses, hits = after[0] - lookups[0], after[1] - lookups[1]
                    r["filter_passed"], r["filter_lookups"] = misses, misses + hits
                results[name].append(r)
                log(f"round {rnd} {name:14} {r['rps']:9.0f} req/s  p50 {r['p50_us'] / 1000:7.2f} ms  p99 {r['p99_us'] / 1000:7.2f} ms  "
                    f"cpu {r['cpu_us_per_req']:7.1f} us/req  errors {r['errors']}  rss {r['rss_mb']} MB (peak {r['rss_peak_mb']})")
        if not PROFILE:
            loads.append(loadavg())
        peaks = {n: i.status("VmHWM") for n, i in instances.items()}
        if "pair_a" in peaks:
            peaks["pair"] = max(peaks["pair_a"], peaks["pair_b"])
    finally:
        for inst in instances.values():
            inst.stop()

    summary = []
    for name, inst_name, script, key, threads, conns, target, note in scenarios:
        rs = results[name]
        ratio = statistics.median(r["rps"] / b["rps"] for r, b in zip(rs, results["baseline"])) if name != "baseline" else 1.0
        summary.append({
            "scenario": name, "instance": inst_name, "note": note, "threads": threads, "connections": conns,
            "rps": statistics.median(r["rps"] for r in rs), "ratio": ratio,
            "p50_ms": statistics.median(r["p50_us"] for r in rs) / 1000, "p99_ms": statistics.median(r["p99_us"] for r in rs) / 1000,
            "cpu_us_per_req": statistics.median(r["cpu_us_per_req"] for r in rs),
            "errors": sum(r["errors"] for r in rs), "requests": sum(r["requests"] for r in rs),
            "rss_peak_mb": peaks[inst_name], "target_ratio": target,
            "met": None if target is None else ratio >= target,
        })
        if name == "flood_serials" and sum(r["filter_lookups"] for r in rs):
            summary[-1]["filter_passed"] = sum(r["filter_passed"] for r in rs)
            summary[-1]["filter_lookups"] = sum(r["filter_lookups"] for r in rs)
            summary[-1]["filter_rate"] = summary[-1]["filter_passed"] / summary[-1]["filter_lookups"]
    profiles = {}
    if PROFILE:
        log("== profiles (perf script)")
        for s in summary:
            p = profiled.get(s["scenario"])
            if p and os.path.exists(p["perf_data"]):
                shares, top, samples = profile.categorize(p["perf_data"])
                # The shares split the measured rounds' median CPU µs/req (the profiled round's own is inflated by perf).
                profiles[s["scenario"]] = {"shares": shares, "top_self": top, "samples": samples, "cpu_us_per_req": s["cpu_us_per_req"],
                                           "profiled_cpu_us_per_req": p["cpu_us_per_req"], "profiled_rps": p["rps"], "perf_data": p["perf_data"]}
    batch = next((s for s in summary if s["scenario"] == "batch"), None)
    if batch:
        batch["met"] = batch["p50_ms"] <= 50
    hot = next((s for s in summary if s["scenario"] == "hot"), None)

    machine = {"cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine()),
               "cores": os.cpu_count(), "kernel": platform.release(),
               "mem_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)}
    doc = {
        "run": RUN_ID, "commit": os.environ.get("COMMIT"), "label": os.environ.get("LABEL"), "certificates": N,
        "duration_s": DURATION, "rounds": ROUNDS, "machine": machine, "loadavg": loads,
        "command": " ".join(["load-tests/run.sh"] + sys.argv[1:]) if False else os.environ.get("RUN_COMMAND", "load-tests/run.sh"),
        "summary": summary, "runs": results, "rss_peak_mb": peaks, "profiles": profiles,
        "hot_p99_met": None if hot is None else hot["p99_ms"] <= 3,
    }
    lines = [
        f"Run {RUN_ID} · commit {doc['commit']} · {N:,} certificates · {ROUNDS} rounds × {DURATION} s · wrk -t2 -c64 · "
        f"{machine['cores']} cores ({machine['cpu']}) · load average at round starts/end: {' | '.join(loads)}"
        + (f" · {doc['label']}" if doc["label"] else ""),
        "",
        "| scenario | req/s (median) | ratio to baseline | target | p50 ms | p99 ms | CPU µs/req | errors | instance peak RSS MB |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for s in summary:
        if s["scenario"] == "batch":
            target = "p50 ≤ 50 ms " + ("✅" if s["met"] else "❌")
        elif s["target_ratio"] is None:
            target = "—"
        else:
            target = f"≥ {s['target_ratio']:.2f} " + ("✅" if s["met"] else "❌")
        if s["scenario"] == "hot":
            target += f" · p99 ≤ 3 ms " + ("✅" if doc["hot_p99_met"] else "❌")
        ratio = "— (latency target)" if s["scenario"] == "batch" else f"{s['ratio']:.2f}"
        lines.append(f"| {s['scenario']} | {s['rps']:,.0f} | {ratio} | {target} | {s['p50_ms']:.2f} | {s['p99_ms']:.2f} | "
                     f"{s['cpu_us_per_req']:.0f} | {s['errors']} | {s['rss_peak_mb']} |")
    for s in summary:
        if "filter_rate" in s:
            lines.append(f"\n{s['scenario']}: {s['filter_passed']:,.0f} of {s['filter_lookups']:,.0f} never-issued codes went past the code "
                         f"filter to the cache and store: measured false-positive rate {s['filter_rate']:.4%}.")
    if profiles:
        lines.append("\nWhere the CPU goes (perf in one more round, profile.py): µs per request by category, the measured median CPU µs/req "
                     "split by the profiled round's share of samples. two_instances is not profiled (two processes).\n")
        lines.append(profile.table(profiles, {k: p["cpu_us_per_req"] for k, p in profiles.items()}))
    table = "\n".join(lines)
    print(table)
    out = os.path.join(ROOT, "load-tests", "results", RUN_ID)
    with open(out + ".json", "w") as f:
        json.dump(doc, f, indent=1)
    with open(out + ".md", "w") as f:
        f.write(table + "\n")
    log(f"== wrote {out}.json and .md")


def soak(seconds):
    """Memory over time: one instance (SQLite + Redis), wrk in 20-second chunks cycling through the request mix."""
    log(f"== soak for {seconds} s")
    rows = load_codes()
    files = {"hot": write_codes("hot", rows[:HOT]), "l2": write_codes("l2", rows[HOT:HOT + L2_SET])}
    files["mobile"] = write_codes("mobile", [(c, qr_token(c, os.environ["QR_KEY"])) for c, _ in rows[:HOT]])
    files["churn"] = write_codes("churn", rows[HOT + L2_SET:HOT + L2_SET + 300_000])  # more than L1 holds: evictions
    del rows
    mix = [("verify.lua", "hot"), ("notfound.lua", None), ("mobile.lua", "mobile"), ("verify.lua", "churn"), ("organization.lua", "hot"), ("decode.lua", "l2")]
    inst = Instance("soak", 5199, "sqlite", f"Data Source={os.environ['SQLITE_DB']}", True)
    samples = []
    try:
        inst.wait_ready()
        start = time.time()
        i = 0
        while time.time() - start < seconds:
            script, key = mix[i % len(mix)]
            chunk = int(min(20, max(1, seconds - (time.time() - start))))
            r = wrk(inst, script, files.get(key), 2, 64, chunk)
            samples.append({"t_s": round(time.time() - start), "script": script, "codes": key, "requests": r["requests"], "errors": r["errors"],
                            "rps": round(r["rps"]), "p99_ms": r["p99_us"] / 1000, "rss_mb": r["rss_mb"], "rss_peak_mb": r["rss_peak_mb"]})
            log(f"t={samples[-1]['t_s']:5}s {script:17} {r['rps']:8.0f} req/s errors {r['errors']} rss {r['rss_mb']} MB (peak {r['rss_peak_mb']})")
            i += 1
    finally:
        inst.stop()
    n = len(samples)
    first = samples[min(len(mix), n - 1)]["rss_mb"]  # after one pass of the mix: warm
    last = samples[-1]["rss_mb"]
    doc = {"run": RUN_ID, "commit": os.environ.get("COMMIT"), "seconds": seconds, "certificates": N, "loadavg": loadavg(),
           "requests": sum(s["requests"] for s in samples), "errors": sum(s["errors"] for s in samples),
           "rss_after_first_pass_mb": first, "rss_end_mb": last, "rss_max_mb": max(s["rss_mb"] for s in samples),
           "rss_peak_mb": samples[-1]["rss_peak_mb"], "samples": samples}
    text = (f"Soak {RUN_ID} · commit {doc['commit']} · {seconds} s · {doc['requests']:,} requests · {doc['errors']} errors · "
            f"RSS after the first pass {first} MB, at the end {last} MB, highest sample {doc['rss_max_mb']} MB, VmHWM {doc['rss_peak_mb']} MB · "
            f"load average at the end {doc['loadavg']}\n\n"
            "| t (s) | requests | req/s | errors | RSS MB |\n|---:|---:|---:|---:|---:|\n"
            + "".join(f"| {s['t_s']} | {s['requests']:,} | {s['rps']:,} | {s['errors']} | {s['rss_mb']} |\n" for s in samples[::max(1, n // 12)]))
    print(text)
    out = os.path.join(ROOT, "load-tests", "results", "soak-" + RUN_ID)
    with open(out + ".json", "w") as f:
        json.dump(doc, f, indent=1)
    with open(out + ".md", "w") as f:
        f.write(text)
    log(f"== wrote {out}.json and .md")


if __name__ == "__main__":
    if os.environ.get("SOAK"):
        soak(int(os.environ["SOAK"]))
    else:
        main()
