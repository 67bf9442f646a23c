// p50/p95 latency of one suggestion request (masking + stage + decode + specialize) with the default recommender models.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledModelsDir, installedModelsDir } from '../pipeline/app-paths.ts';
import { loadRecommender, type RecommenderKind } from '../ml/recommender/recommender.ts';
import { activeProvider } from '../ml/onnx-session.ts';

const installed = join(installedModelsDir(), 'recommender');
const dir = process.argv[2] ?? (existsSync(join(installed, 'manifest.json')) ? installed : join(bundledModelsDir(), 'recommender'));
const notebook = [
  'import pandas as pd\nimport numpy as np\nimport matplotlib.pyplot as plt\nimport seaborn as sns\nfrom sklearn.model_selection import train_test_split',
  "train = pd.read_csv('../input/train.csv')\ntest = pd.read_csv('../input/test.csv')\ntrain.head()",
  "train.info()\ntrain.describe()\nsns.countplot(x='Survived', data=train)",
  "train['Age'] = train['Age'].fillna(train['Age'].median())\ntrain = pd.get_dummies(train, columns=['Sex'])",
  "X = train.drop('Survived', axis=1)\ny = train['Survived']\n",
];
// Requests at every cell boundary, as the editor sends them after a typing pause.
const requests = notebook.map((_, i) => [...notebook.slice(0, i), '']).concat([notebook]);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

const defaultKind = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { default: RecommenderKind }).default;
for (const kind of ['ngram', 'single'] as RecommenderKind[]) {
  const rec = await loadRecommender(dir, { kind });
  for (const r of requests) await rec.suggest(r, { top: 5 }); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const r of requests) {
      const t0 = performance.now();
      await rec.suggest(r, { top: 5 });
      times.push(performance.now() - t0);
    }
  }
  console.log(`${kind}${kind === defaultKind ? ' (default)' : ''}: n=${times.length} p50=${pct(times, 50).toFixed(1)} ms p95=${pct(times, 95).toFixed(1)} ms provider=${activeProvider() ?? 'none'}`);
}
