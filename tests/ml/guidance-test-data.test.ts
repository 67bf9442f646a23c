// The competition side: a test file read and never predicted on, a submission written from something other than
// predictions. Cells are excerpts of real corpus notebooks (named above each case).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fired } from './guidance-helpers.ts';

const READ = "import pandas as pd\ntrain = pd.read_csv('../input/train.csv')\ntest = pd.read_csv('../input/test.csv')";

test('test-never-predicted: test read, a model fitted, nothing predicted on the test and no submission (kaggle porto-seguro EDA)', () => {
  const cells = [
    READ,
    "y = train['target']\nX = train.drop(['id', 'target'], axis=1)",
    'rf = RandomForestClassifier()\nrf.fit(X, y)\nprint(rf.feature_importances_)',
  ];
  const [f] = fired('test-never-predicted', cells);
  assert.equal(f?.cellId, 'c0');
  assert.equal(f?.startLine, 3);
});

test('test-never-predicted: predictions on data made from the test file, or a submission written, do not fire', () => {
  const fit = 'rf = RandomForestClassifier()\nrf.fit(X, y)';
  assert.deepEqual(fired('test-never-predicted', [READ, fit, "X_test = test.drop(['id'], axis=1).fillna(0)\np = rf.predict(X_test)"]), []);
  // kaggle spooky-author, arnabd2002: predictions made row by row by a classifier the checks do not know, then submitted.
  const loop = "out = []\nfor idx, row in test.iterrows():\n    out.append(mnb.classify(features(row['text'])))\npd.DataFrame(out).to_csv('submission.csv')";
  assert.deepEqual(fired('test-never-predicted', [READ, fit, loop]), []);
  // No model at all: an EDA notebook that looks at the test file.
  assert.deepEqual(fired('test-never-predicted', [READ, 'test.describe()']), []);
});

test('test-never-predicted: a test frame only looked at and reshaped still fires (kaggle store-sales, maricinnamon)', () => {
  const cells = [
    READ,
    "test['date'] = pd.to_datetime(test['date'], format='%Y-%m-%d')\ntest.head(5)",
    "t = test.copy()\nt = t.set_index(['store_nbr', 'family', 'date']).sort_index()",
    'model = LinearRegression()\nmodel.fit(X, y)',
  ];
  assert.equal(fired('test-never-predicted', cells).length, 1);
});

test('test-never-predicted: test data handed to a notebook function or an unknown object does not fire', () => {
  const fit = 'rf = RandomForestClassifier()\nrf.fit(X, y)';
  // kaggle santander, nicapotato: a notebook function predicts on the global test frame.
  const save = 'def save(model, name):\n    sub = np.expm1(model.predict(test_df))\n    pd.DataFrame({"target": sub}).to_csv(name)';
  assert.deepEqual(fired('test-never-predicted', [READ, 'test_df = test.fillna(0)', fit, save, "save(rf, 'rf.csv')"]), []);
  // kaggle porto-seguro, emjosh13: a stacker of the notebook's own given the test frame.
  assert.deepEqual(fired('test-never-predicted', [READ, fit, 'y_pred = stack.fit_predict(train, target_train, test)']), []);
  // kaggle titanic, lucasborba: predictions on a frame a notebook function built; the test file is read again for ids.
  const rebuilt = "train, test = recover_train_test_target(combined)\noutput = rf.predict(test)\naux = pd.read_csv('../input/test.csv')";
  assert.deepEqual(fired('test-never-predicted', ['import pandas as pd', fit, rebuilt]), []);
});

test('submission-not-predictions: the sample submission written back as it came (kaggle mercari, alifanov)', () => {
  const [f] = fired('submission-not-predictions', [
    'import pandas as pd',
    "sub = pd.read_csv('../input/stack-mean/sample_submission.csv')\nsub.to_csv('sub.csv', index=False)",
  ]);
  assert.equal(f?.cellId, 'c1');
  assert.equal(f?.startLine, 2);
});

test('submission-not-predictions: a constant from the training mean (kaggle quora-question-pairs starter) fires', () => {
  const cells = [
    "import numpy as np\nimport pandas as pd\ndf_train = pd.read_csv('../input/train.csv')\np = df_train['is_duplicate'].mean()",
    [
      "df_test = pd.read_csv('../input/test.csv')",
      "sub = pd.DataFrame({'test_id': df_test['test_id'], 'is_duplicate': p})",
      "sub.to_csv('naive_submission.csv', index=False)",
    ].join('\n'),
  ];
  assert.equal(fired('submission-not-predictions', cells).length, 1);
});

test('submission-not-predictions: model predictions, a network called in a loop, or a notebook function do not fire', () => {
  const sample = "sub = pd.read_csv('../input/sample_submission.csv')";
  assert.deepEqual(fired('submission-not-predictions', [READ, sample, "sub['target'] = model.predict(test)\nsub.to_csv('submission.csv', index=False)"]), []);
  // kaggle elo, dineshramasamy: predictions made inside the frame written.
  assert.deepEqual(fired('submission-not-predictions', [
    READ,
    "pd.DataFrame({'card_id': test['card_id'], 'target': model.predict(test_X)}).to_csv('submission.csv', index=False)",
  ]), []);
  // A PyTorch loop: the checks cannot see what `net(x)` is, so they stay silent.
  const torch = 'preds = []\nfor x in test_loader:\n    preds.append(net(x).argmax(1))';
  assert.deepEqual(fired('submission-not-predictions', [READ, sample, torch, "sub['label'] = preds\nsub.to_csv('submission.csv', index=False)"]), []);
  // kaggle nomad2018, scirpus: genetic-programming formulas defined in the notebook.
  assert.deepEqual(fired('submission-not-predictions', [
    READ,
    sample,
    'def FE(df):\n    return df.a * 0.3 + df.b',
    "sub['y'] = FE(test)\nsub.to_csv('gpsubmission.csv', index=False)",
  ]), []);
});
