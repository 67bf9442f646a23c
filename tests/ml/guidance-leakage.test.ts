// Leakage checks: preprocessing fitted before the split, the target among the features, transformers refitted on test
// data. Cells are excerpts of real corpus notebooks (named above each case), trimmed to the lines that matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fired } from './guidance-helpers.ts';

test('leak-fit-before-split: a scaler fitted on X, then X split (kaggle dont-overfit-ii, anand0427)', () => {
  const cells = [
    'from sklearn.preprocessing import StandardScaler\nss = StandardScaler()',
    'X,y = sm.fit_resample(df.iloc[:,2:],df["target"])',
    'X = ss.fit_transform(X)',
    'from sklearn.model_selection import train_test_split',
    'X_train,X_test,y_train,y_test = train_test_split(X,y,test_size = 0.2, random_state = 42)',
  ];
  const [f] = fired('leak-fit-before-split', cells);
  assert.ok(f);
  assert.equal(f.cellId, 'c2');
  assert.equal(f.startLine, 1);
  assert.match(f.message, /`ss` \(StandardScaler\) is fitted on `X` before the train\/test split/);
  assert.deepEqual(f.related.map((r) => r.cellId), ['c4']);
});

test('leak-fit-before-split: the real creditcard notebook fixture fires on the scaler line', () => {
  const nb = JSON.parse(readFileSync(new URL('../fixtures/guidance/creditcard-scale-before-split.ipynb', import.meta.url), 'utf8')) as {
    cells: Array<{ source: string[] }>;
  };
  const [f] = fired('leak-fit-before-split', nb.cells.map((c) => c.source.join('')));
  assert.equal(f?.cellId, 'c4');
  assert.equal(f?.startLine, 4);
});

test('leak-fit-before-split: split first, scaler fitted on the training part only (rasbt ch07 pattern) does not fire', () => {
  const cells = [
    'X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)',
    'sc = StandardScaler()\nsc.fit(X_train)\nX_train_std = sc.transform(X_train)\nX_test_std = sc.transform(X_test)',
    'lr = LogisticRegression()\nlr.fit(X_train_std, y_train)\nprint(lr.score(X_test_std, y_test))',
  ];
  assert.deepEqual(fired('leak-fit-before-split', cells), []);
});

test('leak-fit-before-split: PCA on all rows, then cross-validation on its output fires; a Pipeline does not', () => {
  // kaggle nyc-taxi-trip-duration, rdcmdev: scaler fitted on X, then GridSearchCV on the scaled X.
  assert.equal(fired('leak-fit-before-split', [
    'scaler = preprocessing.StandardScaler().fit(X)\nX = scaler.transform(X)',
    'search_cv = GridSearchCV(model, grid, cv=5)',
    'search_cv.fit(X, y)',
  ]).length, 1);
  assert.deepEqual(fired('leak-fit-before-split', [
    'pipe = make_pipeline(StandardScaler(), PCA(10), LogisticRegression())',
    'scores = cross_val_score(pipe, X, y, cv=5)',
  ]), []);
});

test('leak-target-in-features: the target taken from df, features are df with other columns dropped (kaggle sberbank pattern)', () => {
  const cells = [
    "train = pd.read_csv('../input/train.csv')",
    "y = train['Survived']\nX = train.drop(['Name', 'Ticket'], axis=1)",
    'X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\nmodel.fit(X_train, y_train)',
  ];
  const [f] = fired('leak-target-in-features', cells);
  assert.ok(f);
  assert.equal(f.cellId, 'c1');
  assert.equal(f.startLine, 2);
  assert.match(f.message, /'Survived'/);
});

test('leak-target-in-features: the target dropped, in place or by a new frame, does not fire (kaggle titanic starters)', () => {
  assert.deepEqual(fired('leak-target-in-features', ["y = train['Survived']\nX = train.drop(['Survived', 'Name'], axis=1)", 'model.fit(X, y)']), []);
  assert.deepEqual(fired('leak-target-in-features', ["y = train_df['y']\ntrain_df.drop('y', axis=1, inplace=True)", 'model.fit(train_df, y)']), []);
  // The frame was rebuilt after the target was taken: the checks cannot tell what it holds, so they stay silent.
  assert.deepEqual(fired('leak-target-in-features', ["y_train = train.SalePrice.values", 'train = all_data[:ntrain]', 'model.fit(train, y_train)']), []);
  // A branch that may drop it is no proof either way (kaggle home-credit, `if 'TARGET' in app_train`).
  assert.deepEqual(fired('leak-target-in-features', [
    "train_labels = app_train['TARGET']",
    "if 'TARGET' in app_train:\n    train = app_train.drop(columns=['TARGET'])\nelse:\n    train = app_train.copy()",
    'log_reg.fit(train, train_labels)',
  ]), []);
});

test('leak-target-in-features: fitting on the frame the target came from fires (kaggle nyc-taxi-fare, sas2018)', () => {
  const [f] = fired('leak-target-in-features', [
    "y_train = train_df['fare_amount']\nX_tr, X_te, y_tr, y_te = train_test_split(train_df, y_train, test_size=0.1)",
    'model.fit(X_tr, y_tr)',
  ]);
  assert.equal(f?.startLine, 2);
});

test('leak-target-in-features: the target dropped from the split parts before the fit does not fire (zillow, randomjosh)', () => {
  assert.deepEqual(fired('leak-target-in-features', [
    "y = train_df['logerror']\nX_train, X_test, y_train, y_test = train_test_split(train_df, y, test_size=0.2)",
    "X_train = X_train.drop(['parcelid', 'logerror'], axis=1)\nmodel.fit(X_train, y_train)",
  ]), []);
  // dirty_cat employee_salaries: a ColumnTransformer in the pipeline picks the columns it uses by name.
  assert.deepEqual(fired('leak-target-in-features', [
    'y = df["Current Annual Salary"].values',
    "pipeline = Pipeline([('enc', ColumnTransformer(transformers)), ('clf', RidgeCV())])\nscores = cross_val_score(pipeline, df, y)",
  ]), []);
});

test('leak-fit-on-test: a scaler fitted again on the test part (spaceship-titanic, usamabalochhh) fires', () => {
  const cells = [
    [
      'x_train,x_test,y_train,y_test = train_test_split(input,target,test_size=0.15,random_state=34)',
      'ss = StandardScaler()',
      'x_train = ss.fit_transform(x_train)',
      'x_test = ss.fit_transform(x_test)',
    ].join('\n'),
  ];
  const [f] = fired('leak-fit-on-test', cells);
  assert.equal(f?.startLine, 4);
  assert.match(f?.message ?? '', /use `ss\.transform\(x_test\)`/);
});

test('leak-fit-on-test: a label encoder refitted on the competition test file fires; fitted on train and test together does not', () => {
  const read = "train = pd.read_csv('../input/train.csv')\ntest = pd.read_csv('../input/test.csv')\nle = LabelEncoder()";
  // kaggle tmdb-box-office-prediction, anitha136
  assert.equal(fired('leak-fit-on-test', [
    read,
    "train['original_language'] = le.fit_transform(train['original_language'])",
    "test['original_language'] = le.fit_transform(test['original_language'])",
  ]).length, 1);
  // kaggle porto-seguro pattern: one mapping for both files
  assert.deepEqual(fired('leak-fit-on-test', [
    read,
    "le.fit(list(train['c'].values) + list(test['c'].values))\ntrain['c'] = le.transform(train['c'])\ntest['c'] = le.transform(test['c'])",
  ]), []);
});

test('leak-fit-on-test: transform on test, a vectorizer with a fixed vocabulary, or a fit whose result is unused, do not fire', () => {
  assert.deepEqual(fired('leak-fit-on-test', [
    'X_train, X_test, y_train, y_test = train_test_split(X, y)\nsc = StandardScaler().fit(X_train)\nX_test = sc.transform(X_test)',
  ]), []);
  // kaggle quora-question-pairs, plarmuseau: CountVectorizer(vocabulary=...) learns nothing from what it is fitted on.
  const fixed = ["test = pd.read_csv('../input/test.csv')\ns2 = test['question2']", 'cv2 = CountVectorizer(vocabulary=vocab)\nm2 = cv2.fit_transform(s2)'];
  assert.deepEqual(fired('leak-fit-on-test', fixed), []);
  // kaggle titanic, rblcoder: test columns standardised only to draw a density plot.
  assert.deepEqual(fired('leak-fit-on-test', [
    "test = pd.read_csv('../input/test.csv')",
    "pd.DataFrame(StandardScaler().fit_transform(test[['Age','Fare']].dropna())).plot.kde()",
  ]), []);
});
