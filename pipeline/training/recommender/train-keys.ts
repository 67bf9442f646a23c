// Trains the statement-key recommender on both corpora: key n-grams, templates and key statistics, then the reranker out of fold.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from '../../../ml/read-json-file.ts';
import { rankKeys, FEATURES, type KeyModels } from '../../../ml/recommender/key-ranker.ts';
import { KeyCooc } from '../../../ml/recommender/key-cooc.ts';
import { loadKeyModels } from '../../../ml/recommender/key-recommender.ts';
import { walkNotebook } from '../../../ml/recommender/notebook-state.ts';
import { releaseParsedTrees } from '../../../ml/python-parser.ts';
import { setParseCache } from '../../../ml/recommender/call-key.ts';
import { TemplateMiner } from '../../../ml/recommender/render.ts';
import { rng } from '../../../ml/random.ts';
import { pythonScriptsDir } from '../../app-paths.ts';
import { runPythonTrainer } from '../python-trainer.ts';
import type { RecNotebook } from './corpus-notebooks.ts';
import { KeyCoocCounter } from './key-cooc-counts.ts';
import { KeyCounts, ORDER } from './key-counts.ts';

export interface TrainKeysOptions {
  outDir: string;
  /** Reuse the counts an earlier run of the same command left in `outDir` (a resumed run redoes only the reranker). */
  resume?: boolean;
  /** Reranker training positions (sampled uniformly over the training statements that call something). */
  positions: number;
  command: string;
  log: (msg: string) => void;
}

/** Which half of the training groups a notebook is in: the reranker learns on one half from counts of the other. */
export function foldOf(group: string): 0 | 1 {
  return createHash('sha1').update(`gds-rec-fold:${group}`).digest()[0]! & 1 ? 1 : 0;
}

/**
 * Writes the reranker's rows: positions of fold-1 notebooks, scored by counts of fold 0 alone (never of the notebook's
 * own dataset or repository), so the features behave as they will on notebooks no count has seen.
 */
async function writeRerankerData(
  file: string, train: readonly RecNotebook[], models: KeyModels, positions: number, log: (m: string) => void,
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
    walkNotebook(nb.cells, (s, state) => {
      if (!s.key || r() >= rate || pos >= positions) return;
      seen++;
      const cands = rankKeys(models, { state, first: s.first }, { kind: 'ngram-cache', pool: 40, extra: true });
      if (!cands.some((c) => c.key === s.key)) return;
      covered++;
      for (const c of cands)
        buf.push(`${pos}\t${c.key === s.key ? 1 : 0}\t${c.features.map((x) => (Number.isInteger(x) ? x : x.toPrecision(6))).join('\t')}\n`);
      pos++;
    });
    if (buf.length > 20000) {
      writeSync(fd, buf.join(''));
      buf = [];
    }
    if (pos >= positions) break;
  }
  writeSync(fd, buf.join(''));
  closeSync(fd);
  log(
    `reranker data: ${pos} positions with the true key among the candidates, of ${seen} sampled ` +
      `(${((100 * covered) / Math.max(1, seen)).toFixed(1)} % recall at 40+40+cache+local+own+co-occurrence)`,
  );
  return pos;
}

export async function trainKeyRecommender(notebooks: readonly RecNotebook[], o: TrainKeysOptions): Promise<Record<string, unknown>> {
  const started = Date.now();
  const train = notebooks.filter((nb) => !nb.heldOut);
  const fold0Dir = join(o.outDir, 'work', 'fold0');
  const counted = ['key-ngram.json', 'cell-ngram.json', 'key-stats.json', 'templates.json'].every((f) => existsSync(join(o.outDir, f)));
  let fold0: KeyModels;
  let statements: number;
  // Corpus passes read each cell once: a parse cache would only hold native trees (their loops release the rest).
  setParseCache(0);
  if (o.resume && counted && existsSync(join(fold0Dir, 'key-ngram.json'))) {
    // Folders counted before the co-occurrence table existed get it from one more walk (no n-gram is recounted).
    if (![o.outDir, fold0Dir].every((d) => existsSync(join(d, 'key-cooc.json')))) {
      const [all, zero] = [new KeyCoocCounter(), new KeyCoocCounter()];
      for (const [i, nb] of train.entries()) {
        if (i % 200 === 0) await releaseParsedTrees();
        const keys = KeyCounts.keysOf(nb);
        all.addNotebook(keys);
        if (foldOf(nb.group) === 0) zero.addNotebook(keys);
        if (i % 5000 === 0) o.log(`co-occurrence: ${i} / ${train.length} notebooks`);
      }
      writeFileSync(join(o.outDir, 'key-cooc.json'), JSON.stringify(all.toJson()));
      writeFileSync(join(fold0Dir, 'key-cooc.json'), JSON.stringify(zero.toJson()));
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
    for (const [i, nb] of train.entries()) {
      if (i % 200 === 0) await releaseParsedTrees();
      const keys = KeyCounts.add(nb, foldOf(nb.group) === 0 ? [all, zero] : [all]);
      coAll.addNotebook(keys);
      if (foldOf(nb.group) === 0) coZero.addNotebook(keys);
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
    writeFileSync(join(o.outDir, 'key-cooc.json'), JSON.stringify(coAll.toJson()));
    write(fold0Dir, zero);
    const zeroCooc = coZero.toJson();
    writeFileSync(join(fold0Dir, 'key-cooc.json'), JSON.stringify(zeroCooc));
    writeFileSync(join(fold0Dir, 'templates.json'), JSON.stringify({ kind: 'templates', byKey: {} }));
    fold0 = { ...zero.models(), cooc: new KeyCooc(zeroCooc) };
  }
  let reranker: Record<string, unknown> = { skipped: true };
  if (o.positions > 0) {
    const data = join(o.outDir, 'work', 'reranker.tsv');
    mkdirSync(join(o.outDir, 'work'), { recursive: true });
    const order = [...train].sort((a, b) => (a.id < b.id ? -1 : 1));
    await writeRerankerData(data, order, fold0, o.positions, o.log);
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
    seconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(o.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return manifest;
}
