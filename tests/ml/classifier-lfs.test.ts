// Each LF family votes for the right stage on small unambiguous cells and abstains elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LABELING_FUNCTIONS, applyLfs, extractFeatures } from '../../ml/classifier/labeling-functions/index.ts';
import { majorityStage } from '../../ml/classifier/labeling-functions/statement-rules.ts';
import type { Stage } from '../../ml/classifier/stages.ts';

function firing(source: string): string[] {
  const f = extractFeatures(source);
  return LABELING_FUNCTIONS.filter((l) => l.fires(f)).map((l) => l.name);
}

test('there are at least 41 uniquely named LFs covering all six stages', () => {
  assert.ok(LABELING_FUNCTIONS.length >= 41, `${LABELING_FUNCTIONS.length} LFs`);
  assert.equal(new Set(LABELING_FUNCTIONS.map((l) => l.name)).size, LABELING_FUNCTIONS.length);
  assert.equal(new Set(LABELING_FUNCTIONS.map((l) => l.stage)).size, 6);
});

const cases: Array<[string, string, Stage]> = [
  ['import numpy as np\nimport pandas as pd\n%matplotlib inline', 'only_imports_and_magics', 'import'],
  ["pd.set_option('display.max_columns', 50)\nimport warnings\nwarnings.filterwarnings('ignore')", 'display_options', 'import'],
  ["train = pd.read_csv('../input/train.csv')\ntrain.head()", 'pandas_read', 'load'],
  ["print(os.listdir('../input'))", 'list_input_dir', 'load'],
  ['train.describe()', 'info_describe', 'explore'],
  ['train.isnull().sum()', 'missing_values', 'explore'],
  ["sns.countplot(x='Survived', data=train)", 'seaborn_plots', 'explore'],
  ["train['Age'] = train['Age'].fillna(train['Age'].median())", 'fill_drop_missing', 'prep'],
  ['X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2)', 'split_train_test', 'prep'],
  ["df = pd.get_dummies(df, columns=['Sex'])", 'encoding', 'prep'],
  ['model = RandomForestClassifier(n_estimators=100)\nmodel.fit(X_train, y_train)', 'estimator_constructor', 'train'],
  ["model = Sequential()\nmodel.add(Dense(10))\nmodel.compile(optimizer='adam', loss='mse')", 'keras_model', 'train'],
  ['grid = GridSearchCV(SVC(), params, cv=5)', 'model_selection', 'train'],
  ['pred = model.predict(X_val)\nprint(accuracy_score(y_val, pred))', 'metric_functions', 'eval'],
  ["sub = pd.DataFrame({'Id': test.Id, 'SalePrice': preds})\nsub.to_csv('submission.csv', index=False)", 'submission_file', 'eval'],
];

for (const [source, lfName, stage] of cases) {
  test(`${lfName} fires on a ${stage} cell and the line-count rule agrees`, () => {
    assert.ok(firing(source).includes(lfName), `${lfName} did not fire; fired: ${firing(source).join(', ')}`);
    assert.equal(majorityStage(extractFeatures(source)), stage);
  });
}

test('keyword LFs abstain on unrelated cells', () => {
  const fired = firing("print('hello')");
  assert.ok(!fired.includes('fit_call') && !fired.includes('pandas_read') && !fired.includes('predict_call'));
});

test('applyLfs returns one row per cell with stage indices or -1', () => {
  const votes = applyLfs(['import os', 'model.fit(X, y)']);
  assert.equal(votes.length, 2 * LABELING_FUNCTIONS.length);
  const fitIdx = LABELING_FUNCTIONS.findIndex((l) => l.name === 'fit_call');
  assert.equal(votes[LABELING_FUNCTIONS.length + fitIdx], 4);
  assert.equal(votes[fitIdx], -1);
});

test('the line-count rule judges a def or loop by its body (stages.md rule 3), not by being a def', () => {
  const plotDef = [
    'def plot_dist(df, col):',
    '    df = df.dropna()',
    '    plt.figure(figsize=(8, 4))',
    '    sns.histplot(df[col])',
    '    df[col].value_counts().plot(kind="bar")',
    '    sns.boxplot(x=df[col])',
    '    plt.show()',
  ].join('\n');
  assert.equal(majorityStage(extractFeatures(plotDef)), 'explore');
  const cleanDef = "def clean(text):\n    text = text.lower()\n    text = re.sub('[^a-z]', ' ', text)\n    return text.strip()";
  assert.equal(majorityStage(extractFeatures(cleanDef)), 'prep');
  const loop = 'for col in cols:\n    print(df[col].value_counts())\n    df[col].hist()';
  assert.equal(majorityStage(extractFeatures(loop)), 'explore');
});

test('model settings are training, data locations are loading', () => {
  assert.equal(majorityStage(extractFeatures("lgb_params = {'num_leaves': 31, 'learning_rate': 0.05, 'objective': 'binary'}")), 'train');
  assert.equal(majorityStage(extractFeatures('epochs = 20\nbatch_size = 64')), 'train');
  assert.equal(majorityStage(extractFeatures("INPUT_DIR = '../input/'")), 'load');
  assert.equal(majorityStage(extractFeatures('!ls ../input/*')), 'load');
  // A plain constant still goes with the rest of the cell.
  assert.equal(majorityStage(extractFeatures("threshold = 0.5\ndf['flag'] = df['p'] > threshold")), 'prep');
});
