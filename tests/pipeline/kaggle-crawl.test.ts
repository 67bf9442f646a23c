// Kaggle crawler against the local fake Kaggle server: auth, pagination, errors, 429 backoff, resume and Ctrl-C.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CorpusStore } from '../../pipeline/corpus/store.ts';
import { importPaths } from '../../pipeline/corpus/importers/index.ts';
import { listCompetitions, listKernels, pullKernel } from '../../pipeline/kaggle/api.ts';
import { KaggleApiError, KaggleClient, retryAfterMs } from '../../pipeline/kaggle/client.ts';
import { loadCredentials } from '../../pipeline/kaggle/credentials.ts';
import { crawlKaggle } from '../../pipeline/kaggle/crawl.ts';
import { startFakeKaggle, type FakeKaggleOptions, type FakeKernel } from '../fixtures/fake-kaggle-server.ts';
import { notebookJson, tempDir, write } from './fixtures.ts';

const root = new URL('../..', import.meta.url).pathname;

function kernels(n: number, where: Partial<FakeKernel>, prefix: string): FakeKernel[] {
  return Array.from({ length: n }, (_, i) => ({
    ref: `user${i}/${prefix}-${i}`,
    title: `${prefix} ${i}`,
    totalVotes: i, // kernel 0 has 0 votes, which the RPC answer omits
    source: notebookJson([{ md: `# ${prefix} ${i}` }, { code: `import pandas as pd\npd.read_csv('${prefix}${i}.csv')` }]),
    ...where,
  }));
}

function world(): FakeKaggleOptions {
  return {
    username: 'tester',
    key: '0123456789abcdef0123456789abcdef',
    token: 'KGAT_0123456789abcdef0123456789abcdef',
    competitions: [
      { id: 1, ref: 'titanic', title: 'Titanic', kernelCount: 30, evaluationMetric: 'Accuracy', tags: [{ ref: 'tabular', name: 'tabular' }] },
      { id: 2, ref: 'tiny-comp', title: 'Tiny', kernelCount: 3 },
    ],
    datasets: [{ id: 7, ref: 'alice/city-bikes', title: 'City Bikes', kernelCount: 25, subtitle: 'rentals', tags: [] }],
    kernels: [
      ...kernels(5, { competition: 'titanic' }, 'tt'),
      ...kernels(3, { dataset: 'alice/city-bikes' }, 'bk'),
      { ref: 'r/user-r', language: 'r', competition: 'titanic', source: '' },
    ],
  };
}

const fast = { minIntervalMs: 0, retryAfterFloorMs: 0, backoffBaseMs: 1 };

test('credentials: env beats kaggle.json, KGAT_ keys go as Bearer, missing ones say where to put them', (t) => {
  const home = tempDir(t);
  write(join(home, '.kaggle', 'kaggle.json'), JSON.stringify({ username: 'file-user', key: 'filekey', proxy: 'x' }));
  assert.deepEqual(loadCredentials({}, home), { kind: 'basic', username: 'file-user', key: 'filekey' });
  assert.deepEqual(loadCredentials({ KAGGLE_USERNAME: 'env-user', KAGGLE_KEY: 'envkey' }, home), {
    kind: 'basic',
    username: 'env-user',
    key: 'envkey',
  });
  assert.deepEqual(loadCredentials({ KAGGLE_KEY: 'KGAT_abc' }, home), { kind: 'bearer', token: 'KGAT_abc', username: 'file-user' });
  assert.throws(() => loadCredentials({}, tempDir(t)), /KAGGLE_USERNAME and KAGGLE_KEY/);
  assert.equal(retryAfterMs('7'), 7000);
  assert.equal(retryAfterMs(new Date(Date.now() + 60_000).toUTCString())! > 55_000, true);
});

test('client: both transports, pagination, 401, 403, 404, malformed bodies and 429 with Retry-After', async (t) => {
  const w = world();
  w.kernels.push(...kernels(230, { competition: 'big' }, 'big'));
  w.faults = { 'user1/tt-1': 404, 'user2/tt-2': 403, 'user3/tt-3': 'malformed' };
  const fake = await startFakeKaggle(w);
  t.after(() => fake.close());
  const creds = { kind: 'basic' as const, username: w.username, key: w.key };
  for (const transport of ['rpc', 'legacy'] as const) {
    const c = new KaggleClient({ credentials: creds, baseUrl: fake.url, transport, ...fast });
    const comps = await listCompetitions(c, '', 1);
    assert.deepEqual(
      comps.map((x) => [x.ref, x.kernelCount]),
      [
        ['titanic', 30],
        ['tiny-comp', 3],
      ],
      'URL refs are normalised to slugs',
    );
    const pages = [
      await listKernels(c, { kind: 'competition', ref: 'big' }, 1),
      await listKernels(c, { kind: 'competition', ref: 'big' }, 3),
      await listKernels(c, { kind: 'competition', ref: 'big' }, 4),
    ];
    assert.deepEqual(
      pages.map((p) => p.length),
      [100, 30, 0],
    );
    assert.equal(pages[0]![0]!.totalVotes, 229, 'sorted by votes');
    const zero = (await listKernels(c, { kind: 'competition', ref: 'titanic' }, 1)).find((k) => k.ref === 'user0/tt-0')!;
    assert.equal(zero.totalVotes, 0, 'an omitted totalVotes reads as 0');
    const pulled = await pullKernel(c, 'user4/tt-4');
    assert.equal(JSON.parse(pulled.source).cells.length, 2);
    await assert.rejects(pullKernel(c, 'user1/tt-1'), (e: KaggleApiError) => e.kind === 'not_found' && e.status === 404);
    await assert.rejects(pullKernel(c, 'user2/tt-2'), (e: KaggleApiError) => e.kind === 'forbidden');
    await assert.rejects(pullKernel(c, 'user3/tt-3'), (e: KaggleApiError) => e.kind === 'bad_payload');
  }
  assert.ok(fake.requests.some((r) => r.method === 'GET' && r.path === '/api/v1/kernels/list'));
  assert.ok(fake.requests.some((r) => r.method === 'POST' && r.path === '/v1/kernels.KernelsApiService/ListKernels'));

  const bad = new KaggleClient({ credentials: { kind: 'basic', username: w.username, key: 'wrong' }, baseUrl: fake.url, ...fast });
  await assert.rejects(listCompetitions(bad, '', 1), (e: KaggleApiError) => e.kind === 'auth');
  const kgatAsBasic = new KaggleClient({ credentials: { kind: 'basic', username: w.username, key: w.token! }, baseUrl: fake.url, ...fast });
  await assert.rejects(listCompetitions(kgatAsBasic, '', 1), (e: KaggleApiError) => e.status === 401);
  const bearer = new KaggleClient({ credentials: { kind: 'bearer', token: w.token! }, baseUrl: fake.url, ...fast });
  assert.equal((await listCompetitions(bearer, '', 1)).length, 2);

  const waits: number[] = [];
  fake.opts.rateLimit = { next: 2, retryAfter: '3' };
  const limited = new KaggleClient({
    credentials: creds,
    baseUrl: fake.url,
    ...fast,
    retryAfterFloorMs: 0,
    sleep: async (ms) => void waits.push(ms),
  });
  assert.equal((await listCompetitions(limited, '', 1)).length, 2, 'succeeds after two 429s');
  assert.equal(waits.filter((ms) => ms > 2500 && ms <= 3000).length, 2, 'waited Retry-After each time');
  fake.opts.rateLimit = { next: 50 };
  const breaker = new KaggleClient({ credentials: creds, baseUrl: fake.url, ...fast, max429: 3, sleep: async () => undefined });
  await assert.rejects(listCompetitions(breaker, '', 1), (e: KaggleApiError) => e.kind === 'rate_limited');
});

test('crawl pulls into the crawler layout and the corpus, records failures, and a second run retries them', async (t) => {
  const w = world();
  w.faults = { 'user1/tt-1': 404, 'user2/bk-2': 'malformed', 'user3/tt-3': 500 };
  const fake = await startFakeKaggle(w);
  t.after(() => fake.close());
  const dir = tempDir(t);
  const out = join(dir, 'crawl');
  const store = CorpusStore.open(join(dir, 'c.sqlite'));
  t.after(() => store.close());
  const client = new KaggleClient({ credentials: { kind: 'basic', username: w.username, key: w.key }, baseUrl: fake.url, ...fast, maxRetries: 1 });
  const first = await crawlKaggle({ client, outDir: out, store, minKernels: 20 });
  assert.deepEqual([first.sources, first.pulled, first.failed, first.stopped], [2, 5, 3, false]);
  assert.deepEqual(first.failures.map((f) => [f.ref, f.kind]).sort(), [
    ['user1/tt-1', 'not_found'],
    ['user2/bk-2', 'bad_payload'],
    ['user3/tt-3', 'transient'],
  ]);
  assert.ok(existsSync(join(out, 'datasets', 'titanic', 'kernels', 'NULL---user0---tt-0.ipynb')));
  assert.ok(existsSync(join(out, 'datasets', 'alice__city-bikes', 'kernels', 'NULL---user1---bk-1.kernel-metadata.json')));
  assert.equal(JSON.parse(readFileSync(join(out, 'datasets', 'titanic', 'meta.json'), 'utf8')).eval, 'Accuracy');
  assert.equal(readdirSync(join(out, 'datasets')).includes('tiny-comp'), false, 'sources under --min-kernels are skipped');
  assert.equal(store.stats().notebooks, 5);
  assert.equal(store.getNotebook(store.notebookIdByRef('user4/tt-4')!)!.votes, 4);
  assert.equal(store.getSource('titanic')!.kind, 'competition');

  delete w.faults['user3/tt-3'];
  delete w.faults['user1/tt-1'];
  const second = await crawlKaggle({ client, outDir: out, store, minKernels: 20 });
  assert.deepEqual([second.pulled, second.already_done, second.retried, second.failed], [2, 5, 3, 1]);
  assert.equal(second.failures[0]!.ref, 'user2/bk-2');
  // The crawl folder re-imports as the same notebooks: nothing new.
  const again = await importPaths(store, [out]);
  assert.deepEqual([again.notebooks, again.skipped, again.bad_files], [0, 7, 0]);
});

test('crawl stops cleanly when asked (Ctrl-C) or when rate limiting persists, and resumes', async (t) => {
  const w = world();
  const fake = await startFakeKaggle(w);
  t.after(() => fake.close());
  const out = join(tempDir(t), 'crawl');
  const client = new KaggleClient({ credentials: { kind: 'basic', username: w.username, key: w.key }, baseUrl: fake.url, ...fast });
  let pulls = 0;
  const stopped = await crawlKaggle({ client, outDir: out, log: (l) => l.startsWith('pulled') && pulls++, shouldStop: () => pulls >= 2 });
  assert.deepEqual([stopped.stopped, stopped.stop_reason, stopped.pulled], [true, 'interrupted', 2]);
  fake.opts.rateLimit = { next: 1000 };
  const limited = await crawlKaggle({
    client: new KaggleClient({
      credentials: { kind: 'basic', username: w.username, key: w.key },
      baseUrl: fake.url,
      ...fast,
      max429: 2,
      sleep: async () => undefined,
    }),
    outDir: out,
  }).catch((e: Error) => e);
  assert.ok(limited instanceof KaggleApiError && limited.kind === 'rate_limited');
  fake.opts.rateLimit = { next: 0 };
  const resumed = await crawlKaggle({ client, outDir: out });
  assert.deepEqual([resumed.stopped, resumed.already_done, resumed.pulled], [false, 2, 6]);
  const bad = new KaggleClient({ credentials: { kind: 'basic', username: w.username, key: 'nope' }, baseUrl: fake.url, ...fast });
  await assert.rejects(crawlKaggle({ client: bad, outDir: out }), /rejected the credentials/);
});

test('gds crawl: SIGINT stops after the current notebook with state saved; the next run finishes', async (t) => {
  const w = world();
  const fake = await startFakeKaggle(w);
  t.after(() => fake.close());
  const dir = tempDir(t);
  const args = [join(root, 'bin/gds.mjs'), 'crawl', '--out', join(dir, 'crawl'), '--db', join(dir, 'c.sqlite'), '--delay', '150', '--json'];
  const env = { ...process.env, GDS_KAGGLE_API_URL: fake.url, KAGGLE_USERNAME: w.username, KAGGLE_KEY: w.key };
  const run = (interrupt: boolean): Promise<{ code: number | null; stdout: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, args, { cwd: root, env });
      let stdout = '';
      let sent = false;
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        if (interrupt && !sent && d.toString().includes('pulled')) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.on('exit', (code) => resolve({ code, stdout }));
    });
  const first = await run(true);
  assert.equal(first.code, 130);
  const s1 = JSON.parse(first.stdout.trim().split('\n').pop()!) as { pulled: number; stopped: boolean };
  assert.equal(s1.stopped, true);
  assert.ok(s1.pulled >= 1 && s1.pulled < 8);
  const second = await run(false);
  assert.equal(second.code, 0);
  const s2 = JSON.parse(second.stdout.trim().split('\n').pop()!) as { pulled: number; already_done: number };
  assert.equal(s2.pulled + s2.already_done, 8);
  assert.equal(s2.already_done, s1.pulled);
});
