// The library vocabulary the workflow checks know: which classes learn statistics from the rows they are fitted on,
// which calls predict, evaluate, split, read and write. Kept narrow on purpose: a name missing here means a
// check stays silent, a name wrongly here means a false finding.

/** One pattern out of alternatives, each a regular expression of its own (anchors included). */
function anyOf(parts: readonly string[], flags = ''): RegExp {
  return new RegExp(parts.join('|'), flags);
}

/** Learn per-column statistics (or pick columns by the target): fitted on rows that later reach the test side, they leak. */
export const LEAKY_TRANSFORMERS = new Set([
  'StandardScaler', 'MinMaxScaler', 'RobustScaler', 'MaxAbsScaler', 'QuantileTransformer', 'PowerTransformer',
  'SimpleImputer', 'Imputer', 'KNNImputer', 'IterativeImputer',
  'PCA', 'KernelPCA', 'IncrementalPCA', 'TruncatedSVD', 'FastICA', 'FactorAnalysis',
  'SelectKBest', 'SelectPercentile', 'SelectFromModel', 'RFE', 'RFECV', 'VarianceThreshold', 'SequentialFeatureSelector',
  'GenericUnivariateSelect', 'SelectFpr', 'SelectFdr', 'SelectFwe',
  'TargetEncoder', 'CatBoostEncoder', 'LeaveOneOutEncoder', 'WOEEncoder', 'JamesSteinEncoder', 'MEstimateEncoder',
  'KBinsDiscretizer',
]);

/** sklearn.preprocessing functions that scale with the statistics of the rows they are given. */
export const LEAKY_FUNCTIONS = new Set(['scale', 'minmax_scale', 'robust_scale', 'maxabs_scale', 'quantile_transform', 'power_transform']);

/** Learn a mapping from the rows they are fitted on: fitted again on test rows, the test gets another mapping. */
export const REFIT_SENSITIVE = new Set([
  ...LEAKY_TRANSFORMERS,
  'LabelEncoder', 'OneHotEncoder', 'OrdinalEncoder', 'DictVectorizer',
  'CountVectorizer', 'TfidfVectorizer', 'TfidfTransformer',
]);

/** Classes whose `fit` is no supervised model: transformers, clustering, embeddings, generators. */
const NOT_A_MODEL = anyOf([
  'Scaler', 'Transformer', 'Imputer', 'Encoder', 'Binarizer', 'Vectorizer', 'Discretizer', 'PCA$', 'SVD$', 'ICA$', '^Select', '^RFE',
  'Threshold', 'Selector', 'KMeans', 'DBSCAN', 'Clustering', 'GaussianMixture', 'NearestNeighbors', 'TSNE', 'UMAP', 'Isomap',
  'LocallyLinear', 'LatentDirichlet', '^NMF$', 'Word2Vec', 'Doc2Vec', 'FastText', 'Tokenizer', 'ImageDataGenerator', 'Prophet',
  'IsolationForest', 'LocalOutlierFactor', 'OneClassSVM', 'KernelDensity', 'FactorAnalysis', 'PolynomialFeatures', '^Normalizer$',
]);
/** Variable names of objects whose `fit` is no supervised model, when the class is not in sight. */
const NOT_A_MODEL_NAME = anyOf([
  'scal', 'encod', 'imput', 'select', 'pca', 'svd', 'vectori[sz]', 'tokeni[sz]', 'kmeans', 'cluster', 'tsne', 'umap', 'normali[sz]',
  'datagen', 'generator', 'binari', '^sc$', '^le$', '^ohe$', '^tfidf', '^cv$', '^vec', '^enc', '^mms$', '^ss$', '^rs$', '^pt$', '^qt$',
  'poly', 'lda', 'nmf', 'w2v', 'word2vec',
], 'i');

/** Classes that are models (a supervised `fit`, a `predict`). */
export const MODEL_CLASS = anyOf([
  'Regress(or|ion)', 'Classifier', '^SV[CR]$', '^NuSV[CR]$', '^LinearSV[CR]$', '^Lasso', '^Ridge', '^ElasticNet', '^Lars', '^OMP', 'Bayes',
  '^GaussianNB$', '^MultinomialNB$', '^BernoulliNB$', '^ComplementNB$', '^CategoricalNB$', 'Forest', 'Boost', '^XGB', '^LGBM', '^CatBoost',
  '^Sequential$', '^Model$', '^Perceptron$', '^MLP', '^SGD', '^KNeighbors', '^RadiusNeighbors', '^DecisionTree', '^ExtraTree', '^Bagging',
  '^Voting', '^Stacking', '^Pipeline$', '^make_pipeline$', 'SearchCV$', '^LinearDiscriminantAnalysis$', '^QuadraticDiscriminantAnalysis$',
  '^GaussianProcess', '^Isotonic', '^Huber', '^TheilSen', '^RANSAC', '^PassiveAggressive', '^Poisson', '^Tweedie', '^Gamma', '^ARD', '^EBM',
  '^TabNet',
]);

/** Models that cross-validate themselves: fitting one evaluates it on held-out folds. */
export const SELF_VALIDATING = /SearchCV$|CV$|^RFECV$|AutoML|^TPOT/;

/** Generative models (GANs, autoencoders): no held-out score to compute, so "never evaluated" says nothing. */
export const GENERATIVE = /(^|[^a-z])gan([^a-z]|$)|GAN|Gan([A-Z_ ]|$)|[Aa]uto_?[Ee]ncoder|VAE|(^|[^a-z])vae([^a-z]|$)/;

/** Names that hold held-out data by their name's parts: `X_val`, `valid_df`, `evaluation_data`, `dev_set`. */
export function heldOutName(text: string): boolean {
  return text.split(/[^A-Za-z]+|(?=[A-Z][a-z])/).some((t) => /^(val|valid|validation|eval|evaluation|dev|holdout)$/i.test(t));
}

/** Objects that score predictions they are given (Spark's `BinaryClassificationEvaluator`, SynapseML's statistics). */
export const EVALUATOR_CLASS = /Evaluator$|ModelStatistics$/;

export function isTransformerClass(cls: string | null | undefined): boolean {
  return !!cls && NOT_A_MODEL.test(cls);
}

export function looksLikeTransformerName(name: string): boolean {
  return NOT_A_MODEL_NAME.test(name);
}

export const PREDICT_CALLS = new Set([
  'predict', 'predict_proba', 'predict_classes', 'predict_generator', 'predict_on_batch', 'predict_log_proba', 'decision_function', 'get_preds',
]);

/** Metric functions: the first arguments are truth and prediction. */
export const METRIC_CALL = new RegExp(`^(${[
  '\\w+_score', '\\w+_error', '\\w*_loss', 'log_loss', 'confusion_matrix', 'classification_report', 'roc_curve', 'precision_recall_curve', 'auc',
  'rmse', 'rmsle', 'mape', 'smape', 'mae', 'mse', 'matthews_corrcoef', 'cohen_kappa_score', 'quadratic_weighted_kappa', 'hamming_loss', 'det_curve',
].join('|')})$`, 'i');

/** Calls that estimate a model on held-out folds. */
export const CV_CALLS = new Set(['cross_val_score', 'cross_validate', 'cross_val_predict', 'learning_curve', 'validation_curve', 'permutation_test_score']);

/** Keyword arguments of `fit` that evaluate on held-out data while training. */
export const VALIDATION_KWARGS = new Set([
  'validation_data', 'validation_split', 'eval_set', 'valid_sets', 'validation_steps', 'val_dataloaders', 'evals', 'validation_frame',
  'valid_data', 'eval_dataset', 'early_stopping_rounds', 'validation_set', 'eval_data', 'val_data',
]);

/** Modules whose functions only shape data: a value made with them alone is no model's output. */
export const DATA_MODULES = new RegExp(`^(${[
  'pandas', 'numpy', 'math', 'os', 'os\\.path', 'datetime', 'time', 're', 'string', 'collections', 'itertools', 'json', 'csv', 'glob', 'pathlib',
  'random', 'gc', 'warnings', 'tqdm', 'tqdm\\.\\w+', 'scipy\\.stats', 'statistics', 'functools', 'operator', 'zipfile', 'io', 'sys', 'copy',
].join('|')})$`);

/** Modules that only draw: a test frame handed to them is looked at, not predicted on. */
export const PLOT_MODULES = /^(matplotlib|seaborn|plotly|missingno|wordcloud|bokeh|altair)(\.|$)/;

/** Builtins that compute nothing a model could. */
export const PLAIN_BUILTINS = new Set([
  'len', 'int', 'float', 'str', 'round', 'list', 'dict', 'tuple', 'set', 'zip', 'range', 'enumerate', 'sorted', 'min', 'max', 'sum', 'abs',
  'print', 'map', 'filter', 'bool', 'open', 'isinstance', 'type', 'any', 'all', 'reversed', 'format', 'repr', 'display', 'iter', 'next',
]);

/** Names that hold true values of a target: `y_test`, `Y_val`, `labels`, `target`, `truth`. */
export const TRUTH_NAME = /^[yY]($|_|[A-Z0-9])|[Ll]abel|LABEL|[Tt]arget|TARGET|[Tt]ruth|[Tt]rue|[Aa]ctual/;

export const SPLIT_CLASSES = new RegExp(`^(${[
  'KFold', 'StratifiedKFold', 'GroupKFold', 'RepeatedKFold', 'RepeatedStratifiedKFold', 'ShuffleSplit', 'StratifiedShuffleSplit',
  'GroupShuffleSplit', 'TimeSeriesSplit', 'LeaveOneOut', 'StratifiedGroupKFold', 'PredefinedSplit',
].join('|')})$`);

export const READ_CALLS = new Set([
  'read_csv', 'read_table', 'read_excel', 'read_json', 'read_parquet', 'read_feather', 'read_pickle', 'read_hdf', 'load', 'loadtxt', 'genfromtxt',
  'read_sql', 'imread', 'flow_from_directory', 'flow_from_dataframe', 'image_dataset_from_directory', 'ImageFolder',
]);

/** The basename of a path a test set is read from: `test.csv`, `X_test.npy`, `cs-test.csv`; not `latest` or `contest`. */
export function fileRole(path: string): 'test' | 'train' | 'sample' | 'predictions' | null {
  const base = path.split(/[\\/]/).filter(Boolean).at(-1)?.toLowerCase() ?? '';
  if (!base && !path) return null;
  if (/sample_?submission|samplesubmission|sample_sub/.test(base)) return 'sample';
  // Before test/train: `test_preds.csv` holds a model's predictions for the test rows, not test rows.
  if (/(^|[^a-z])(sub|submission|pred|preds|predictions|oof|blend|ensemble|stack)([^a-z]|$)/.test(base)) return 'predictions';
  const hasTest = /(^|[^a-z])test/.test(base) || /(^|[\\/])test[\\/]?$/i.test(path);
  const hasTrain = /(^|[^a-z])train/.test(base);
  if (hasTest && !hasTrain) return 'test';
  if (hasTrain && !hasTest) return 'train';
  return null;
}

/** A path a submission is written to. */
export function isSubmissionPath(path: string): boolean {
  const base = path.split(/[\\/]/).filter(Boolean).at(-1)?.toLowerCase() ?? '';
  return /submi(t|ssion)|(^|[^a-z])sub([^a-z]|$)/.test(base) && !/sample_?submission/.test(base);
}
