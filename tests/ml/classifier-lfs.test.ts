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

const stageOf = (lines: string[]): string | null => majorityStage(extractFeatures(lines.join('\n')));

test('what a cell computes flows to the lines that use it: a plot of feature importances is evaluation', () => {
  assert.equal(
    stageOf([
      'clf = RandomForestClassifier()',
      'clf.fit(X, y)',
      'imp = sorted(zip(clf.feature_importances_, cols), reverse=True)',
      'names = list(zip(*imp))[1]',
      'pos = np.arange(len(names))',
      'vals = np.array(list(zip(*imp))[0])',
      'plt.bar(pos, vals)',
    ]),
    'eval',
  );
  // Writing predictions into a frame uses the model; the same line with data is preparation.
  assert.equal(stageOf(["ss['target'] = y_pred"]), 'eval');
  assert.equal(stageOf(["ss['target'] = y_train"]), 'prep');
});

test('temporaries made only to be drawn count with the plot; changing the data does not', () => {
  const temp = [
    "cdf = train['Pclass'].value_counts().to_frame().reset_index()",
    "cdf.rename(columns={'index': 'Pclass'}, inplace=True)",
    "sns.barplot(x='Pclass', y='Count', data=cdf)",
  ];
  assert.equal(stageOf(temp), 'explore');
  const change = ["train['Age'] = train['Age'].fillna(0)", "train['Fare'] = np.log1p(train['Fare'])", "sns.histplot(train['Fare'])"];
  assert.equal(stageOf(change), 'prep');
});

test('training loops and parameter searches are training even when they print scores', () => {
  const search = [
    'for c in [0.01, 0.1, 1, 10]:',
    '    lr = LogisticRegression(C=c)',
    '    lr.fit(X_tr, y_tr)',
    '    p = lr.predict(X_va)',
    '    print(c, recall_score(y_va, p))',
    '    print(f1_score(y_va, p))',
  ];
  assert.equal(stageOf(search), 'train');
  assert.equal(
    stageOf([
      'for epoch in range(10):',
      '    loss = criterion(net(x), y)',
      '    loss.backward()',
      '    optimizer.step()',
      "    print('loss', loss.item())",
    ]),
    'train',
  );
});

test('a def that stacks layers defines a network; a loader reads data; a run-length encoder formats predictions', () => {
  assert.equal(
    stageOf([
      'def conv_block(m, dim):',
      "    n = Conv2D(dim, 3, padding='same')(m)",
      '    n = BatchNormalization()(n)',
      '    n = Dropout(0.1)(n)',
      '    return Concatenate()([m, n])',
    ]),
    'train',
  );
  assert.equal(
    stageOf([
      'def load_train_data(path):',
      '    frames = []',
      '    for f in os.listdir(path):',
      '        frames.append(pd.read_csv(os.path.join(path, f)))',
      '    return pd.concat(frames)',
    ]),
    'load',
  );
  assert.equal(
    stageOf([
      'def rle_encode(img):',
      '    pixels = img.flatten()',
      '    runs = np.where(pixels[1:] != pixels[:-1])[0] + 1',
      "    return ' '.join(str(x) for x in runs)",
    ]),
    'eval',
  );
});

test('cells of only commented-out code are read as the code they hold; prose comments are not', () => {
  assert.equal(stageOf(['# model.fit(X_train, y_train, epochs=10)', '# model.save("m.h5")']), 'train');
  assert.equal(stageOf(["# sub.to_csv('submission.csv', index=False)"]), 'eval');
  assert.equal(stageOf(['# This section only looks at the data']), null);
});

test('printing computed values is exploration; dropping, in-place changes and seeds have their own stages', () => {
  assert.equal(stageOf(["print('rows:', len(train))"]), 'explore');
  assert.equal(stageOf(["print('done')"]), null);
  assert.equal(stageOf(["del train['target']"]), 'prep');
  assert.equal(stageOf(["df.sort_values('date', inplace=True)"]), 'prep');
  assert.equal(stageOf(["pd.set_option('display.max_columns', 100)", 'df.head()']), 'explore');
  assert.equal(stageOf(['seed = 42', 'np.random.seed(seed)']), 'import');
  assert.equal(stageOf(['color_names = set(data["color"])', 'print(color_names)']), 'explore');
});

test('keyword LFs stay silent when the line count clearly belongs to another stage', () => {
  const cell = [
    'lr = LogisticRegression()',
    'pred_tr = lr.fit(X, y).predict(X)',
    'pred = lr.predict(X_te)',
    'print(accuracy_score(y_te, pred))',
    'print(confusion_matrix(y_te, pred))',
    'print(classification_report(y_te, pred))',
  ].join('\n');
  const fired = firing(cell);
  assert.ok(!fired.includes('estimator_constructor'), fired.join(','));
  assert.ok(fired.includes('stmt_majority_eval'));
  assert.equal(majorityStage(extractFeatures(cell)), 'eval');
});

test('third round: fold loops train, bottleneck features are prep, submissions by short name and shell steps', () => {
  assert.equal(
    stageOf([
      'scores = []',
      'kf = KFold(n_splits=5)',
      'for tr, va in kf.split(X):',
      '    preds, model = runXGB(X[tr], y[tr], X[va], y[va])',
      '    scores.append(log_loss(y[va], preds))',
    ]),
    'train',
  );
  assert.equal(
    stageOf([
      "base = VGG16(weights='imagenet', include_top=False, pooling='avg')",
      'train_bf = base.predict(Xtr, batch_size=32)',
      'valid_bf = base.predict(Xv, batch_size=32)',
    ]),
    'prep',
  );
  assert.equal(stageOf(["test['target'] = y_final", "test[['ID', 'target']].to_csv('./sub1.csv', index=False)"]), 'eval');
  assert.equal(stageOf(['!cat sub.csv']), 'eval');
  assert.equal(stageOf(['!cp ../input/keras-pretrained-models/* ~/.keras/models/', '!ls ~/.keras/models']), 'load');
  assert.equal(stageOf(["dtypes = {'id': 'int32', 'label': 'category'}"]), 'load');
  assert.equal(stageOf(['with pd.HDFStore("../input/train.h5", "r") as store:', '    df = store.get("train")']), 'load');
});

test('third round: colormaps are no confusion matrix, parked strings do nothing, plots beside predictions judge them', () => {
  assert.equal(stageOf(['img_clean = img[1000:2400, :]', "plt.imshow(img_clean, cmap=plt.cm.gray, interpolation='nearest')"]), 'explore');
  assert.equal(
    stageOf(["train = pd.read_csv('../input/train.csv')", "'''print(train.shape)", 'print(train.head())', "print(train.describe())'''"]),
    'load',
  );
  assert.equal(stageOf(['n, bins, patches = plt.hist(df.y.values, 50)', "plt.xlabel('y')"]), 'explore');
  // Image, true mask and predicted mask side by side: the data is drawn to judge the prediction.
  assert.equal(
    stageOf([
      'ix = random.randint(0, len(preds_train_t))',
      'imshow(X_train[ix])',
      'plt.show()',
      'imshow(np.squeeze(Y_train[ix]))',
      'plt.show()',
      'imshow(np.squeeze(preds_train_t[ix]))',
      'plt.show()',
    ]),
    'eval',
  );
});

test('fourth round: cross-validation that only scores is evaluation; summaries made to be shown are exploration', () => {
  assert.equal(
    stageOf([
      'model = LinearRegression()',
      "result = np.sqrt(-cross_val_score(model, X, y, cv=10, scoring='neg_mean_squared_error'))",
      'print(result.mean(), result.std())',
    ]),
    'eval',
  );
  // Used to choose a parameter it is training (stages.md).
  assert.equal(stageOf(['for alpha in alphas:', '    scores.append(cross_val_score(Ridge(alpha=alpha), X, y, cv=5).mean())']), 'train');
  assert.equal(stageOf(["sub_df.to_csv('two_levels_ensemble.csv', index=False)"]), 'eval');
  assert.equal(
    stageOf([
      'missing_df = df.isnull().sum(axis=0).reset_index()',
      "missing_df.columns = ['column_name', 'missing_count']",
      "missing_df = missing_df.loc[missing_df['missing_count'] > 0]",
      'missing_df',
    ]),
    'explore',
  );
  assert.equal(stageOf(["shop_sales = merged[['item_cnt_day', 'shop_id']].groupby('shop_id').sum()", 'shop_sales.head(10)']), 'explore');
  // A row filter or a frame changed in place, shown once, is still preparation.
  assert.equal(stageOf(['rates = rates[rates.IndividualRate < 9000]', 'rates = rates[rates.BusinessYear == 2016]', 'rates.head(n=5)']), 'prep');
});
