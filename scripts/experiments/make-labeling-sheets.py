#!/usr/bin/env python3
"""Labelling sheets for stage hand labels: every cell of a notebook in order (markdown for context), code cells to
label marked with an id. Labellers see no labels and no model output.

Two modes, both deterministic:

  sample KAGGLE_DIR OUT_DIR SHEETS --exclude FILE.jsonl... [--skip FILE.jsonl...] [--seed S] [--notebooks N]
         [--min-cells 8] [--max-cells 30] [--fit-share 0.667] [--allow-starters]
      one notebook from each of N datasets named in none of the --exclude files (datasets in sha1 order of the
      seed), among readable Python notebooks with 8-30 non-empty code cells, not auto-generated "starter"
      notebooks, not a copy of one already chosen; two of every three must fit a model, so that every stage is
      well represented. gds-hand.jsonl was drawn as `--seed gds-hand-2026 --notebooks 40 --min-cells 6
      --max-cells 24 --fit-share 0 --allow-starters --exclude report-dev.jsonl`. Every non-empty code cell is to be labelled. Notebooks named in a --skip file (and exact
      copies of them) are not chosen, though their datasets may be.

  relabel KAGGLE_DIR OUT_DIR SHEETS --labels FILE.jsonl
      sheets for the notebooks of an existing label file, where only the cells it labels are to be labelled
      (the others are shown as context): a blind second opinion on existing labels.

Writes OUT_DIR/sheet-K.txt and OUT_DIR/index.json (id, sheet, notebook, dataset, code_cell, source).
"""
import argparse
import hashlib
import json
import os
import re


def text(cell):
    s = cell.get('source', cell.get('input', ''))
    return ''.join(s) if isinstance(s, list) else (s or '')


def read_cells(path):
    nb = json.load(open(path))
    if 'cells' in nb:
        return nb, nb['cells']
    return nb, [c for ws in nb.get('worksheets', []) for c in ws.get('cells', [])]


def sheet_lines(name, dataset, cells, wanted):
    """wanted(k, src) says whether code cell k (1-based among code cells) is to be labelled."""
    lines = [f'\n\n######## NOTEBOOK {name}  (dataset {dataset})\n']
    rows = []
    k = 0
    for c in cells:
        src = text(c)
        if c.get('cell_type') == 'markdown':
            lines.append('[markdown]\n' + src.strip()[:600] + '\n')
        elif c.get('cell_type') == 'code':
            k += 1
            if not src.strip():
                continue
            if wanted(k, src):
                cid = f'{name}#{k}'
                rows.append({'id': cid, 'notebook': name, 'dataset': dataset, 'code_cell': k, 'source': src})
                lines.append(f'<<<CELL {cid}>>>\n{src}\n<<<END>>>\n')
            else:
                lines.append(f'[context code, not to label]\n{src[:1500]}\n')
    return lines, rows


def write_sheets(out_dir, notebooks, sheets):
    """notebooks: list of (lines, rows); spread over sheets so each gets about the same number of cells."""
    os.makedirs(out_dir, exist_ok=True)
    bins = [[] for _ in range(sheets)]
    sizes = [0] * sheets
    for lines, rows in sorted(notebooks, key=lambda nb: -len(nb[1])):
        b = sizes.index(min(sizes))
        bins[b].append((lines, rows))
        sizes[b] += len(rows)
    index = []
    for b, part in enumerate(bins):
        text_out = []
        for lines, rows in part:
            text_out.extend(lines)
            index.extend({**r, 'sheet': b} for r in rows)
        open(os.path.join(out_dir, f'sheet-{b}.txt'), 'w').write('\n'.join(text_out))
    json.dump(index, open(os.path.join(out_dir, 'index.json'), 'w'))
    print(f'{len(notebooks)} notebooks, {len(index)} cells in {sheets} sheets: {sizes}')


def sample(args):
    excluded = set()
    for path in args.exclude:
        excluded |= {json.loads(l)['dataset'] for l in open(path) if l.strip()}
    h = lambda s: hashlib.sha1(f'{args.seed}:{s}'.encode()).hexdigest()
    root = os.path.join(args.kaggle, 'datasets')
    chosen, seen = [], set()
    skipped = set()
    for path in args.skip:
        skipped |= {(r['dataset'], r['notebook']) for r in map(json.loads, filter(str.strip, open(path)))}
    for dataset, name in skipped:
        try:
            _, cells = read_cells(os.path.join(root, dataset, 'kernels', name))
            seen.add(hashlib.sha1('\n'.join(text(c) for c in cells if c.get('cell_type') == 'code').encode()).hexdigest())
        except Exception:
            pass
    datasets = sorted((d for d in os.listdir(root) if d not in excluded), key=h)
    for i, dataset in enumerate(datasets):
        if len(chosen) >= args.notebooks:
            break
        kernels = os.path.join(root, dataset, 'kernels')
        if not os.path.isdir(kernels):
            continue
        # With the default 2/3, the first two of every three notebooks must fit a model.
        need_fit = (len(chosen) % 3) < round(3 * args.fit_share)
        for name in sorted(os.listdir(kernels), key=h):
            if ('kerneler' in name and not args.allow_starters) or not name.endswith('.ipynb') or (dataset, name) in skipped:
                continue
            try:
                nb, cells = read_cells(os.path.join(kernels, name))
            except Exception:
                continue
            lang = (nb.get('metadata', {}).get('language_info') or {}).get('name', 'python')
            code = [text(c) for c in cells if c.get('cell_type') == 'code']
            if lang != 'python' or not args.min_cells <= sum(1 for c in code if c.strip()) <= args.max_cells:
                continue
            if need_fit and not re.search(r'\.fit\(', '\n'.join(code)):
                continue
            key = hashlib.sha1('\n'.join(code).encode()).hexdigest()
            if key in seen:
                continue
            seen.add(key)
            chosen.append(sheet_lines(name, dataset, cells, lambda k, s: True))
            break
    write_sheets(args.out, chosen, args.sheets)


def relabel(args):
    rows = [json.loads(l) for l in open(args.labels) if l.strip()]
    by_nb = {}
    for r in rows:
        by_nb.setdefault((r['dataset'], r['notebook']), set()).add(r['code_cell'])
    notebooks = []
    for (dataset, name), wanted in sorted(by_nb.items()):
        _, cells = read_cells(os.path.join(args.kaggle, 'datasets', dataset, 'kernels', name))
        notebooks.append(sheet_lines(name, dataset, cells, lambda k, s, w=wanted: k in w))
    write_sheets(args.out, notebooks, args.sheets)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('mode', choices=['sample', 'relabel'])
    ap.add_argument('kaggle')
    ap.add_argument('out')
    ap.add_argument('sheets', type=int)
    ap.add_argument('--exclude', nargs='*', default=[], help='label files whose datasets are not sampled')
    ap.add_argument('--skip', nargs='*', default=[], help='label files whose notebooks are not sampled')
    ap.add_argument('--labels')
    ap.add_argument('--seed', default='gds-test-2026')
    ap.add_argument('--notebooks', type=int, default=36)
    ap.add_argument('--min-cells', type=int, default=8)
    ap.add_argument('--max-cells', type=int, default=30)
    ap.add_argument('--fit-share', type=float, default=2 / 3, help='share of notebooks that must call .fit(')
    ap.add_argument('--allow-starters', action='store_true', help='also take auto-generated "kerneler" starter notebooks')
    args = ap.parse_args()
    sample(args) if args.mode == 'sample' else relabel(args)


if __name__ == '__main__':
    main()
