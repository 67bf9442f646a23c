#!/usr/bin/env python3
"""Pick the notebooks GDS developers hand-labelled (resources/labels/gds-hand.jsonl) from the Kaggle crawl.

Deterministic: one notebook from each of 40 datasets that have no notebook in the shared gold file, chosen by
sha1 of a fixed seed, among readable Python notebooks with 6-24 non-empty code cells whose code is not a copy
of an already chosen one. Writes one labelling sheet per batch (every cell of the notebook in order, markdown
included for context, code cells numbered) and a JSON index of the cells to label.

usage: scripts/sample-cells-for-labeling.py KAGGLE_DIR GOLD_JSONL OUT_DIR [BATCHES]
"""
import hashlib, json, os, sys

SEED = 'gds-hand-2026'
kaggle, gold_path, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
batches = int(sys.argv[4]) if len(sys.argv) > 4 else 4
gold_datasets = {json.loads(l)['dataset'] for l in open(gold_path) if l.strip()}
h = lambda s: hashlib.sha1(f'{SEED}:{s}'.encode()).hexdigest()
root = os.path.join(kaggle, 'datasets')

def text(cell):
    s = cell.get('source', '')
    return ''.join(s) if isinstance(s, list) else s

chosen, seen_code = [], set()
for dataset in sorted((d for d in os.listdir(root) if d not in gold_datasets), key=h)[:40]:
    kernels = os.path.join(root, dataset, 'kernels')
    if not os.path.isdir(kernels):
        continue
    for name in sorted(os.listdir(kernels), key=h):
        try:
            nb = json.load(open(os.path.join(kernels, name)))
            cells = nb['cells']
        except Exception:
            continue
        lang = (nb.get('metadata', {}).get('language_info') or {}).get('name', 'python')
        code = [text(c) for c in cells if c.get('cell_type') == 'code']
        if lang != 'python' or not 6 <= sum(1 for c in code if c.strip()) <= 24:
            continue
        key = hashlib.sha1('\n'.join(code).encode()).hexdigest()
        if key in seen_code:
            continue
        seen_code.add(key)
        chosen.append((dataset, name, cells))
        break

os.makedirs(out_dir, exist_ok=True)
index = []
for b in range(batches):
    lines = []
    for dataset, name, cells in chosen[b::batches]:
        lines.append(f'\n\n######## NOTEBOOK {name}  (dataset {dataset})\n')
        k = 0
        for c in cells:
            src = text(c)
            if c.get('cell_type') == 'markdown':
                lines.append('[markdown]\n' + src.strip()[:600] + '\n')
            elif c.get('cell_type') == 'code':
                k += 1
                if not src.strip():
                    continue
                cid = f'{name}#{k}'
                index.append({'id': cid, 'batch': b, 'notebook': name, 'dataset': dataset, 'code_cell': k, 'source': src})
                lines.append(f'<<<CELL {cid}>>>\n{src}\n<<<END>>>\n')
    open(os.path.join(out_dir, f'sheet-{b}.txt'), 'w').write('\n'.join(lines))
json.dump(index, open(os.path.join(out_dir, 'index.json'), 'w'))
print(f'{len(chosen)} notebooks, {len(index)} cells, {batches} sheets in {out_dir}')
for b in range(batches):
    print(b, sum(1 for c in index if c['batch'] == b), 'cells', os.path.getsize(os.path.join(out_dir, f'sheet-{b}.txt')), 'bytes')
