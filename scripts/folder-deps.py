#!/usr/bin/env python3
"""Which folder of src/SkillVerify.Api uses which (from `using SkillVerify.Api.X` lines and qualified
`X.Type` / `SkillVerify.Api.X.` references), and the cycles among them (strongly connected components).
Usage: scripts/folder-deps.py [src/SkillVerify.Api]   Exit code 1 when there is a cycle."""
import os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "SkillVerify.Api")
folders = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and d not in ("bin", "obj", "Properties"))
edges = {f: {} for f in folders + ["(root)"]}
comment = re.compile(r"//.*?$|/\*.*?\*/", re.S | re.M)
for dirpath, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if d not in ("bin", "obj")]
    rel = os.path.relpath(dirpath, root)
    src = "(root)" if rel == "." else rel.split(os.sep)[0]
    for name in files:
        if not name.endswith((".cs", ".razor")):
            continue
        path = os.path.join(dirpath, name)
        text = open(path, encoding="utf-8").read()
        code = comment.sub("", text)  # a <see cref> in a comment is not a dependency
        for f in folders:
            if f == src:
                continue
            pattern = r"(?:using\s+SkillVerify\.Api\.%s\s*;|@using\s+SkillVerify\.Api\.%s\b|SkillVerify\.Api\.%s\.|(?<![\w.])%s\.[A-Z]\w*)" % ((f,) * 4)
            if re.search(pattern, code):
                edges[src].setdefault(f, []).append(os.path.relpath(path, root))

# Tarjan's strongly connected components.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        sccs.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in edges:
    if v not in index:
        visit(v)

for f in sorted(edges):
    if edges[f]:
        print(f"{f} -> " + ", ".join(f"{t} ({len(edges[f][t])})" for t in sorted(edges[f])))
cycles = [c for c in sccs if len(c) > 1]
if not cycles:
    print("no folder cycles")
for c in cycles:
    print("CYCLE: " + " <-> ".join(c))
    for a in c:
        for b in c:
            if b in edges[a]:
                print(f"  {a} -> {b}: " + ", ".join(sorted(set(edges[a][b]))))
sys.exit(1 if cycles else 0)
