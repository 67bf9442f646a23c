"""Which code cells parse as Python 3 the way the next-line metric's reference decides it (shared/specs/nextline_keys.py).

stdin: one JSON list of cell sources per line; stdout: one string of 0/1 per line (1: the cell parses). Standard library only.
"""
import ast
import json
import re
import sys

MAGIC = re.compile(r"^\s*[%!?]")


def parses(src):
    text = "\n".join("" if MAGIC.match(l) else l for l in src.splitlines())
    try:
        ast.parse(text)
        return "1"
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "0"


for line in sys.stdin:
    sys.stdout.write("".join(parses(s) for s in json.loads(line)) + "\n")
    sys.stdout.flush()
