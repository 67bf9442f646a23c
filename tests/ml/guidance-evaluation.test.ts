// Evaluation checks: scored only on the training data, never evaluated, predictions left unused. Cells are excerpts of
// real corpus notebooks (named above each case), trimmed to the lines that matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fired } from './guidance-helpers.ts';

const SPLIT = 'X_train, X_test, Y_train, Y_test = train_test_split(X, y, test_size=0.2)';

test('eval-train-only: scored on X_train while X_test waits unused (kaggle titanic starter, westen30)', () => {
  const cells = [SPLIT, 'sgd = SGDClassifier()\nsgd.fit(X_train, Y_train)\nacc_sgd = round(sgd.score(X_train, Y_train) * 100, 2)\nacc_sgd'];
  const [f] = fired('eval-train-only', cells);
  assert.equal(f?.cellId, 'c1');
  assert.equal(f?.startLine, 3);
  assert.match(f?.message ?? '', /`sgd` is evaluated only on the data it was fitted on/);
});

test('eval-train-only: a metric of training predictions fires (kaggle LANL, harshitholmes)', () => {
  const cells = [
    'xtr, xte, ytr, yte = train_test_split(X, y)',
    'rdgm = Ridge()\nrdgm.fit(xtr, ytr)\nrdgr = rdgm.predict(xtr)\nprint(mean_absolute_error(ytr, rdgr))',
  ];
  assert.equal(fired('eval-train-only', cells).length, 1);
});

test('eval-train-only: a training score next to a held-out score does not fire (kaggle titanic, raoulma)', () => {
  const cells = [
    SPLIT,
    'knn.fit(X_train, Y_train)\nacc_train = knn.score(X_train, Y_train)\nacc_valid = knn.score(X_test, Y_test)',
  ];
  assert.deepEqual(fired('eval-train-only', cells), []);
});

test('eval-train-only: a validation part cut from the test part is held out too (zero-to-mastery-ml)', () => {
  const cells = [
    'X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3)',
    'X_valid, X_test, y_valid, y_test = train_test_split(X_test, y_test, test_size=0.5)',
    'clf = RandomForestClassifier()\nclf.fit(X_train, y_train)\ny_preds = clf.predict(X_valid)\nprint(accuracy_score(y_valid, y_preds))',
  ];
  assert.deepEqual(fired('eval-train-only', cells), []);
});

test('eval-train-only: a split that holds out nothing or one row is no held-out part (github bbc classification)', () => {
  const fit = 'pipeline.fit(X_train, y_train)\nscore = pipeline.score(X_train, y_train)';
  for (const size of ['0', '0.0', '1']) {
    const split = `X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=${size})  # essentially not splitting`;
    assert.deepEqual(fired('eval-train-only', [split, 'pipeline = Pipeline([("clf", KMeans())])', fit]), []);
  }
});

test('eval-train-only: without a split there is no held-out part to point to (kaggle titanic, no train_test_split)', () => {
  const cells = [
    "X_train = train.drop('Survived', axis=1)\nY_train = train['Survived']",
    'logreg = LogisticRegression()\nlogreg.fit(X_train, Y_train)\nacc_log = logreg.score(X_train, Y_train)',
  ];
  assert.deepEqual(fired('eval-train-only', cells), []);
});

test('model-never-evaluated: fitted, predicted and submitted without a score (kaggle dog-breed / house-prices patterns)', () => {
  const cells = [
    "train = pd.read_csv('../input/train.csv')\ntest = pd.read_csv('../input/test.csv')\ntest_X = test[features]",
    'model = RandomForestRegressor(random_state=1)\nmodel.fit(train_X, train_y)',
    "preds = model.predict(test_X)\npd.DataFrame({'Id': test.Id, 'SalePrice': preds}).to_csv('submission.csv', index=False)",
  ];
  const [f] = fired('model-never-evaluated', cells);
  assert.equal(f?.cellId, 'c1');
  assert.equal(f?.startLine, 2);
});

test('model-never-evaluated: validation while fitting, cross-validation, a grid search or a helper that scores do not fire', () => {
  const fit = 'model = Sequential()\nmodel.compile(loss="mse", optimizer="adam")';
  assert.deepEqual(fired('model-never-evaluated', [fit, 'model.fit(X, y, epochs=5, validation_split=0.2)']), []);
  assert.deepEqual(fired('model-never-evaluated', ['rf = RandomForestClassifier()\nprint(cross_val_score(rf, X, y, cv=5).mean())', 'rf.fit(X, y)']), []);
  assert.deepEqual(fired('model-never-evaluated', ['gs = model_selection.GridSearchCV(SVC(), grid)\ngs.fit(X, y)']), []);
  // h2o: the validation frame is scored while training (h2o-tutorials)
  assert.deepEqual(fired('model-never-evaluated', [
    'gbm = H2OGradientBoostingEstimator()\ngbm.train(x=x, y=y, training_frame=train, validation_frame=valid)',
  ]), []);
  // catboost tutorial: models are judged by the notebook's own evaluate_models(...)
  const helper = [
    'def evaluate_models(X_tr, y_tr, X_te, y_te):',
    '    m = LogisticRegression().fit(X_tr, y_tr)',
    '    print(accuracy_score(y_te, m.predict(X_te)))',
  ].join('\n');
  assert.deepEqual(fired('model-never-evaluated', [helper, 'lr = LogisticRegression()\nlr.fit(X, y)', 'evaluate_models(X, y, Xt, yt)']), []);
  // Scored by keyword: accuracy_score(y_true=, y_pred=) (PacktWorkshops), Keras evaluate(x=) (kaggle spaceship-titanic).
  const read = "test = pd.read_csv('../input/test.csv')\nrf = RandomForestClassifier()\nrf.fit(x_train, y_train)\nsub = rf.predict(test)";
  assert.deepEqual(fired('model-never-evaluated', [read, 'p = rf.predict(x_val)\nprint(accuracy_score(y_true=y_val, y_pred=p))']), []);
  assert.deepEqual(fired('model-never-evaluated', [read, 'evaluation = rf.evaluate(x=valid_ds, return_dict=True)']), []);
  // Training accuracy by hand, predictions made inline (kaggle whats-cooking, plarmuseau).
  assert.deepEqual(fired('model-never-evaluated', [read, 'print((rf.predict(x_train) == y_train).mean())']), []);
  // A scorer from a cell no longer in the notebook (kaggle house-prices, srisudheera).
  assert.deepEqual(fired('model-never-evaluated', [read, 'rmse_CV_train(rf).mean()']), []);
  // A notebook class whose methods fit with validation data (kaggle nlp-with-disaster-tweets, BERT).
  const detector = 'class Detector:\n    def train(self, X, y):\n        self.model.fit(X, y, validation_data=(self.Xv, self.yv))';
  assert.deepEqual(fired('model-never-evaluated', [detector, read, 'clf = Detector(layer)\nclf.train(df_train)']), []);
  // The notebook's own metric given predictions (kaggle spooky-author, readilen); TF-DF's self-evaluation (kaggle titanic).
  const logloss = 'def multiclass_logloss(actual, predicted):\n    return -np.mean(np.log(predicted[actual]))';
  assert.deepEqual(fired('model-never-evaluated', [logloss, read, 'p = rf.predict_proba(xvalid)\nprint(multiclass_logloss(yvalid, p))']), []);
  assert.deepEqual(fired('model-never-evaluated', [read, 'e = rf.make_inspector().evaluation()\nprint(e.accuracy)']), []);
  // TPOT cross-validates every pipeline it tries (kaggle santander, nafisur).
  const tpot = "test = pd.read_csv('../input/test.csv')\ntpot = TPOTRegressor(generations=8)\ntpot = tpot.fit(X_train, y_train)";
  assert.deepEqual(fired('model-never-evaluated', [tpot, 'y_pred = tpot.predict(test)']), []);
  // A model fitted for its coefficients, never predicting on test rows (kaggle zillow feature ranking, mikekosk).
  assert.deepEqual(fired('model-never-evaluated', [
    "house = pd.read_csv('../input/kc_house_data.csv')\nX = house.drop('price', axis=1)\nY = house['price']",
    "lasso = Lasso(alpha=.05)\nlasso.fit(X, Y)\nranks['Lasso'] = ranking(np.abs(lasso.coef_), colnames)",
  ]), []);
  // A transformer pipeline or a trainer is no model to evaluate.
  assert.deepEqual(fired('model-never-evaluated', ['pipe = Pipeline([("enc", OneHotEncoder())])\npipe.fit(X_train)']), []);
});

test('predictions-unused: Y_pred computed and overwritten before any use (kaggle titanic starter, westen30)', () => {
  const cells = [
    'decision_tree = DecisionTreeClassifier()\ndecision_tree.fit(X_train, Y_train)\nY_pred = decision_tree.predict(X_test)',
    'random_forest = RandomForestClassifier()\nrandom_forest.fit(X_train, Y_train)\nY_pred = random_forest.predict(X_test)',
    "submission = pd.DataFrame({'PassengerId': test_df['PassengerId'], 'Survived': Y_pred})",
  ];
  const found = fired('predictions-unused', cells);
  assert.deepEqual(found.map((f) => [f.cellId, f.startLine]), [['c0', 3]]);
});

test('predictions-unused: predictions read later, in the same loop, or in the cell still being written do not fire', () => {
  assert.deepEqual(fired('predictions-unused', ['p = model.predict(X_val)', 'print(mean_squared_error(y_val, p))']), []);
  assert.deepEqual(fired('predictions-unused', ['for m in models:\n    p = m.predict(X)\n    scores.append(r2_score(y, p))', 'print(scores)']), []);
  assert.deepEqual(fired('predictions-unused', ['model.fit(X, y)', 'preds = model.predict(X_test)']), []);
  // `score = accuracy_score(...)` holds a score, not predictions.
  assert.deepEqual(fired('predictions-unused', ['score = accuracy_score(y_test, model.predict(X_test))', "print('done')"]), []);
});
