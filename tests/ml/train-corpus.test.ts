// `--corpus` for label / train classifier / train recommender, and `train recommender --resume`: small real runs on a
// corpus folder written by the test (datasets/<slug>/kernels/*.ipynb), through the real CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHeldOut } from '../../pipeline/training/recommender/held-out-split.ts';

const root = new URL('../..', import.meta.url).pathname;
const gds = join(root, 'bin', 'gds.mjs');

// 'dont-call-me-turkey' is held out by the recommender's fixed split; the other two are training datasets.
const SLUGS = ['tinyset-alpha', 'tinyset-beta', 'dont-call-me-turkey'];

function notebook(i: number): string {
  const cells = [
    `import pandas as pd\nimport numpy as np\n# notebook ${i}`,
    `df = pd.read_csv('../input/train_${i}.csv')\ndf.head(${i})`,
    `df.describe()\ndf.info()\nprint(df.shape, ${i})`,
    `df = df.fillna(${i})\nX = df.drop('target', axis=1)\ny = df['target']`,
    `from sklearn.model_selection import train_test_split\nX_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.${(i % 8) + 1})`,
    `from sklearn.ensemble import RandomForestClassifier\nmodel = RandomForestClassifier(n_estimators=${10 + i})\nmodel.fit(X_train, y_train)`,
    `from sklearn.metrics import accuracy_score\nprint(accuracy_score(y_test, model.predict(X_test)) + ${i})`,
    `import matplotlib.pyplot as plt\nplt.hist(df['target'], bins=${5 + i})\nplt.show()`,
  ];
  return JSON.stringify({
    nbformat: 4,
    metadata: { language_info: { name: 'python' } },
    cells: [{ cell_type: 'markdown', source: ['# Notebook ', String(i)] }, ...cells.map((source) => ({ cell_type: 'code', source, outputs: [] }))],
  });
}

function writeCorpus(dir: string, perSlug: number): { notebooks: number; codeCells: number } {
  let n = 0;
  for (const slug of SLUGS) {
    const kernels = join(dir, 'datasets', slug, 'kernels');
    mkdirSync(kernels, { recursive: true });
    for (let k = 0; k < perSlug; k++) writeFileSync(join(kernels, `${slug}-nb-${k}.ipynb`), notebook(n++));
  }
  // Not a notebook, and an empty notebook file: both skipped.
  writeFileSync(join(dir, 'datasets', SLUGS[0]!, 'kernels', 'notes.txt'), 'x = 1');
  writeFileSync(join(dir, 'datasets', SLUGS[0]!, 'kernels', 'empty.ipynb'), '');
  return { notebooks: n, codeCells: n * 8 };
}

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [gds, ...args], { cwd: root, encoding: 'utf8', timeout: 80_000, env: { ...process.env, ...env } });

test('held-out fixture: one of the test slugs is held out, the others train', () => {
  assert.deepEqual(
    SLUGS.map((s) => isHeldOut(s)),
    [false, false, true],
  );
});

test('label and train classifier read only --corpus, and the manifest records it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-corpus-clf-'));
  const corpus = join(dir, 'corpus');
  const { codeCells } = writeCorpus(corpus, 8);

  const label = run(['label', '--analyze', '--corpus', corpus]);
  assert.equal(label.status, 0, label.stderr);
  assert.match(label.stdout, new RegExp(`corpus: files ${corpus}`));
  const n = Number(/on (\d+) corpus cells/.exec(label.stdout)?.[1]);
  assert.ok(n > 0 && n <= codeCells, `label saw ${n} cells of ${codeCells}`);

  const out = join(dir, 'model');
  // A stacker left by an earlier run read another LSTM: it must go, and --no-stacker fits none (fitStacker has its own test).
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'stacker.json'), '{}');
  const r = run(['train', 'classifier', '--corpus', corpus, '--out', out, '--epochs', '1', '--max-cells', '500', '--no-stacker']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(join(out, 'stacker.json')));
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    data: { corpus: { kind: string; path: string }; corpusCells: number; trainCells: number; dataHash: string };
    inference: Record<string, unknown>;
  };
  assert.equal(m.inference.stacker, undefined);
  assert.deepEqual(m.data.corpus, { kind: 'files', path: corpus });
  // Every code cell of the folder, nothing else (the Kaggle cache has hundreds of thousands).
  assert.equal(m.data.corpusCells, codeCells);
  assert.ok(m.data.trainCells > 0 && m.data.trainCells <= codeCells);
  assert.match(m.data.dataHash, /^[0-9a-f]{64}$/);
  assert.ok(existsSync(join(out, 'model.onnx')));
  rmSync(dir, { recursive: true, force: true });
});

test("train classifier --teacher: the LSTM learns the teacher's in-context answers, and the manifest says whose", () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-corpus-teacher-'));
  const corpus = join(dir, 'corpus');
  writeCorpus(corpus, 4);
  const bundled = join(root, 'resources', 'models', 'classifier');
  const out = join(dir, 'model');
  // 40 rows of ~90 distinct texts: the teacher answers only for the rows' cells (every copy of each drawn text).
  const r = run([
    'train',
    'classifier',
    '--corpus',
    corpus,
    '--out',
    out,
    '--epochs',
    '1',
    '--max-cells',
    '40',
    '--no-stacker',
    '--teacher',
    bundled,
  ]);
  assert.equal(r.status, 0, r.stderr);
  const said = /teacher: (\d+) of (\d+) cells \(those of the training rows\) labelled in notebook context/.exec(r.stderr);
  assert.ok(said, r.stderr);
  const [answered, kept] = [Number(said[1]), Number(said[2])];
  assert.ok(answered >= 40 && answered < kept, `teacher answered ${answered} of ${kept} cells for 40 rows`);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    data: { targets: { kind: string; dir: string; stackerTrainedOn: string[] } };
  };
  const teacher = JSON.parse(readFileSync(join(bundled, 'manifest.json'), 'utf8')) as { inference: { stacker: { trainedOn: string[] } } };
  assert.equal(m.data.targets.kind, 'teacher');
  assert.equal(m.data.targets.dir, bundled);
  assert.deepEqual(m.data.targets.stackerTrainedOn, teacher.inference.stacker.trainedOn);
  // A folder without a stacker only knows the label model: refused before any training.
  const plain = run([
    'train',
    'classifier',
    '--corpus',
    corpus,
    '--out',
    join(dir, 'second'),
    '--epochs',
    '1',
    '--max-cells',
    '500',
    '--no-stacker',
    '--teacher',
    out,
  ]);
  assert.notEqual(plain.status, 0);
  assert.match(plain.stderr, /no stacker\.json/);
  assert.ok(!existsSync(join(dir, 'second', 'model.onnx')));
  // A student written over its own teacher would leave a manifest naming itself as teacher.
  const copy = join(dir, 'copy');
  cpSync(bundled, copy, { recursive: true });
  const before = readFileSync(join(copy, 'model.onnx'));
  const same = run([
    'train',
    'classifier',
    '--corpus',
    corpus,
    '--out',
    copy,
    '--epochs',
    '1',
    '--max-cells',
    '500',
    '--no-stacker',
    '--teacher',
    copy,
  ]);
  assert.notEqual(same.status, 0);
  assert.match(same.stderr, /--teacher and --out are the same folder/);
  assert.ok(readFileSync(join(copy, 'model.onnx')).equals(before), 'the teacher is untouched');
  rmSync(dir, { recursive: true, force: true });
});

test('label --db reads the imported corpus database, skipping duplicate notebooks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-corpus-db-'));
  const corpus = join(dir, 'corpus');
  const { codeCells } = writeCorpus(corpus, 3);
  // An exact copy under another dataset: imported as a duplicate, not read twice.
  mkdirSync(join(corpus, 'datasets', 'tinyset-copy', 'kernels'), { recursive: true });
  writeFileSync(join(corpus, 'datasets', 'tinyset-copy', 'kernels', 'copy.ipynb'), notebook(0));
  const db = join(dir, 'corpus.sqlite');
  const imp = run(['import', corpus, '--db', db, '--json']);
  assert.equal(imp.status, 0, imp.stderr);
  const label = run(['label', '--analyze', '--db', db]);
  assert.equal(label.status, 0, label.stderr);
  assert.match(label.stdout, new RegExp(`corpus: db ${db}`));
  const n = Number(/on (\d+) corpus cells/.exec(label.stdout)?.[1]);
  assert.ok(n > 0 && n <= codeCells, `label saw ${n} cells of ${codeCells} (the copy is skipped)`);
  // The same folder read as files includes the copy's 8 code cells.
  const files = run(['label', '--analyze', '--corpus', corpus]);
  assert.equal(files.status, 0, files.stderr);
  assert.equal(Number(/on (\d+) corpus cells/.exec(files.stdout)?.[1]), n + 8);
  const both = run(['label', '--analyze', '--db', db, '--corpus', corpus]);
  assert.notEqual(both.status, 0);
  assert.match(both.stderr, /either --corpus or --db/);
  rmSync(dir, { recursive: true, force: true });
});

test('train recommender --corpus, an interrupted run, --resume, and eval on a corpus without held-out datasets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-corpus-rec-'));
  const corpus = join(dir, 'corpus');
  const { notebooks } = writeCorpus(corpus, 8);
  const out = join(dir, 'model');
  const small = [
    '--kind',
    'seq2seq',
    '--corpus',
    corpus,
    '--out',
    out,
    '--stage-pairs',
    '100',
    '--single-pairs',
    '200',
    '--eval-pairs',
    '50',
    '--hidden',
    '16',
    '--emb',
    '8',
    '--layers',
    '1',
  ];

  // Interrupted after the single model: its checkpoint is in the out folder, with a note of which sub-model it belongs to.
  const first = run(['train', 'recommender', ...small, '--epochs', '1'], { GDS_RECOMMENDER_STOP_AFTER: 'single' });
  assert.notEqual(first.status, 0);
  assert.match(first.stderr, /stopped after single/);
  assert.ok(existsSync(join(out, 'checkpoint.pt')), 'checkpoint.pt inside --out');
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8')), { model: 'single', epoch: 1 });
  assert.ok(!existsSync(join(out, 'manifest.json')));
  // As if killed while exporting: the single model has its checkpoint but no ONNX yet.
  rmSync(join(out, 'work', 'out', 'single', 'encoder.onnx'));

  const second = run(['train', 'recommender', ...small, '--epochs', '2', '--resume', join(out, 'checkpoint.pt')]);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /single: resuming from/);
  const singleEpochs = [...second.stderr.matchAll(/\] single: \{"event":"epoch","epoch":(\d+)/g)].map((x) => Number(x[1]));
  assert.deepEqual(singleEpochs, [2], 'the single model continues at epoch 2');
  assert.match(second.stderr, /single-top3: \{"event":"epoch","epoch":1/);
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
    source: { kind: string; path: string };
    resumedFrom: string;
    corpus: { trainNotebooks: number; testNotebooks: number; heldOutDatasets: string[] };
    training: { single: { epochs: Array<{ epoch: number; valid_loss: number }>; stoppedBy: string } };
  };
  // The validation curve spans the interrupted run and the resumed one.
  assert.deepEqual(m.training.single.epochs.map((e) => e.epoch), [1, 2]);
  assert.equal(typeof m.training.single.epochs[0]?.valid_loss, 'number');
  assert.equal(m.training.single.stoppedBy, 'epochs');
  assert.deepEqual(m.source, { kind: 'files', path: corpus });
  assert.equal(m.resumedFrom, join(out, 'checkpoint.pt'));
  assert.equal(m.corpus.trainNotebooks + m.corpus.testNotebooks, notebooks);
  assert.deepEqual(m.corpus.heldOutDatasets, ['dont-call-me-turkey']);
  assert.ok(existsSync(join(out, 'single', 'encoder.onnx')));
  assert.ok(!existsSync(join(out, 'work')) && !existsSync(join(out, 'checkpoint.pt')), 'a finished model folder holds no work files');

  // The key recommender on the same corpus, then evaluated where no dataset is held out: on everything, saying so.
  const keys = join(dir, 'keys');
  const trained = run(['train', 'recommender', '--corpus', corpus, '--out', keys, '--positions', '0']);
  assert.equal(trained.status, 0, trained.stderr);
  rmSync(join(corpus, 'datasets', 'dont-call-me-turkey'), { recursive: true });
  const ev = run(['eval', 'recommender', '--corpus', corpus, '--model', keys, '--seq2seq', out, '--positions', '50', '--json']);
  assert.equal(ev.status, 0, ev.stderr);
  assert.match(ev.stderr, /no held-out group among \d+: evaluating on all 16 notebooks, including training data/);
  const res = JSON.parse(ev.stdout) as { results: Array<{ positions: number; tallies: Record<string, { all: { n: number } }> }> };
  assert.equal(res.results[0]?.positions, 50);
  const methods = Object.keys(res.results[0]?.tallies ?? {}).sort();
  assert.deepEqual(methods, ['bigram', 'most-frequent', 'ngram-cache', 'rerank', 'seq2seq per-stage', 'seq2seq single']);
  rmSync(dir, { recursive: true, force: true });
});
