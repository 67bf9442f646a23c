// Self-training (`gds train classifier --teacher`): the teacher's in-context answers as the LSTM's targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { BUNDLED_MODEL_DIR, loadClassifier } from '../../ml/classifier/classifier.ts';
import type { CorpusCodeCell } from '../../pipeline/training/classifier/corpus-cells.ts';
import { sampleTextRows, writeTrainingSet } from '../../pipeline/training/classifier/lstm-training-set.ts';
import { STACKER_FILE } from '../../ml/classifier/stacker.ts';
import { STAGES } from '../../ml/classifier/stages.ts';
import { notebookRuns, readTeacher, teacherProbs } from '../../pipeline/training/classifier/teacher-targets.ts';

function floats(path: string): number[] {
  const b = readFileSync(path);
  return [...new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4)];
}

const cell = (dataset: string, notebook: string, source: string): CorpusCodeCell => ({ dataset, notebook, source });

test('notebookRuns splits the crawl where the notebook or its dataset changes', () => {
  const cells = [cell('a', 'x.ipynb', '1'), cell('a', 'x.ipynb', '2'), cell('b', 'x.ipynb', '3'), cell('b', 'y.ipynb', '4')];
  assert.deepEqual(notebookRuns(cells), [
    [0, 2],
    [2, 3],
    [3, 4],
  ]);
  assert.deepEqual(notebookRuns([]), []);
});

test('the teacher answers each crawl cell as the editor would in its notebook', async () => {
  const clf = await loadClassifier(BUNDLED_MODEL_DIR);
  assert.ok(clf.stacked, 'the bundled model has a stacker');
  const nb1 = ['import pandas as pd', "df = pd.read_csv('../input/train.csv')", 'df.head()', "df['age'] = df['age'].fillna(0)"];
  const nb2 = ['from sklearn.linear_model import LogisticRegression', 'm = LogisticRegression().fit(X, y)', 'df.head()'];
  const nb3 = ['x = 1'];
  const cells = [
    ...nb1.map((s) => cell('d1', 'n1.ipynb', s)),
    ...nb2.map((s) => cell('d2', 'n2.ipynb', s)),
    ...nb3.map((s) => cell('d3', 'n3.ipynb', s)),
  ];
  const expected = [...(await clf.classifyNotebook(nb1)), ...(await clf.classifyNotebook(nb2)), ...(await clf.classifyNotebook(nb3))];
  const all = await teacherProbs(
    clf,
    cells,
    cells.map((_, i) => i),
  );
  assert.equal(all.length, cells.length);
  all.forEach((p, i) =>
    assert.deepEqual(
      p,
      STAGES.map((s) => expected[i]!.probs[s]),
    ),
  );
  // Cells left out of the training rows (labelled texts) are still read as context: a cell after a left-out one gets
  // the answer it has in the whole notebook. Asked in any order; a notebook with no wanted cell is not read.
  const at = [6, 3, 1];
  const some = await teacherProbs(clf, cells, at);
  assert.deepEqual(
    some,
    at.map((i) => STAGES.map((s) => expected[i]!.probs[s])),
  );
  // A notebook is read only up to its last wanted cell (the stream never looks ahead): same answers, less work.
  const read: number[] = [];
  const counting = { ...clf, signals: (sources: string[]) => (read.push(sources.length), clf.signals(sources)) };
  const firsts = await teacherProbs(counting, cells, [4, 0]);
  assert.deepEqual(
    firsts,
    [4, 0].map((i) => STAGES.map((s) => expected[i]!.probs[s])),
  );
  assert.deepEqual(read, [1, 1], 'one cell of each of the two notebooks read, none of the third');
  const withoutLoad = await clf.classifyNotebook([nb1[0]!, nb1[2]!, nb1[3]!]);
  assert.notDeepEqual(
    some[1],
    STAGES.map((s) => withoutLoad[2]!.probs[s]),
    'the left-out read_csv cell changes what follows it',
  );
  // The same text in two notebooks: context may change the answer, and each notebook is read on its own.
  const alone = await clf.classifyNotebook(['df.head()']);
  assert.notDeepEqual(
    all[2],
    STAGES.map((s) => alone[0]!.probs[s]),
  );
  await assert.rejects(teacherProbs(clf, cells, [cells.length]), /outside the corpus/);
});

test('a classifier without a stacker cannot teach', async () => {
  const clf = await loadClassifier(BUNDLED_MODEL_DIR, { stacker: false });
  await assert.rejects(teacherProbs(clf, [cell('d', 'n.ipynb', 'x = 1')], [0]), /no stacker\.json/);
});

test('teacher targets: duplicates averaged, not sharpened; label-model targets: first kept, sharpened', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-teacher-set-'));
  try {
    const cells = [cell('d', 'a.ipynb', 'df.head()'), cell('d', 'b.ipynb', 'df.head()')];
    const probs = [
      [0, 0, 0.8, 0.2, 0, 0],
      [0, 0, 0.4, 0.6, 0, 0],
    ];
    const rows = (sub: string): number[] => {
      writeTrainingSet(join(dir, sub), cells, sampleTextRows(cells, 10), probs, 0);
      return floats(join(dir, sub, 'train_y.bin'));
    };
    const weak = rows('weak');
    assert.equal(weak.length, STAGES.length);
    assert.ok(Math.abs(weak[2]! - 0.64 / 0.68) < 1e-6, 'first row, squared and renormalised');
    writeTrainingSet(join(dir, 'teacher'), cells, sampleTextRows(cells, 10), probs, 0, { cells: [], repeat: 0 }, 'teacher');
    const taught = floats(join(dir, 'teacher', 'train_y.bin'));
    assert.ok(Math.abs(taught[2]! - 0.6) < 1e-6 && Math.abs(taught[3]! - 0.4) < 1e-6, 'the mean of both answers');
    assert.deepEqual(probs[0], [0, 0, 0.8, 0.2, 0, 0], "the caller's rows are not changed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sampleTextRows: one row per distinct text with every copy, capped by maxCells; the writer reads only those targets', () => {
  const cells = [
    cell('d', 'a.ipynb', 'df.head()'),
    cell('d', 'a.ipynb', 'x = 1'),
    cell('d', 'b.ipynb', ' df.head() '),
    cell('d', 'b.ipynb', 'y = 2'),
    cell('d', 'c.ipynb', 'z = 3'),
  ];
  const all = sampleTextRows(cells, 100);
  assert.equal(all.length, 4);
  assert.deepEqual(all.find((r) => r.at[0] === 0)?.at, [0, 2], 'trimmed copies are one text');
  const two = sampleTextRows(cells, 2);
  assert.deepEqual(two, all.slice(0, 2), 'a smaller cap keeps a prefix of the same draw');
  const three = sampleTextRows(cells, 3);
  const twice = three.find((r) => r.at.length === 2);
  assert.ok(twice, 'the drawn texts include the one written twice');
  const dir = mkdtempSync(join(tmpdir(), 'gds-teacher-rows-'));
  try {
    // Targets only for the drawn rows' cells (what the teacher answers under --max-cells): enough for the writer.
    const probs: Array<number[] | undefined> = new Array<undefined>(cells.length);
    for (const r of three) for (const i of r.at) probs[i] = [0, 0, 1, 0, 0, 0];
    const set = writeTrainingSet(join(dir, 'some'), cells, three, probs, 0, { cells: [], repeat: 0 }, 'teacher');
    assert.equal(set.train, 3);
    // A row's later copy without a target is refused, not silently dropped from the mean.
    const later = twice.at[1]!;
    const missing = [...probs];
    missing[later] = undefined;
    assert.throws(
      () => writeTrainingSet(join(dir, 'copy'), cells, three, missing, 0, { cells: [], repeat: 0 }, 'teacher'),
      new RegExp(`no target for cell ${later}`),
    );
    assert.throws(
      () => writeTrainingSet(join(dir, 'more'), cells, sampleTextRows(cells, 4), probs, 0, { cells: [], repeat: 0 }, 'teacher'),
      /no target for cell/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTeacher refuses a folder without a stacker and one that learned from a held-out file, directly or through its teacher', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gds-teacher-'));
  try {
    cpSync(BUNDLED_MODEL_DIR, dir, { recursive: true });
    const t = await readTeacher(dir, ['gds-test.jsonl', 'gold-audit.jsonl']);
    assert.ok(t.stackerTrainedOn.length > 0 && !t.stackerTrainedOn.includes('gds-test.jsonl'));
    const manifestPath = join(dir, 'manifest.json');
    const original = readFileSync(manifestPath, 'utf8');
    const manifest = JSON.parse(original) as {
      inference: { stacker: { trainedOn: string[] } };
      data: { targets: { kind: string; stackerTrainedOn?: string[] } };
    };
    manifest.inference.stacker.trainedOn = [...manifest.inference.stacker.trainedOn, 'gds-test.jsonl'];
    writeFileSync(manifestPath, JSON.stringify(manifest));
    await assert.rejects(readTeacher(dir, ['gds-test.jsonl']), /learned from held-out gds-test\.jsonl/);
    // A student whose own teacher saw the file: refused too, and a clean one passes its teacher's files on.
    const student = JSON.parse(original) as typeof manifest;
    student.data.targets = { kind: 'teacher', stackerTrainedOn: ['gds-hand.jsonl', 'gds-test.jsonl'] };
    writeFileSync(manifestPath, JSON.stringify(student));
    await assert.rejects(readTeacher(dir, ['gds-test.jsonl']), /learned from held-out gds-test\.jsonl/);
    student.data.targets = { kind: 'teacher', stackerTrainedOn: ['extra-labels.jsonl'] };
    writeFileSync(manifestPath, JSON.stringify(student));
    assert.ok((await readTeacher(dir, ['gds-test.jsonl'])).stackerTrainedOn.includes('extra-labels.jsonl'));
    rmSync(join(dir, STACKER_FILE));
    await assert.rejects(readTeacher(dir, ['gds-test.jsonl']), /no stacker\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
