"""Where a scenario's CPU goes: `perf record` on the service during one round, each sample put in one category.

Used by runner.py under `load-tests/run.sh --profile`. A sample goes to the first frame, walking from the leaf toward
the root, that belongs to a category below (so memmove called by the serializer counts as serialization, and
Kestrel's frames, which are at the root of every request, only take what nothing nearer claims); a sample whose leaf
is in the kernel is "kernel". The categories' shares times the scenario's CPU µs per request give µs per request, to
set beside the baseline's (what a request pays beyond plaintext).
perf is linux-perf (Debian); symbols for JIT-compiled code come from the runtime's perf map (DOTNET_PerfMapEnabled=1).
"""
import collections
import re
import subprocess

# (category, pattern on the symbol or library); the leaf-first walk decides, and within one frame the first match.
# JSON: System.Text.Json. database: SQLite, Npgsql, Dapper and the store. cache: FusionCache, the memory and output
# caches, the L2 serializer. checks: Verifier, Sentences, VerificationService, the answer memo. decode: code parsing and decoding.
# HMAC: holder-data hashes. pages: HTML pages (Razor components' static rendering) and QR. audit/logs: the audit record and logs. metrics: OpenTelemetry.
# limits: rate limits and holder-check budgets. registry: the in-memory registry and code filter. service: the rest
# of SkillVerify. ASP.NET: Kestrel, routing, middleware. sockets/pool: sockets, epoll, thread pool. kernel: a sample
# whose leaf is in the kernel (network stack, scheduling). runtime: the rest (allocation, copies, casts, libc).
CATEGORIES = [
    ("GC", r"\bWKS::|\bSVR::|gc_heap|GCHeap|GarbageCollect"),
    ("JIT", r"libclrjit"),
    ("JSON", r"System\.Text\.Json"),
    ("database", r"Microsoft\.Data\.Sqlite|SQLitePCL|e_sqlite3|libsqlite|Npgsql|Dapper|SkillVerify\.Data\.(?!Caching)"),
    ("Redis", r"StackExchange\.Redis|Pipelines\.Sockets"),
    ("cache", r"ZiggyCreatures|Microsoft\.Extensions\.Caching|Microsoft\.AspNetCore\.OutputCaching|SkillVerify\.Data\.Caching|SkillVerify\.Api\.Caching\.(?!KnownCodes|CodeFilter)"),
    ("checks", r"SkillVerify\.Domain\.Verification|SkillVerify\.Api\.Verification\.(VerificationService|AnswerMemo)"),
    ("decode", r"SkillVerify\.Domain\.Codes"),
    ("HMAC", r"HolderHasher|IncrementalHash|HMAC|libcrypto|libssl"),
    ("pages", r"SkillVerify\.Api\.(Pages|Qr)|Microsoft\.AspNetCore\.Components|RazorSlices|HtmlEncoder|System\.Text\.Encodings\.Web"),
    ("audit/logs", r"Microsoft\.Extensions\.Logging|VerificationAudit|BatchedConsole|ZLogger"),
    ("metrics", r"OpenTelemetry|System\.Diagnostics\.Metrics|VerificationMetrics"),
    ("limits", r"RateLimit|HolderBindingBudget"),
    ("registry", r"KnownCodes|CodeFilter|SkillVerify\.Api\.Registry"),
    ("service", r"SkillVerify\."),
    ("ASP.NET", r"Microsoft\.AspNetCore|Microsoft\.Extensions\.Primitives|System\.IO\.Pipelines"),
    # Not System.Threading.Tasks: async plumbing is everywhere, and its samples go to the code that awaits.
    ("sockets/pool", r"System\.Net\.Sockets|ThreadPool|WorkStealingQueue|LowLevelLifoSemaphore|epoll"),
]
COMPILED = [(name, re.compile(pattern)) for name, pattern in CATEGORIES]
KERNEL = "kernel"
OTHER = "runtime"


def record(pid, path, seconds):
    """Starts perf on the process for `seconds`; returns the Popen (wait on it)."""
    return subprocess.Popen(["perf", "record", "-F", "999", "-g", "-p", str(pid), "-o", path, "--", "sleep", str(seconds)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def method(symbol):
    """The declaring type and method of a managed frame ("instance RET [Asm] Ns.Type::Name(ARGS)[Tier]" -> "Ns.Type::Name"):
    the return and parameter types name other namespaces (a SkillVerify.Data type passed to the checks is not database
    work). Native symbols stay as they are."""
    bare = re.sub(r"\[(OptimizedTier1|Optimized|QuickJitted|PreJIT|Tier0|Tier1|InstrumentedTier\w*)\]", "", symbol)
    while True:  # the parameter lists, innermost first (generic arguments may hold parentheses too)
        shorter = re.sub(r"\([^()]*\)", "", bare)
        if shorter == bare:
            break
        bare = shorter
    names = [t for t in bare.split() if "::" in t]
    return names[-1] if names else symbol


def categorize(path, top=8):
    """{category: share}, the top self symbols and the sample count, from a perf.data file."""
    text = subprocess.run(["perf", "script", "-i", path], capture_output=True, text=True, errors="replace").stdout
    shares, selfs, total = collections.Counter(), collections.Counter(), 0
    frames = []

    def finish():
        nonlocal total
        if not frames:
            return
        total += 1
        selfs[frames[0][0][:120]] += 1
        if "kernel" in frames[0][1]:
            shares[KERNEL] += 1
            return
        for symbol, library in frames:
            for name, pattern in COMPILED:
                if pattern.search(symbol) or pattern.search(library):
                    shares[name] += 1
                    return
        shares[OTHER] += 1

    for line in text.splitlines():
        if not line.strip():
            finish()
            frames = []
        elif line[0] in " \t":
            m = re.match(r"\s*[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$", line)
            if m:
                frames.append((method(m.group(1)), m.group(2)))
    finish()
    return {k: v / total for k, v in shares.most_common()} if total else {}, [(s, n / total) for s, n in selfs.most_common(top)] if total else [], total


def table(profiles, cpu_us):
    """Markdown: one row per scenario, µs per request by category (the categories that reach 2 µs anywhere)."""
    wanted = [name for name, _ in CATEGORIES] + [KERNEL, OTHER]
    shown = [c for c in wanted if any(p["shares"].get(c, 0) * cpu_us[s] >= 2 for s, p in profiles.items())]
    lines = ["| scenario | CPU µs/req | " + " | ".join(shown) + " |", "|---|---:|" + "---:|" * len(shown)]
    for s, p in profiles.items():
        lines.append(f"| {s} | {cpu_us[s]:.0f} | " + " | ".join(f"{p['shares'].get(c, 0) * cpu_us[s]:.0f}" for c in shown) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    # python3 load-tests/profile.py load-tests/results/<run>.json: the table again from the run's perf files (kept under
    # $LOAD_DIR/profiles), e.g. after changing a category.
    import json
    import sys
    doc = json.load(open(sys.argv[1]))
    profiles = {}
    for name, p in doc["profiles"].items():
        shares, top, samples = categorize(p["perf_data"])
        profiles[name] = {"shares": shares}
    print(table(profiles, {k: p["cpu_us_per_req"] for k, p in doc["profiles"].items()}))
