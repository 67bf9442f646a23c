// Builders for small, real notebook files, zips, shards and Meta Kaggle folders used by the pipeline tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export function tempDir(t: { after: (fn: () => void) => void }, prefix = 'gds-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function write(path: string, data: string | Buffer): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** An nbformat 4 notebook; `code` cells become lists of lines (as Jupyter writes them). */
export function notebookJson(cells: Array<{ md?: string; code?: string }>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'python3', language: 'python', display_name: 'Python 3' }, language_info: { name: 'python' } },
    cells: cells.map((c) =>
      c.code !== undefined
        ? { cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: c.code.split(/(?<=\n)/) }
        : { cell_type: 'markdown', metadata: {}, source: c.md ?? '' },
    ),
    ...extra,
  });
}

export const XGB_CODE = [
  { md: '# Titanic with XGBoost' },
  { code: 'import pandas as pd\nimport xgboost as xgb\nfrom sklearn.model_selection import train_test_split as tts' },
  { code: "df = pd.read_csv('../input/train.csv')\nX, y = df.drop('Survived', axis=1), df.Survived" },
  { code: 'model = xgb.train({"max_depth": 3}, xgb.DMatrix(X, y))\nprint(model)' },
];

export const LGB_CODE = [
  { md: '## LightGBM baseline for the house prices' },
  { code: 'import lightgbm as lgb\nimport numpy as np\ntrain = np.load("x.npy")' },
  { code: 'clf = lgb.LGBMRegressor(n_estimators=100)\nclf.fit(train, train)' },
];

/** A zip with deflated entries, written with node:zlib only (no zip library needed). */
export function writeZip(path: string, entries: Record<string, string | Buffer>): string {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return write(path, Buffer.concat([...locals, cd, end]));
}

export function writeJsonlGz(path: string, lines: Array<string | Record<string, unknown>>): string {
  return write(path, gzipSync(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n'));
}

function csv(rows: Array<Record<string, string | number>>): string {
  const cols = Object.keys(rows[0] ?? {});
  const cell = (v: string | number): string => (typeof v === 'number' || !/[",\n]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`);
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c] ?? '')).join(','))].join('\n') + '\n';
}

/**
 * A tiny Meta Kaggle + Meta Kaggle Code pair: two kernels (one on a competition, one on a dataset),
 * a version id with no CSV row, a CSV row with no file, and quoted commas/newlines in text columns.
 */
export function writeMetaKaggle(root: string): { csvDir: string; codeDir: string } {
  const csvDir = join(root, 'meta-kaggle');
  const codeDir = join(root, 'meta-kaggle-code');
  write(
    join(csvDir, 'Users.csv'),
    csv([
      { Id: 10, UserName: 'alice', DisplayName: 'Alice, the Analyst', RegisterDate: '01/02/2019', PerformanceTier: 2 },
      { Id: 11, UserName: 'bob', DisplayName: 'Bob', RegisterDate: '01/02/2019', PerformanceTier: 1 },
    ]),
  );
  write(
    join(csvDir, 'Kernels.csv'),
    csv([
      { Id: 500, AuthorUserId: 10, CurrentKernelVersionId: 111437241, CurrentUrlSlug: 'titanic-xgb', TotalVotes: 42, Medal: 1 },
      { Id: 501, AuthorUserId: 11, CurrentKernelVersionId: 100295, CurrentUrlSlug: 'house-lgbm', TotalVotes: 7, Medal: '' },
    ]),
  );
  write(
    join(csvDir, 'KernelVersions.csv'),
    csv([
      {
        Id: 111437241,
        ScriptId: 500,
        ScriptLanguageId: 9,
        AuthorUserId: 10,
        VersionNumber: 3,
        Title: 'Titanic, "XGBoost"\nbaseline',
        TotalVotes: 42,
      },
      { Id: 100295, ScriptId: 501, ScriptLanguageId: 9, AuthorUserId: 11, VersionNumber: 1, Title: 'House LGBM', TotalVotes: 7 },
      { Id: 999, ScriptId: 501, ScriptLanguageId: 9, AuthorUserId: 11, VersionNumber: 2, Title: 'No file for me', TotalVotes: 0 },
    ]),
  );
  write(join(csvDir, 'KernelLanguages.csv'), csv([{ Id: 9, Name: 'IPython Notebook HTML', DisplayName: 'Python', IsNotebook: 'True' }]));
  write(
    join(csvDir, 'Competitions.csv'),
    csv([
      {
        Id: 3136,
        Slug: 'titanic',
        Title: 'Titanic - Machine Learning from Disaster',
        Subtitle: 'Start here',
        EvaluationAlgorithmName: 'Categorization Accuracy',
        EvaluationAlgorithmDescription: 'Share of correct predictions',
      },
    ]),
  );
  write(join(csvDir, 'KernelVersionCompetitionSources.csv'), csv([{ Id: 1, KernelVersionId: 111437241, SourceCompetitionId: 3136 }]));
  write(
    join(csvDir, 'Datasets.csv'),
    csv([{ Id: 77, CreatorUserId: 11, OwnerUserId: 11, OwnerOrganizationId: '', CurrentDatasetVersionId: 88, TotalVotes: 5, TotalKernels: 31 }]),
  );
  write(
    join(csvDir, 'DatasetVersions.csv'),
    csv([{ Id: 88, DatasetId: 77, Slug: 'house-prices-data', Title: 'House prices', Subtitle: 'Sales', Description: 'Prices of houses, by year' }]),
  );
  write(join(csvDir, 'KernelVersionDatasetSources.csv'), csv([{ Id: 1, KernelVersionId: 100295, SourceDatasetVersionId: 88 }]));
  write(
    join(csvDir, 'Tags.csv'),
    csv([
      { Id: 1, ParentTagId: '', Name: 'tabular', Slug: 'tabular' },
      { Id: 2, ParentTagId: '', Name: 'real estate', Slug: 'real-estate' },
    ]),
  );
  write(join(csvDir, 'CompetitionTags.csv'), csv([{ Id: 1, CompetitionId: 3136, TagId: 1 }]));
  write(
    join(csvDir, 'DatasetTags.csv'),
    csv([
      { Id: 1, DatasetId: 77, TagId: 2 },
      { Id: 2, DatasetId: 77, TagId: 1 },
    ]),
  );
  write(join(codeDir, '0111', '437', '111437241.ipynb'), notebookJson(XGB_CODE));
  write(join(codeDir, '0000', '100', '100295.ipynb'), notebookJson(LGB_CODE));
  write(join(codeDir, '0000', '000', '123.py'), 'import pandas as pd\npd.read_csv("a.csv").describe()\n');
  write(join(codeDir, '0000', '000', '124.ipynb'), '{"cells": [');
  return { csvDir, codeDir };
}
