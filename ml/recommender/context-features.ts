// Reranker features about the notebook's state rather than its key sequence (issue #20): names assigned and not read
// yet, a fitted model not used yet, and the markdown just above the cell. The n-grams see only the last few keys;
// these reach further back (an unread `X_test` bound ten statements ago) or outside the code (a "Missing values" title).
import type { KeyNgram } from './key-ngram.ts';
import { fitsModel, usesFitted, type NotebookState } from './notebook-state.ts';

const NONE = '∅';

export const CONTEXT_FEATURES = [
  'unread_n',
  'unread_age',
  'unread_p',
  'unread_pmax',
  'fit_pending',
  'fit_age',
  'uses_fit',
  'is_fit',
  'pending_use',
  'md_words',
  'md_hits',
  'md_topics',
  'md_topic_hit',
] as const;

/**
 * Topics a markdown title announces, and the call-key fragments that carry them out. Written by hand from the usual
 * Kaggle section titles: the word overlap alone misses "Missing values" → `.isnull`, "Correlation" → `seaborn.heatmap`.
 */
const TOPICS: ReadonlyArray<{ md: readonly string[]; key: readonly string[] }> = [
  { md: ['missing', 'null', 'nan', 'imput'], key: ['isnull', 'isna', 'fillna', 'dropna', 'notnull', 'missingno', 'imputer'] },
  { md: ['correlat', 'heatmap'], key: ['corr', 'heatmap'] },
  {
    md: ['plot', 'visuali', 'graph', 'chart', 'distribution', 'histogram', 'eda'],
    key: ['plot', 'matplotlib', 'seaborn', 'hist', 'figure', 'subplot', 'heatmap', 'plotly', 'title', 'xlabel', 'ylabel', 'scatter'],
  },
  { md: ['submission', 'submit'], key: ['to_csv', 'submission'] },
  { md: ['load', 'read', 'dataset'], key: ['read_csv', 'read_excel', 'read_json', 'read_parquet', 'load'] },
  { md: ['import', 'librar', 'package'], key: ['import:'] },
  { md: ['split', 'validation', 'fold'], key: ['train_test_split', 'split', 'kfold'] },
  { md: ['train', 'model', 'fit', 'classifier', 'regress'], key: ['.fit', 'classifier', 'regressor', 'train'] },
  { md: ['predict', 'inference'], key: ['predict'] },
  {
    md: ['evaluat', 'accuracy', 'score', 'metric', 'confusion', 'performance', 'roc', 'auc'],
    key: ['metrics', 'score', 'confusion_matrix', 'classification_report', 'evaluate', 'accuracy', 'roc'],
  },
  {
    md: ['overview', 'look', 'head', 'describe', 'summary', 'statistic', 'shape', 'info'],
    key: ['head', 'describe', 'info', 'shape', 'value_counts', 'dtypes', 'nunique'],
  },
  { md: ['encod', 'categor', 'dummy', 'dummies'], key: ['get_dummies', 'labelencoder', 'onehotencoder', 'astype', '.map'] },
  { md: ['scal', 'normali', 'standardi'], key: ['scaler', 'normalize', 'scale'] },
  { md: ['text', 'word', 'token', 'nlp'], key: ['token', 'vectorizer', 'tfidf', 'nltk', 're.sub', '.split', '.lower'] },
  { md: ['neural', 'network', 'layer', 'keras', 'cnn', 'lstm', 'deep'], key: ['keras', 'torch', 'layers', 'sequential', '.add', 'dense', 'conv'] },
  { md: ['group', 'aggregat', 'pivot'], key: ['groupby', '.agg', 'pivot'] },
  { md: ['drop', 'remov', 'clean', 'duplicat', 'outlier'], key: ['drop', 'dropna', 'drop_duplicates'] },
];

/** Lower-case words of at least 3 letters. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3);
}

/** The markdown above the cell, prepared once per position: its words, their prefixes, and the topics it names. */
interface Markdown {
  words: Set<string>;
  /** Every prefix of 4 letters or more of every word: a key token matches a longer word ("corr" in "correlation"). */
  prefixes: Set<string>;
  topics: Array<(typeof TOPICS)[number]>;
}

function readMarkdown(text: string): Markdown {
  const ws = new Set(words(text));
  const prefixes = new Set<string>();
  for (const w of ws) for (let n = 4; n <= w.length; n++) prefixes.add(w.slice(0, n));
  const topics = TOPICS.filter((t) => t.md.some((m) => prefixes.has(m) || ws.has(m)));
  return { words: ws, prefixes, topics };
}

/** A markdown word of 4 letters or more starts the token ("plot" in `.plotting`). */
function wordPrefixOf(ws: ReadonlySet<string>, token: string): boolean {
  for (let n = 4; n < token.length; n++) if (ws.has(token.slice(0, n))) return true;
  return false;
}

/** Tokens of the key (`seaborn.heatmap .set_title` → seaborn, heatmap, set, title) the markdown names, whole or as a prefix. */
function markdownHits(md: Markdown, key: string): number {
  let hits = 0;
  for (const t of new Set(words(key.replace(/_/g, ' ')))) {
    if (md.words.has(t) || (t.length >= 4 && md.prefixes.has(t))) hits++;
    else if (wordPrefixOf(md.words, t)) hits++;
  }
  return hits;
}

/** What one position's context features need, computed once; `of(key)` gives a candidate's row. */
export interface ContextFeatures {
  of(key: string): number[];
}

/** P(candidate | the key that bound a still unread name): what usually consumes what that statement produced. */
function unreadScorers(ngram: KeyNgram, state: NotebookState): Array<(key: string) => number> {
  const binders: string[] = [];
  for (const { key } of [...state.unread.values()].reverse()) {
    const k = key || NONE;
    if (!binders.includes(k)) binders.push(k);
    if (binders.length >= 3) break;
  }
  return binders.map((b) => {
    const view = ngram.view([b]);
    return (key: string) => view.prob(key).p;
  });
}

export function contextFeatures(ngram: KeyNgram, state: NotebookState): ContextFeatures {
  const n = state.keys.length;
  const unread = [...state.unread.values()];
  const latest = unread.at(-1);
  const scorers = unreadScorers(ngram, state);
  const pending = state.fitPending >= 0 ? 1 : 0;
  const md = readMarkdown(state.markdown);
  const head = [Math.log1p(unread.length), latest ? Math.log1p(n - latest.at) : -1];
  return {
    of(key) {
      const ps = scorers.map((s) => s(key));
      const uses = usesFitted(key) ? 1 : 0;
      const lower = key.toLowerCase();
      const topicHit = md.topics.filter((t) => t.key.some((k) => lower.includes(k))).length;
      return [
        ...head,
        ps[0] ?? -1,
        ps.length ? Math.max(...ps) : -1,
        pending,
        pending ? Math.log1p(n - state.fitPending) : -1,
        uses,
        fitsModel(key) ? 1 : 0,
        pending * uses,
        Math.log1p(md.words.size),
        markdownHits(md, key),
        md.topics.length,
        topicHit,
      ];
    },
  };
}
