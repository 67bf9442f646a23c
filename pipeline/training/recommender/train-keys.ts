// Trains the statement-key recommender on both corpora: key n-grams, templates and key statistics, then the reranker out of fold.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../../../ml/read-json-file.ts';
import { rankKeys, FEATURES, type KeyModels } from '../../../ml/recommender/key-ranker.ts';
import { loadKeyModels } from '../../../ml/recommender/key-recommender.ts';
import { walkNotebook, type NotebookState } from '../../../ml/recommender/notebook-state.ts';
import { CachedClassifier } from '../../../ml/classifier/cached-classifier.ts';
import { loadClassifier } from '../../../ml/classifier/classifier.ts';
import type { Stage } from '../../../ml/classifier/stages.ts';
import { releaseParsedTrees } from '../../../ml/python-parser.ts';
import { setParseCache } from '../../../ml/recommender/call-key.ts';
import { TemplateMiner } from '../../../ml/recommender/render.ts';
import { rng } from '../../../ml/random.ts';
import { activeModelDir, pythonScriptsDir } from '../../app-paths.ts';
import { runPythonTrainer } from '../python-trainer.ts';
import type { RecNotebook } from './corpus-notebooks.ts';
import { KeyCoocCounter } from './key-cooc-counts.ts';
import { KeyCounts, ORDER } from './key-counts.ts';
import { KeyStageCounter } from './key-stage-counts.ts';
import { contextBefore } from './statement-context.ts';

export interface TrainKeysOptions {
  outDir: string;
  /** Reuse the counts an earlier run left in `outDir`, and its reranker rows when they were written for today's features. */
  resume?: boolean;
  /** Reranker training positions (sampled uniformly over the training statements that call something). */
  positions: number;
  command: string;
  log: (msg: string) => void;
  /** The classifier that gives the stage features (default: the active one, as the app's badges). */
  classifierDir?: string;
  /** Minutes of writing reranker rows at most (0: until `positions`); the reranker fits on what was written. */
  rowMinutes?: number;
}

/** Which half of the training groups a notebook is in: the reranker learns on one half from counts of the other. */
export function foldOf(group: string): 0 | 1 {
  return createHash('sha1').update(`gds-rec-fold:${group}`).digest()[0]! & 1 ? 1 : 0;
}

/**
 * Writes the reranker's rows: positions of fold-1 notebooks, scored by counts of fold 0 alone (never of the notebook's
 * own dataset or repository), so the features behave as they will on notebooks no count has seen. The stage at each
 * position is the badge the editor would show there: the classifier over the cells above and the current cell so far.
 */
async function writeRerankerData(
  file: string, train: readonly RecNotebook[], models: KeyModels, positions: number, log: (m: string) => void, stager?: CachedClassifier,
  deadline = Infinity,
): Promise<number> {
  const fd = openSync(file, 'w');
  writeSync(fd, ['position', 'label', ...FEATURES].join('\t') + '\n');
  const r = rng(11);
  const candidates = train.filter((nb) => foldOf(nb.group) === 1);
  const total = candidates.reduce((a, nb) => a + nb.cells.length, 0) * 2.5;
  const rate = Math.min(1, (positions * 1.5) / Math.max(1, total));
  let pos = 0;
  let covered = 0;
  let seen = 0;
  let buf: string[] = [];
  for (const [i, nb] of candidates.entries()) {
    if (i % 200 === 0) await releaseParsedTrees();
    const picks: Array<{ state: NotebookState; first: boolean; key: string; context: string[] }> = [];
    walkNotebook(nb.cells, (s, state) => {
      if (!s.key || r() >= rate || pos >= positions) return;
      picks.push({ state: state.clone(), first: s.first, key: s.key, context: stager ? contextBefore(nb.cells, s) : [] });
    });
    for (const p of picks) {
      if (pos >= positions) break;
      seen++;
      const stage = stager ? await stager.stageAfter(p.context) : undefined;
      const cands = rankKeys(models, { state: p.state, first: p.first, stage }, { kind: 'ngram-cache', pool: 40, extra: true });
      if (!cands.some((c) => c.key === p.key)) continue;
      covered++;
      for (const c of cands)
        buf.push(`${pos}\t${c.key === p.key ? 1 : 0}\t${c.features.map((x) => (Number.isInteger(x) ? x : x.toPrecision(6))).join('\t')}\n`);
      pos++;
    }
    if (buf.length > 20000) {
      writeSync(fd, buf.join(''));
      buf = [];
    }
    if (pos >= positions) break;
    if (Date.now() > deadline) {
      log(`reranker data: stopped at the time limit after ${pos} positions`);
      break;
    }
  }
  writeSync(fd, buf.join(''));
  closeSync(fd);
  log(
    `reranker data: ${pos} positions with the true key among the candidates, of ${seen} sampled ` +
      `(${((100 * covered) / Math.max(1, seen)).toFixed(1)} % recall at 40+40+cache+local+own+co-occurrence)`,
  );
  return pos;
}

/**
 * The rows an interrupted run wrote, cut after the last whole position (the write may have stopped inside one); null
 * when they were written for other features (rows are rewritten then).
 */
export async function keepWholePositions(file: string): Promise<number | null> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const header = ['position', 'label', ...FEATURES].join('\t');
  const cut = `${file}.cut`;
  const fd = openSync(cut, 'w');
  let matches: boolean | undefined;
  let held: string[] = [];
  let current = '';
  let whole = 0;
  try {
    for await (const line of lines) {
      if (matches === undefined) {
        matches = line === header;
        if (!matches) break;
        writeSync(fd, `${line}\n`);
        continue;
      }
      const id = line.slice(0, line.indexOf('\t'));
      if (id !== current) {
        if (held.length) writeSync(fd, held.join(''));
        whole += held.length ? 1 : 0;
        held = [];
        current = id;
      }
      held.push(`${line}\n`);
    }
  } finally {
    lines.close();
    closeSync(fd);
  }
  if (!matches) {
    unlinkSync(cut);
    return null;
  }
  // `held` is the last position, possibly cut short: left out.
  renameSync(cut, file);
  return whole;
}

/** The classifier whose badges the user sees (the installed one, else the bundled one); none: no stage features. */
async function corpusStager(o: TrainKeysOptions): Promise<CachedClassifier | undefined> {
  const dir = o.classifierDir ?? activeModelDir('classifier');
  try {
    return new CachedClassifier(await loadClassifier(dir));
  } catch (e) {
    o.log(`no stage features: ${(e as Error).message}`);
    return undefined;
  }
}

/** Which classifier gave the stages: its manifest's name and creation time (its folder differs between machines). */
function classifierIdentity(dir: string): { name: string; created: string } {
  const m = readJsonFile(join(dir, 'manifest.json'), z.object({ name: z.string().default('?'), created: z.string().default('?') }));
  return { name: m.name, created: m.created };
}

/** Each code cell's badge in notebook context (undefined for an empty cell), as the editor shows it once the cell is written. */
async function cellStages(stager: CachedClassifier, nb: RecNotebook): Promise<Array<Stage | undefined>> {
  const filled = nb.cells.flatMap((c, i) => (c.source.trim() ? [i] : []));
  const got = await stager.classifier.classifyNotebook(filled.map((i) => nb.cells[i]!.source));
  const out: Array<Stage | undefined> = nb.cells.map(() => undefined);
  filled.forEach((cell, j) => (out[cell] = got[j]!.stage));
  return out;
}

export async function trainKeyRecommender(notebooks: readonly RecNotebook[], o: TrainKeysOptions): Promise<Record<string, unknown>> {
  const started = Date.now();
  const train = notebooks.filter((nb) => !nb.heldOut);
  const fold0Dir = join(o.outDir, 'work', 'fold0');
  const counted = ['key-ngram.json', 'cell-ngram.json', 'key-stats.json', 'templates.json'].every((f) => existsSync(join(o.outDir, f)));
  /** A table for the model (every training notebook) and for fold 0 (what the reranker's rows are scored with). */
  const writeTables = (file: string, all: unknown, zero: unknown) => {
    writeFileSync(join(o.outDir, file), JSON.stringify(all));
    writeFileSync(join(fold0Dir, file), JSON.stringify(zero));
  };
  let fold0: KeyModels;
  let statements: number;
  // Corpus passes read each cell once: a parse cache would only hold native trees (their loops release the rest).
  setParseCache(0);
  const stager = await corpusStager(o);
  if (o.resume && counted && existsSync(join(fold0Dir, 'key-ngram.json'))) {
    // Folders counted before the co-occurrence or stage tables existed get them from one more walk (no n-gram is recounted).
    const needCooc = ![o.outDir, fold0Dir].every((d) => existsSync(join(d, 'key-cooc.json')));
    const needStages = !!stager && ![o.outDir, fold0Dir].every((d) => existsSync(join(d, 'key-stages.json')));
    if (needCooc || needStages) {
      const [all, zero] = [new KeyCoocCounter(), new KeyCoocCounter()];
      const [stAll, stZero] = [new KeyStageCounter(), new KeyStageCounter()];
      for (const [i, nb] of train.entries()) {
        if (i % 200 === 0) await releaseParsedTrees();
        const keys = KeyCounts.keysOf(nb);
        const zeroFold = foldOf(nb.group) === 0;
        if (needCooc) for (const c of zeroFold ? [all, zero] : [all]) c.addNotebook(keys.map((k) => k.key));
        if (needStages && stager) {
          const stages = await cellStages(stager, nb);
          for (const c of zeroFold ? [stAll, stZero] : [stAll]) c.addNotebook(stages, keys);
        }
        if (i % 5000 === 0) o.log(`co-occurrence / stages: ${i} / ${train.length} notebooks`);
      }
      if (needCooc) writeTables('key-cooc.json', all.toJson(), zero.toJson());
      if (needStages) writeTables('key-stages.json', stAll.toJson(), stZero.toJson());
    }
    fold0 = loadKeyModels(fold0Dir).models;
    statements = readJsonFile(join(o.outDir, 'counted.json'), z.object({ statements: z.number().int().nonnegative() })).statements;
    o.log(`resumed: counts of ${statements} statements from ${o.outDir}`);
  } else {
    const miner = new TemplateMiner();
    const all = new KeyCounts(miner);
    // Fold 0 is counted twice (into `all` and `zero`): the reranker learns on fold 1 from fold 0's counts.
    const zero = new KeyCounts();
    const [coAll, coZero] = [new KeyCoocCounter(), new KeyCoocCounter()];
    const [stAll, stZero] = [new KeyStageCounter(), new KeyStageCounter()];
    for (const [i, nb] of train.entries()) {
      if (i % 200 === 0) await releaseParsedTrees();
      const zeroFold = foldOf(nb.group) === 0;
      const keys = KeyCounts.add(nb, zeroFold ? [all, zero] : [all]);
      for (const c of zeroFold ? [coAll, coZero] : [coAll]) c.addNotebook(keys.map((k) => k.key));
      if (stager) {
        const stages = await cellStages(stager, nb);
        for (const c of zeroFold ? [stAll, stZero] : [stAll]) c.addNotebook(stages, keys);
      }
      if (i % 5000 === 0) o.log(`counted ${i} / ${train.length} notebooks`);
    }
    for (const c of [all, zero]) c.prune();
    statements = all.statements;
    o.log(`counted ${statements} statements of ${train.length} training notebooks in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const write = (dir: string, c: KeyCounts) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'key-ngram.json'), JSON.stringify(c.ngram.toJson()));
      writeFileSync(join(dir, 'cell-ngram.json'), JSON.stringify(c.cellNgram.toJson()));
      writeFileSync(join(dir, 'key-stats.json'), JSON.stringify(c.stats()));
      writeFileSync(join(dir, 'counted.json'), JSON.stringify({ statements: c.statements }));
    };
    write(o.outDir, all);
    writeFileSync(join(o.outDir, 'templates.json'), JSON.stringify(miner.toJson()));
    write(fold0Dir, zero);
    writeTables('key-cooc.json', coAll.toJson(), coZero.toJson());
    if (stager) writeTables('key-stages.json', stAll.toJson(), stZero.toJson());
    writeFileSync(join(fold0Dir, 'templates.json'), JSON.stringify({ kind: 'templates', byKey: {} }));
    fold0 = loadKeyModels(fold0Dir).models;
  }
  let reranker: Record<string, unknown> = { skipped: true };
  if (o.positions > 0) {
    const data = join(o.outDir, 'work', 'reranker.tsv');
    mkdirSync(join(o.outDir, 'work'), { recursive: true });
    const order = [...train].sort((a, b) => (a.id < b.id ? -1 : 1));
    const kept = o.resume && existsSync(data) ? await keepWholePositions(data) : null;
    if (kept !== null) o.log(`resumed: ${kept} positions of reranker rows from ${data}`);
    else {
      const deadline = o.rowMinutes ? Date.now() + o.rowMinutes * 60_000 : Infinity;
      await writeRerankerData(data, order, fold0, o.positions, o.log, stager, deadline);
    }
    const events = await runPythonTrainer(
      join(pythonScriptsDir(), 'fit_reranker.py'),
      ['--data', data, '--out', join(o.outDir, 'reranker.json')],
      (e) => o.log(JSON.stringify(e)),
    );
    reranker = events.find((e) => e.event === 'done') ?? {};
  }
  const groups = (held: boolean) => [...new Set(notebooks.filter((nb) => nb.heldOut === held).map((nb) => nb.group))].sort();
  const manifest = {
    format: 'keys-v2',
    default: 'rerank',
    kinds: ['rerank', 'ngram-cache', 'bigram', 'most-frequent'],
    order: ORDER,
    trainedAt: new Date().toISOString(),
    command: o.command,
    corpus: { notebooks: notebooks.length, train: train.length, statements, trainGroups: groups(false).length },
    heldOut: { split: 'sha1("gds-rec-1:" + group) < 0.15 (pipeline/training/recommender/held-out-split.ts isHeldOut)', groups: groups(true) },
    reranker,
    stages: stager ? { classifier: classifierIdentity(stager.classifier.modelDir), table: 'key-stages.json' } : null,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}
