// Is self-training (`gds train classifier --teacher`) worth it? Measured without letting the teacher see the cells that
// judge it: the development datasets are split in two halves by a fixed hash; the teacher's stacker learns from half
// A only, and students are compared with the model they started from on half B (scripts/experiments/self_training_split.py).
//   node --import tsx scripts/experiments/self-training-split.ts teach --model DIR --out TEACHER_DIR
//   node bin/gds.mjs train classifier --teacher TEACHER_DIR --no-stacker --out STUDENT_DIR ...
//   node --import tsx scripts/experiments/self-training-split.ts rows --model DIR --out ROWS.json        (for each model compared)
//   /usr/bin/python3 scripts/experiments/self_training_split.py BASE_ROWS.json STUDENT_ROWS.json
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureKaggleCorpus, goldPath } from '../../pipeline/corpus-cache.ts';
import { labelSets, pythonScriptsDir } from '../../pipeline/app-paths.ts';
import { readNotebookFile } from '../../pipeline/notebook/read-notebook-file.ts';
import { readGold } from '../../pipeline/training/classifier/gold.ts';
import { stackerData } from '../../pipeline/training/classifier/fit-stacker.ts';
import { addStacker } from '../../pipeline/training/classifier/add-stacker.ts';

/** Half A of the development datasets (the same hash as self_training_split.py, over the same groups: dataset, else notebook). */
const inHalfA = (dataset: string): boolean =>
  parseInt(createHash('sha1').update(`gds-teacher-split:${dataset}`).digest('hex').slice(0, 8), 16) / 2 ** 32 < 0.5;

const { positionals, values } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' }, out: { type: 'string' } } });
const [mode] = positionals;
if (!values.model || !values.out || (mode !== 'teach' && mode !== 'rows'))
  throw new Error('usage: self-training-split.ts teach|rows --model DIR --out PATH');
const model = resolve(values.model);
const out = resolve(values.out);
const sets = labelSets();
const files = {
  kaggleDir: ensureKaggleCorpus(),
  read: (path: string): string[] =>
    readNotebookFile(path)
      .cells.filter((c) => c.cellType === 'code')
      .map((c) => c.source),
};
const weight =
  (JSON.parse(readFileSync(join(model, 'manifest.json'), 'utf8')) as { inference?: { labelModelWeight?: number } }).inference?.labelModelWeight ?? 0;

if (mode === 'teach') {
  const work = mkdtempSync(join(tmpdir(), 'gds-half-a-'));
  try {
    // The label files keep their names: the teacher's manifest then says which files (halves of them) it learned from.
    // No test or audit file is scored into the teacher's manifest: this check must be decided before any of them.
    const train = sets.train.map((f) => {
      const rows = readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => {
          if (!l.trim()) return false;
          const row = JSON.parse(l) as { dataset?: string; notebook: string };
          return inHalfA(row.dataset ?? row.notebook);
        });
      const path = join(work, basename(f));
      writeFileSync(path, `${rows.join('\n')}\n`);
      return path;
    });
    cpSync(model, out, { recursive: true });
    const r = await addStacker({
      modelDir: out,
      files,
      goldPath: goldPath(),
      labels: { train, test: [] },
      script: join(pythonScriptsDir(), 'fit_stacker.py'),
      command: `scripts/experiments/self-training-split.ts teach --model ${values.model} --out ${values.out} (half A of the development datasets)`,
      log: (l) => process.stderr.write(`${l}\n`),
    });
    process.stdout.write(
      `teacher fitted on ${r.cells} cells of half A, grouped CV ${(100 * r.cvAccuracy).toFixed(1)} % in context, ` +
        `${(100 * r.alone.cvAccuracy).toFixed(1)} % alone; written to ${out}\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
} else {
  const data = await stackerData({
    modelDir: model,
    labelModelWeight: weight,
    sets: sets.train.map((path) => ({ path, cells: readGold(path, goldPath()) })),
    files,
  });
  writeFileSync(out, JSON.stringify(data));
  process.stdout.write(`${data.y.length} rows of ${model} written to ${out}\n`);
}
