// Fallback stage rule (keywords per cell) used only when the classifier's weak labels are unavailable.
import type { Stage } from '../classifier/stages.ts';

const RULES: ReadonlyArray<[Stage, RegExp]> = [
  [
    'eval',
    /\b(accuracy_score|confusion_matrix|classification_report|roc_auc_score|mean_squared_error|mean_absolute_error|f1_score|cross_val_score|\.score\(|\.predict\(|evaluate\(|to_csv\()/,
  ],
  ['train', /\b(\.fit\(|fit_generator|GridSearchCV|RandomizedSearchCV|lgb\.train|xgb\.train|Sequential\(|model\.compile|Classifier\(|Regressor\()/],
  ['load', /\b(read_csv|read_json|read_excel|read_parquet|read_table|load_data|np\.load|open\()/],
  [
    'prep',
    /\b(fillna|dropna|get_dummies|LabelEncoder|StandardScaler|MinMaxScaler|train_test_split|\.map\(|\.apply\(|astype|\.drop\(|merge\(|concat\(|\.replace\()/,
  ],
  ['explore', /\b(head\(|describe\(|info\(|value_counts|plot|hist|sns\.|plt\.|\.shape|print\(|corr\()/],
];

export function ruleStage(source: string): Stage {
  const code = source
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
  const nonImport = code.split('\n').filter((l) => l.trim() && !/^\s*(import|from)\s/.test(l));
  if (nonImport.length === 0 && /^\s*(import|from)\s/m.test(code)) return 'import';
  for (const [stage, re] of RULES) if (re.test(code)) return stage;
  return 'explore';
}

export function ruleLabelCells(sources: readonly string[]): Stage[] {
  return sources.map((s) => ruleStage(s));
}
