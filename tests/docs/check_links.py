#!/usr/bin/env python3
"""Every reference to a page of the documentation resolves: each relative link in a
tracked Markdown file, and each docs/<page>.md named anywhere in a tracked file
(comments in C, scripts, the Makefile, other pages). Pages get split and renamed; a
reference left pointing at the old name is found here rather than by a reader."""
import pathlib
import re
import subprocess
import sys

top = pathlib.Path(__file__).resolve().parents[2]
files = subprocess.run(["git", "-C", str(top), "ls-files"], capture_output=True, text=True,
                       check=True).stdout.split()
link = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
named = re.compile(r"\bdocs/[A-Za-z0-9_.-]+\.md\b")

passed = failed = 0
for name in files:
    path = top / name
    if not path.is_file():
        continue
    try:
        text = path.read_text()
    except UnicodeDecodeError:
        continue
    targets = set()
    if name.endswith(".md"):
        targets |= {(path.parent / t, t) for t in link.findall(text) if "://" not in t}
    targets |= {(top / t, t) for t in named.findall(text)}
    for resolved, shown in sorted(targets):
        if resolved.exists():
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: {shown} does not exist")
print(f"doc-links: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
