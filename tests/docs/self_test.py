#!/usr/bin/env python3
"""Proves the two docs checkers can fail: a stale rendered block and a broken
link or anchor in a scratch page must each be reported (exit 1), and the same
page made correct must pass."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RENDER = os.path.join(ROOT, "bench", "render_docs.py")
LINKS = os.path.join(HERE, "check_links.py")
RAW = "bench/results/kernels/target-avx2.json"


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True).returncode


def main():
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        page = os.path.join(tmp, "page.md")
        with open(page, "w") as f:
            f.write(f"# Page\n\n## A section\n\n<!-- render: targets {RAW} -->\n| stale |\n<!-- end render -->\n")
        if run(RENDER, "--check", page) != 1:
            failures.append("a stale block passed --check")
        if run(RENDER, page) != 0 or run(RENDER, "--check", page) != 0:
            failures.append("a freshly rendered block failed --check")
        with open(page, "a") as f:
            f.write("\n[ok](page.md#a-section) [missing](nowhere.md)\n")
        if run(LINKS, page) != 1:
            failures.append("a link to a missing file passed")
        with open(page, "a") as f:
            f.write("\n[bad anchor](#no-such-heading)\n")
        text = open(page).read().replace("[missing](nowhere.md)", "")
        with open(page, "w") as f:
            f.write(text)
        if run(LINKS, page) != 1:
            failures.append("a link to a missing anchor passed")
        with open(page, "w") as f:
            f.write(text.replace("(#no-such-heading)", "(#page)"))
        if run(LINKS, page) != 0:
            failures.append("a page with only good links failed")
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
