"""Keys of every top-level statement by the metric's reference (shared/specs/nextline_keys.py), for checking the TypeScript port.

stdin: one JSON list of code-cell sources per line; stdout: one JSON list per line of [cell, start, key-string] rows.
"""
import json
import os
import sys

sys.path.insert(0, os.environ.get("GDS_SPECS", os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "specs")))
import nextline_keys as nk  # noqa: E402

for line in sys.stdin:
    cells = json.loads(line)
    table = {}
    rows = []
    for ci, src in enumerate(cells):
        parsed = nk.statements(src)
        if parsed is None:
            continue
        stmts, _text = parsed
        for a, _b, node in stmts:
            rows.append([ci, a, " ".join(nk.key_of(node, table))])
            nk.aliases_from(node, table)
    sys.stdout.write(json.dumps(rows) + "\n")
