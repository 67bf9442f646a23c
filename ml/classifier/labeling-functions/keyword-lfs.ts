// LFs keyed on API names found in the tree (callees and attributes), one family per stage.
import type { CellFeatures } from './features.ts';
import { isModelConstructor } from './vocab.ts';
import { notOutweighed } from './statement-rules.ts';
import { lf, type LabelingFunction } from './types.ts';

const calls = (f: CellFeatures, ...names: string[]): boolean => names.some((n) => f.calls.has(n));
const callee = (f: CellFeatures, re: RegExp): boolean => [...f.callees].some((c) => re.test(c));
const attr = (f: CellFeatures, ...names: string[]): boolean => names.some((n) => f.attrs.has(n));
const small = (f: CellFeatures, n: number): boolean => f.lines <= n;

/**
 * A keyword is evidence for its stage unless the cell's line count clearly belongs to another one: `fit` in a cell of
 * mostly predictions and metrics must not outvote the spec's rule 4 three times over with its sibling LFs.
 */
function gated(lfs: LabelingFunction[]): LabelingFunction[] {
  return lfs.map((l) => ({ ...l, fires: (f: CellFeatures) => l.fires(f) && notOutweighed(f, l.stage) }));
}

export const importLfs: LabelingFunction[] = gated([
  lf('pip_install', 'import', 'import', (f) => f.magics.some((m) => /pip install|conda install/.test(m)) && f.statements.length <= 2),
  lf(
    'display_options',
    'import',
    'import',
    (f) =>
      calls(f, 'set_option', 'filterwarnings', 'init_notebook_mode') &&
      f.statements.every((s) => s.kind.includes('import') || (s.calls.length > 0 && s.calls.every((c) => /set|filter|use|init|seed|rc/.test(c)))),
  ),
  lf(
    'matplotlib_inline_with_imports',
    'import',
    'import',
    (f) => f.magics.some((m) => /matplotlib/.test(m)) && f.statements.some((s) => s.kind.includes('import')),
  ),
]);

export const loadLfs: LabelingFunction[] = gated([
  lf('pandas_read', 'load', 'load', (f) => [...f.calls].some((c) => /^read_(csv|excel|json|parquet|table|sql|feather|pickle|hdf|fwf)/.test(c))),
  lf('numpy_load', 'load', 'load', (f) => callee(f, /^np\.(load|loadtxt|genfromtxt)$/)),
  lf('list_input_dir', 'load', 'load', (f) => calls(f, 'listdir', 'glob', 'walk') && small(f, 8)),
  lf('open_data_file', 'load', 'load', (f) => calls(f, 'open') && /\.(csv|txt|json|tsv|pkl|npy)|input\//.test(f.source) && !/['"]w/.test(f.source)),
  lf('dataset_loaders', 'load', 'load', (f) =>
    calls(
      f,
      'load_dataset',
      'load_data',
      'fetch_openml',
      'load_iris',
      'load_boston',
      'load_digits',
      'load_breast_cancer',
      'image_dataset_from_directory',
      'dcmread',
      'loadmat',
    ),
  ),
  lf('sql_connect', 'load', 'load', (f) => calls(f, 'connect', 'read_sql', 'read_sql_query') && /sql/i.test(f.source)),
  lf('read_then_peek', 'load', 'load', (f) => [...f.calls].some((c) => c.startsWith('read_')) && small(f, 6)),
]);

export const exploreLfs: LabelingFunction[] = gated([
  lf('head_tail_sample', 'explore', 'explore', (f) => calls(f, 'head', 'tail', 'sample') && small(f, 2) && !f.calls.has('read_csv')),
  lf('info_describe', 'explore', 'explore', (f) => calls(f, 'info', 'describe') && small(f, 3)),
  lf(
    'shape_dtypes',
    'explore',
    'explore',
    (f) => attr(f, 'shape', 'dtypes', 'columns') && small(f, 3) && f.statements.every((s) => s.targets.length === 0),
  ),
  lf(
    'value_counts_unique',
    'explore',
    'explore',
    (f) => calls(f, 'value_counts', 'nunique', 'unique') && f.statements.every((s) => s.targets.length === 0 || !/\[/.test(s.targets.join())),
  ),
  lf('missing_values', 'explore', 'explore', (f) => calls(f, 'isnull', 'isna') && calls(f, 'sum', 'mean') && !calls(f, 'fillna', 'dropna', 'drop')),
  lf('correlation', 'explore', 'explore', (f) => calls(f, 'corr') || (calls(f, 'heatmap') && !calls(f, 'confusion_matrix'))),
  lf('seaborn_plots', 'explore', 'explore', (f) =>
    calls(
      f,
      'countplot',
      'distplot',
      'histplot',
      'boxplot',
      'barplot',
      'pairplot',
      'scatterplot',
      'violinplot',
      'kdeplot',
      'jointplot',
      'catplot',
      'factorplot',
      'swarmplot',
      'lmplot',
      'regplot',
      'displot',
    ),
  ),
  lf(
    'matplotlib_data_plots',
    'explore',
    'explore',
    (f) => calls(f, 'hist', 'scatter', 'pie', 'bar', 'barh', 'plot', 'iplot') && !attr(f, 'history') && !calls(f, 'predict', 'fit'),
  ),
  lf(
    'groupby_shown',
    'explore',
    'explore',
    (f) => calls(f, 'groupby', 'pivot_table', 'crosstab') && f.statements.every((s) => s.targets.length === 0),
  ),
  lf('wordcloud', 'explore', 'explore', (f) => calls(f, 'WordCloud', 'generate')),
]);

export const prepLfs: LabelingFunction[] = gated([
  lf('fill_drop_missing', 'prep', 'prep', (f) => calls(f, 'fillna', 'dropna', 'interpolate', 'SimpleImputer', 'Imputer')),
  lf(
    'drop_replace_map',
    'prep',
    'prep',
    (f) => calls(f, 'drop', 'replace', 'map', 'apply', 'astype', 'rename', 'drop_duplicates') && !calls(f, 'fit', 'predict'),
  ),
  lf('encoding', 'prep', 'prep', (f) =>
    calls(f, 'get_dummies', 'LabelEncoder', 'OneHotEncoder', 'OrdinalEncoder', 'factorize', 'LabelBinarizer', 'to_categorical'),
  ),
  lf('scaling', 'prep', 'prep', (f) => calls(f, 'StandardScaler', 'MinMaxScaler', 'RobustScaler', 'normalize', 'fit_transform')),
  lf('split_train_test', 'prep', 'prep', (f) => calls(f, 'train_test_split')),
  lf('new_column', 'prep', 'prep', (f) => f.statements.some((s) => s.targets.some((t) => /\[['"]/.test(t)))),
  lf(
    'text_cleaning',
    'prep',
    'prep',
    (f) =>
      calls(f, 'sub', 'lower', 'word_tokenize', 'lemmatize', 'stem', 'strip') &&
      (calls(f, 'apply', 'map') || f.statements.some((s) => s.kind === 'function_definition')),
  ),
  lf('text_vectorizing', 'prep', 'prep', (f) =>
    calls(f, 'Tokenizer', 'fit_on_texts', 'texts_to_sequences', 'pad_sequences', 'TfidfVectorizer', 'CountVectorizer'),
  ),
  lf('merge_concat', 'prep', 'prep', (f) => calls(f, 'merge', 'concat', 'join') && !f.calls.has('read_csv')),
  lf('build_x_y', 'prep', 'prep', (f) =>
    f.statements.some((s) => s.targets.some((t) => /^(X|y|x|Y|target|features)(_?(train|test|val|valid))?$/.test(t))),
  ),
  lf('image_transform', 'prep', 'prep', (f) => calls(f, 'resize', 'ImageDataGenerator', 'Compose', 'cvtColor', 'reshape', 'preprocess_input')),
  lf('datetime_features', 'prep', 'prep', (f) => calls(f, 'to_datetime') || attr(f, 'dt')),
  lf('dim_reduction_features', 'prep', 'prep', (f) => calls(f, 'PCA', 'TruncatedSVD', 'SelectKBest', 'PolynomialFeatures', 'SMOTE', 'fit_resample')),
]);

export const trainLfs: LabelingFunction[] = gated([
  lf('fit_call', 'train', 'train', (f) => calls(f, 'fit', 'fit_generator', 'fit_one_cycle') && !calls(f, 'fit_transform')),
  lf('estimator_constructor', 'train', 'train', (f) => [...f.calls].some(isModelConstructor)),
  lf('keras_model', 'train', 'train', (f) =>
    calls(f, 'Sequential', 'compile', 'Dense', 'Conv2D', 'LSTM', 'MaxPooling2D', 'Model', 'Embedding', 'Conv1D'),
  ),
  lf(
    'torch_module_or_loop',
    'train',
    'train',
    (f) => f.statements.some((s) => s.bases.some((b) => /Module/.test(b))) || calls(f, 'backward', 'zero_grad'),
  ),
  lf('model_selection', 'train', 'train', (f) =>
    calls(f, 'GridSearchCV', 'RandomizedSearchCV', 'KFold', 'StratifiedKFold', 'BayesSearchCV', 'create_study'),
  ),
  lf('boosting_train', 'train', 'train', (f) => callee(f, /^(lgb|xgb|lightgbm|xgboost|cb|catboost)\.(train|cv)$/)),
  lf('callbacks', 'train', 'train', (f) => calls(f, 'EarlyStopping', 'ModelCheckpoint', 'ReduceLROnPlateau', 'LearningRateScheduler')),
  lf('optimizers', 'train', 'train', (f) => calls(f, 'Adam', 'SGD', 'RMSprop', 'AdamW')),
]);

export const evalLfs: LabelingFunction[] = gated([
  lf('predict_call', 'eval', 'eval', (f) => calls(f, 'predict', 'predict_proba', 'predict_classes', 'predict_generator') && !calls(f, 'fit')),
  lf(
    'metric_functions',
    'eval',
    'eval',
    (f) =>
      [...f.calls].some((c) => /(_score|_error|^confusion_matrix|^classification_report|^roc_curve|^auc|^log_loss)$/.test(c)) && !calls(f, 'fit'),
  ),
  lf('submission_file', 'eval', 'eval', (f) => calls(f, 'to_csv') && /submi/i.test(f.source)),
  lf('history_plot', 'eval', 'eval', (f) => attr(f, 'history') && calls(f, 'plot')),
  lf(
    'feature_importance',
    'eval',
    'eval',
    (f) => attr(f, 'feature_importances_', 'coef_') || calls(f, 'plot_importance', 'feature_importance', 'permutation_importance'),
  ),
  lf('score_evaluate', 'eval', 'eval', (f) => calls(f, 'score', 'evaluate') && !calls(f, 'fit')),
  lf('best_params_report', 'eval', 'eval', (f) => attr(f, 'best_score_', 'best_params_', 'cv_results_') && !calls(f, 'fit')),
]);
