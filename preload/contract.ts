// The one IPC contract between the UI and the main-side services: methods {params, result} as zod schemas, events, version.
// Imported by main (to register and validate), preload (to expose exactly these methods), renderer (types), the web host,
// and ml (the words both sides share, defined here once: the stages and the Suggestion a chip shows).
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** The six workflow stages of a code cell, in the order ties are broken by: the one definition (ml/classifier/stages.ts re-exports it). */
export const STAGE_IDS = ['import', 'load', 'explore', 'prep', 'train', 'eval'] as const;
export type StageId = (typeof STAGE_IDS)[number];

/** An nbformat output, kept as the kernel sent it (mime bundles stay intact for saving). */
export const OutputSchema = z.looseObject({
  output_type: z.enum(['stream', 'display_data', 'execute_result', 'error', 'update_display_data']),
});
export type Output = z.infer<typeof OutputSchema> & Record<string, unknown>;

export const CellSchema = z.looseObject({
  id: z.string().min(1).max(200),
  cell_type: z.enum(['code', 'markdown', 'raw']),
  source: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  outputs: z.array(OutputSchema).optional(),
  execution_count: z.number().int().nullable().optional(),
});
export type Cell = z.infer<typeof CellSchema>;

export const NotebookDocSchema = z.looseObject({
  cells: z.array(CellSchema),
  metadata: z.record(z.string(), z.unknown()),
  nbformat: z.number().int(),
  nbformat_minor: z.number().int(),
});
export type NotebookDoc = z.infer<typeof NotebookDocSchema>;

const path = z.string().min(1).max(4096);
/** ml.classify and ml.suggest refuse a cell over 200,000 characters (ml/cell-limits.ts: MAX_CELL_CHARS) with this. */
const CELL_TOO_BIG = 'a cell is over the limit of 200000 characters per cell for stages and suggestions';
const id = z.string().min(1).max(200);

// Results are zod schemas, and their TS types are inferred from them: one definition each. The router checks every
// result against its schema outside production (main/host/router.ts), so a service that drifts from the contract fails
// loudly in development and tests instead of surprising the UI.
/** A number as JavaScript has it: scores, losses and metrics may be NaN or infinite (a metric of an empty split). */
const jsNumber = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const count = z.number().int().nonnegative();
const ok = z.object({ ok: z.literal(true) });
const pathResult = z.object({ path: z.string() });

export const OpenedNotebookSchema = z.object({
  path: z.string(),
  doc: NotebookDocSchema,
  mtimeMs: jsNumber,
  /** A newer unsaved version from the crash journal, offered to the user. */
  recovered: z.object({ doc: NotebookDocSchema, savedAt: z.string() }).nullable(),
  /** Set when the file is not a valid notebook (or not UTF-8): why, for the user. The app never writes over it. */
  readOnly: z.string().nullable().optional(),
  /** Set for a format 2/3 file: `doc` is its conversion to format 4, written only with `convert: true` after a backup. */
  conversion: z.object({ from: z.string(), backupPath: z.string() }).nullable().optional(),
});
export type OpenedNotebook = z.infer<typeof OpenedNotebookSchema>;
export const KernelSpecInfoSchema = z.object({ name: z.string(), displayName: z.string(), language: z.string() });
export type KernelSpecInfo = z.infer<typeof KernelSpecInfoSchema>;

/** Completion items from the kernel (`complete_request`), with the span of the code they replace. */
export const KernelCompletionSchema = z.object({
  matches: z.array(z.object({ text: z.string(), type: z.string().nullable(), signature: z.string().nullable() })),
  cursorStart: z.number().int(),
  cursorEnd: z.number().int(),
});
export type KernelCompletion = z.infer<typeof KernelCompletionSchema>;
/** Help for the name at the cursor (`inspect_request`), as plain text (ANSI colours removed). */
export const KernelInspectionSchema = z.object({ found: z.boolean(), text: z.string() });
export type KernelInspection = z.infer<typeof KernelInspectionSchema>;
/** A comm message between the kernel and the UI (ipywidgets). Buffers travel base64-encoded. */
export const CommMessageSchema = z.object({
  kernelId: z.string(),
  kind: z.enum(['open', 'msg', 'close']),
  commId: z.string(),
  targetName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
  buffers: z.array(z.string()),
});
export type CommMessage = z.infer<typeof CommMessageSchema>;
export const KernelStatusSchema = z.enum(['starting', 'idle', 'busy', 'restarting', 'dead', 'disconnected', 'unknown']);
export type KernelStatus = z.infer<typeof KernelStatusSchema>;
/** A notebook's session on the Jupyter server: the notebook path keys its kernel, as in JupyterLab. */
export const NotebookSessionSchema = z.object({
  path: z.string(),
  kernelId: z.string(),
  kernelName: z.string(),
  status: KernelStatusSchema,
  executionCount: z.number().int().nullable(),
});
export type NotebookSession = z.infer<typeof NotebookSessionSchema>;
/** One entry of the workspace file browser. */
export const FileEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['dir', 'notebook', 'file']),
  size: jsNumber,
  mtimeMs: jsNumber,
});
export type FileEntry = z.infer<typeof FileEntrySchema>;
/** `error`: why the run failed without a traceback (the kernel died: `kernelDied`); an aborted cell was never run. */
export const ExecuteResultSchema = z.object({
  status: z.enum(['ok', 'error', 'aborted']),
  executionCount: z.number().int().nullable(),
  durationMs: jsNumber,
  error: z.string().optional(),
  kernelDied: z.boolean().optional(),
});
export type ExecuteResult = z.infer<typeof ExecuteResultSchema>;
/**
 * The kernel process died (a crash, `os._exit`, the OOM killer). `cellId`: the cell it was running; `reason`: what the
 * server knows (`exited with code 1`, `killed (SIGKILL), probably out of memory`); `restarted`: the server started a
 * fresh kernel (variables gone, execution counts from 1); `message`: what to show on the cell.
 */
export const KernelDeathSchema = z.object({
  kernelId: z.string(),
  cellId: z.string().nullable(),
  reason: z.string().nullable(),
  restarted: z.boolean(),
  message: z.string(),
});
export type KernelDeath = z.infer<typeof KernelDeathSchema>;
/**
 * `context`: why the notebook around the cell, not the cell alone, decided its stage: it reads earlier predictions, it
 * calls a function the notebook defined (ml/classifier/notebook-context.ts), or the stacker read the earlier cells
 * (ml/classifier/stacker.ts).
 */
export const StagePredictionSchema = z.object({
  stage: z.enum(STAGE_IDS),
  probs: z.record(z.enum(STAGE_IDS), jsNumber),
  context: z.enum(['reads-predictions', 'calls-notebook-function', 'earlier-cells']).optional(),
});
export type StagePrediction = z.infer<typeof StagePredictionSchema>;
/** A DataFrame in the kernel's namespace, as a silent request reads it. */
export const DataFrameInfoSchema = z.object({ name: z.string(), columns: z.array(z.string()), dtypes: z.array(z.string()) });
export type DataFrameInfo = z.infer<typeof DataFrameInfoSchema>;
/** A user variable as the variable inspector lists it: read without calling the object's `__repr__` or `__str__`. */
export const KernelVariableSchema = z.object({
  name: z.string(),
  /** The class's name: `DataFrame`, `ndarray`, `int`. */
  type: z.string(),
  /** Arrays, frames and tensors: their `.shape`. */
  shape: z.array(z.number().int()).nullable(),
  /** Builtin containers and strings: `len()`. */
  length: z.number().int().nullable(),
  /** The data of arrays and frames (`nbytes`, `memory_usage(deep=False)`); of builtin objects, the object itself. */
  bytes: z.number().int().nullable(),
  dtype: z.string().nullable(),
  /** Numbers, booleans, None and the start of a string, as Python writes them; null for anything else. */
  value: z.string().nullable(),
  /** pandas objects whose columns, nulls and first rows `kernel.variable` reads. */
  kind: z.enum(['frame', 'series']).nullable(),
});
export type KernelVariable = z.infer<typeof KernelVariableSchema>;
/** `answered: false`: the kernel was busy with a cell and did not answer in time (show the last list). */
export const KernelVariablesSchema = z.object({
  answered: z.boolean(),
  variables: z.array(KernelVariableSchema),
  /** Names in the namespace; more than `variables` holds when the list was capped. */
  total: count,
  /** Time in the kernel and the whole round trip, in ms. */
  kernelMs: jsNumber.nullable(),
  ms: jsNumber,
});
export type KernelVariables = z.infer<typeof KernelVariablesSchema>;
export const KernelVariableDetailSchema = z.object({
  answered: z.boolean(),
  name: z.string(),
  /** False when the name is no longer in the namespace. */
  found: z.boolean(),
  type: z.string(),
  shape: z.array(z.number().int()).nullable(),
  /** Up to 200 columns; `nulls` is null where counting them ran out of time. */
  columns: z.array(z.object({ name: z.string(), dtype: z.string(), nulls: count.nullable() })),
  columnsTotal: count,
  /** The first rows: index labels and cells, as short text. */
  index: z.array(z.string()),
  rows: z.array(z.array(z.string())),
});
export type KernelVariableDetail = z.infer<typeof KernelVariableDetailSchema>;
/** One next-line chip. The recommender (ml/recommender/recommender.ts) answers with this type, so the app sends it as is. */
/** How much of the markdown above a code cell the recommender reads (its end: the title just above). */
export const MARKDOWN_CHARS = 2000;

export const SuggestionSchema = z.object({
  text: z.string(),
  score: jsNumber,
  /** The call key (key models only), and how often the corpus did this at a similar point (`count` of `total`). */
  key: z.string().optional(),
  evidence: z.object({ count: count, total: count }).optional(),
});
export type Suggestion = z.infer<typeof SuggestionSchema>;
/**
 * A workflow check's finding (ml/guidance): `key` is what "ignore this one" saves in the notebook's metadata
 * (`gds.ignoredFindings`); lines are 1-based within the cell; `related` names the other places involved.
 */
export const CheckFindingSchema = z.object({
  ruleId: z.string(),
  severity: z.enum(['warning', 'info']),
  message: z.string(),
  explanation: z.string(),
  cellId: z.string(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  key: z.string(),
  related: z.array(z.object({ cellId: z.string(), line: z.number().int(), note: z.string() })),
});
export type CheckFinding = z.infer<typeof CheckFindingSchema>;
export const DoctorCheckSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string(), fix: z.string().optional() });
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;
export const CorpusHitSchema = z.object({
  notebookId: z.number().int(),
  ref: z.string(),
  cellIndex: z.number().int(),
  snippet: z.string(),
  source: z.string(),
  votes: jsNumber.nullable(),
});
export type CorpusHit = z.infer<typeof CorpusHitSchema>;
export const CorpusSourceInfoSchema = z.object({
  slug: z.string(),
  kind: z.string(),
  title: z.string().nullable(),
  notebooks: count,
  tags: z.array(z.string()),
  description: z.string().nullable(),
  evaluation: z.string().nullable(),
  overview: z.string().nullable(),
  url: z.string().nullable(),
});
export type CorpusSourceInfo = z.infer<typeof CorpusSourceInfoSchema>;
export const CorpusNotebookViewSchema = z.object({
  id: z.number().int(),
  ref: z.string(),
  source: z.string().nullable(),
  title: z.string().nullable(),
  author: z.string().nullable(),
  votes: jsNumber.nullable(),
  duplicateOf: z.number().int().nullable(),
  cells: z.array(z.object({ index: z.number().int(), type: z.enum(['code', 'markdown', 'raw']), source: z.string(), apiCalls: z.array(z.string()) })),
});
export type CorpusNotebookView = z.infer<typeof CorpusNotebookViewSchema>;

export const PIPELINE_STEPS = ['crawl', 'import', 'execute', 'label', 'train-classifier', 'train-recommender', 'evaluate', 'install'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];
export const MODEL_KINDS = ['classifier', 'recommender'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export const PipelineStepViewSchema = z.object({
  name: z.enum(PIPELINE_STEPS),
  status: z.enum(['pending', 'running', 'done', 'failed', 'cancelled']),
  attempts: count,
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  fraction: jsNumber.nullable(),
  message: z.string(),
  error: z.string().nullable(),
  resumedFrom: z.string().nullable(),
});
export type PipelineStepView = z.infer<typeof PipelineStepViewSchema>;
export const PipelineRunViewSchema = z.object({
  runId: z.string(),
  status: z.enum(['pending', 'running', 'done', 'failed', 'cancelled', 'interrupted']),
  createdAt: z.string(),
  options: z.object({
    corpus: z.string().optional(),
    db: z.string().optional(),
    epochs: jsNumber.optional(),
    maxCells: jsNumber.optional(),
    selfTrain: z.boolean().optional(),
  }),
  steps: z.array(PipelineStepViewSchema),
});
export type PipelineRunView = z.infer<typeof PipelineRunViewSchema>;
export const TrainingCurveSchema = z.object({
  model: z.string(),
  points: z.array(z.object({ epoch: jsNumber, trainLoss: jsNumber.nullable(), valLoss: jsNumber.nullable() })),
});
export type TrainingCurve = z.infer<typeof TrainingCurveSchema>;
export const ModelComparisonSchema = z.object({
  kind: z.enum(MODEL_KINDS),
  rows: z.array(z.object({ metric: z.string(), candidate: jsNumber.nullable(), installed: jsNumber.nullable() })),
});
export type ModelComparison = z.infer<typeof ModelComparisonSchema>;
export const TorchReportSchema = z.object({
  ok: z.boolean(),
  python: z.string().nullable(),
  version: z.string().nullable(),
  cuda: z.boolean(),
  device: z.string().nullable(),
  message: z.string(),
});
export type TorchReport = z.infer<typeof TorchReportSchema>;

/** Methods: name → params schema (validated at the main edge) and result schema (checked there outside production). */
export const methods = {
  'app.info': {
    params: z.object({}),
    result: z.object({ version: z.string(), protocol: z.number().int(), mode: z.enum(['electron', 'web']), openPath: z.string().nullable() }),
  },
  'app.doctor': { params: z.object({}), result: z.array(DoctorCheckSchema) },
  'notebook.create': { params: z.object({}), result: NotebookDocSchema },
  'notebook.open': { params: z.object({ path }), result: OpenedNotebookSchema },
  'notebook.save': {
    /** `convert`: the user agreed to convert a format 2/3 file to format 4 (its original is first copied to a backup). */
    /** `saveId`: names this save; `unconfirmed`: earlier saves whose reply never came, which may have written the file. */
    /** `keepOutputs`: code cells sent without outputs because theirs are those in the file (a save then moves kilobytes, not the 50 MB of a big output). */
    params: z.object({
      path,
      doc: NotebookDocSchema,
      expectedMtimeMs: z.number().nullable(),
      force: z.boolean().optional(),
      convert: z.boolean().optional(),
      keepOutputs: z.array(z.string().max(64)).max(100_000).optional(),
      saveId: z.string().max(64).optional(),
      unconfirmed: z.array(z.string().max(64)).max(16).optional(),
    }),
    result: z.object({ path: z.string(), mtimeMs: jsNumber, written: z.boolean(), backupPath: z.string().optional() }),
  },
  /** `part: 'edits'`: the cells without their outputs (sent after every pause in typing); 'full' (default): everything. */
  'notebook.journal': { params: z.object({ key: path, doc: NotebookDocSchema, part: z.enum(['full', 'edits']).optional() }), result: ok },
  'notebook.discardRecovery': { params: z.object({ key: path }), result: ok },
  'notebook.recent': { params: z.object({}), result: z.array(z.string()) },
  'notebook.watch': { params: z.object({ path: path.nullable() }), result: ok },
  'kernel.specs': { params: z.object({}), result: z.object({ default: z.string(), specs: z.array(KernelSpecInfoSchema) }) },
  'kernel.attach': {
    params: z.object({
      url: z
        .string()
        .max(4096)
        .regex(/^https?:\/\//, 'must start with http:// or https://')
        .nullable(),
    }),
    result: z.object({ server: z.enum(['own', 'attached']), baseUrl: z.string().nullable() }),
  },
  'kernel.start': {
    params: z.object({ name: z.string().max(200).optional(), cwd: z.string().max(4096).optional() }),
    result: z.object({ kernelId: z.string() }),
  },
  'kernel.execute': {
    params: z.object({ kernelId: id, cellId: id, code: z.string().max(10_000_000) }),
    result: ExecuteResultSchema,
  },
  'kernel.interrupt': { params: z.object({ kernelId: id }), result: ok },
  'kernel.restart': { params: z.object({ kernelId: id }), result: ok },
  'kernel.shutdown': { params: z.object({ kernelId: id }), result: ok },
  /** DataFrames in scope (name, columns, dtypes) by a silent request: no execution count, no `_`/`Out` entries. */
  'kernel.frames': { params: z.object({ kernelId: id }), result: z.array(DataFrameInfoSchema) },
  /** The variable inspector's list, by a silent request (no execution count, no `_`/`Out`); never waits long on a busy kernel. */
  'kernel.variables': { params: z.object({ kernelId: id }), result: KernelVariablesSchema },
  /** One DataFrame's or Series' columns, dtypes, null counts and first rows, by a silent request. */
  'kernel.variable': { params: z.object({ kernelId: id, name: z.string().min(1).max(500) }), result: KernelVariableDetailSchema },
  'kernel.inputReply': { params: z.object({ kernelId: id, value: z.string().max(1_000_000) }), result: ok },
  /** Code help, silent (no execution count); `cursor` counts UTF-16 code units from the start of `code`. */
  'kernel.complete': {
    params: z.object({ kernelId: id, code: z.string().max(1_000_000), cursor: z.number().int().min(0) }),
    result: KernelCompletionSchema,
  },
  'kernel.inspect': {
    params: z.object({
      kernelId: id,
      code: z.string().max(1_000_000),
      cursor: z.number().int().min(0),
      detail: z.union([z.literal(0), z.literal(1)]).optional(),
    }),
    result: KernelInspectionSchema,
  },
  /** A message from a widget to its model in the kernel. */
  'kernel.commSend': {
    params: z.object({
      kernelId: id,
      commId: z.string().max(200),
      data: z.record(z.string(), z.unknown()),
      buffers: z.array(z.string().max(10_000_000)).max(64).optional(),
    }),
    result: ok,
  },
  /** The kernel of the notebook at `path`: its running session's, or a new session's (`name` picks the kernelspec). */
  'kernel.session': {
    params: z.object({ path, name: z.string().max(200).optional() }),
    result: z.object({ kernelId: z.string(), kernelName: z.string(), reused: z.boolean() }),
  },
  /** Running notebook sessions on the server. */
  'kernel.sessions': { params: z.object({}), result: z.array(NotebookSessionSchema) },
  /** Another kernelspec for the notebook at `path` (its session's old kernel is shut down). */
  'kernel.changeKernel': {
    params: z.object({ path, name: z.string().max(200) }),
    result: z.object({ kernelId: z.string(), kernelName: z.string() }),
  },
  'files.roots': { params: z.object({}), result: z.array(z.string()) },
  'files.list': { params: z.object({ dir: path }), result: z.array(FileEntrySchema) },
  'files.newNotebook': { params: z.object({ dir: path }), result: pathResult },
  'files.rename': { params: z.object({ from: path, to: path }), result: pathResult },
  'files.duplicate': { params: z.object({ path }), result: pathResult },
  /** Moves to the app's trash (kept until restored or the trash is emptied); `trashId` undoes it. */
  'files.trash': { params: z.object({ path }), result: z.object({ trashId: z.string() }) },
  'files.restore': { params: z.object({ trashId: id }), result: pathResult },
  /** A file dropped on the browser, base64, at most 50 MB. */
  'files.upload': {
    params: z.object({ dir: path, name: z.string().min(1).max(255), base64: z.string().max(70_000_000) }),
    result: pathResult,
  },
  'ml.classify': {
    // notebook: true when `sources` are all code cells of one notebook in order, so data flow between cells counts.
    params: z.object({ sources: z.array(z.string().max(200_000, CELL_TOO_BIG)).max(5000), notebook: z.boolean().optional() }),
    result: z.array(StagePredictionSchema),
  },
  'ml.suggest': {
    params: z.object({
      cells: z.array(z.string().max(200_000, CELL_TOO_BIG)).max(5000),
      top: z.number().int().min(1).max(20).optional(),
      /** Columns of the DataFrames in scope, read from the running kernel by a silent request. */
      columns: z.array(z.string().max(300)).max(5000).optional(),
      /** The notebook's file: chips then name only data files that exist beside it. */
      notebookPath: z.string().max(4096).optional(),
      /** Per cell of `cells`, the markdown just above it (the markdown cells since the code cell before). */
      markdown: z.array(z.string().max(200_000, CELL_TOO_BIG)).max(5000).optional(),
    }),
    result: z.object({ stage: z.enum(STAGE_IDS).nullable(), suggestions: z.array(SuggestionSchema) }),
  },
  /** The user took (accept) or waved away (dismiss) a chip: its key's ranking moves for this user only. */
  'ml.feedback': {
    params: z.object({ key: z.string().min(1).max(2000), action: z.enum(['accept', 'dismiss']) }),
    result: ok,
  },
  'ml.resetFeedback': { params: z.object({}), result: ok },
  /** Workflow checks over the notebook's code cells in order; `editedSinceRun`: the cell changed after it last ran. */
  'ml.lint': {
    params: z.object({
      cells: z
        .array(
          z.object({
            id,
            source: z.string().max(200_000, 'a cell is over the limit of 200000 characters per cell for workflow checks'),
            executionCount: z.number().int().nullable().optional(),
            editedSinceRun: z.boolean().optional(),
          }),
        )
        .max(5000),
      ignored: z.array(z.string().max(200)).max(10_000).optional(),
    }),
    result: z.array(CheckFindingSchema),
  },
  'corpus.search': {
    params: z.object({
      query: z.string().max(1000),
      api: z.string().max(300).optional(),
      source: z.string().max(300).optional(),
      stage: z.enum(STAGE_IDS).optional(),
      minVotes: z.number().int().optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
    result: z.array(CorpusHitSchema),
  },
  'corpus.sources': { params: z.object({}), result: z.array(CorpusSourceInfoSchema) },
  'corpus.notebook': { params: z.object({ id: z.number().int().positive() }), result: CorpusNotebookViewSchema },
  'corpus.openCopy': { params: z.object({ id: z.number().int().positive() }), result: pathResult },
  'pipeline.torch': { params: z.object({}), result: TorchReportSchema },
  'pipeline.runs': { params: z.object({}), result: z.array(PipelineRunViewSchema) },
  'pipeline.start': {
    params: z.object({
      steps: z.array(z.enum(PIPELINE_STEPS)).min(1).max(PIPELINE_STEPS.length),
      corpus: z.string().max(4096).optional(),
      epochs: z.number().int().min(1).max(200).optional(),
      maxCells: z.number().int().min(100).max(10_000_000).optional(),
      selfTrain: z.boolean().optional(),
      /** Training processes under torchrun (DistributedDataParallel); 1 runs the trainer as a plain process. */
      procs: z.number().int().min(1).max(64).optional(),
    }),
    result: z.object({ runId: z.string() }),
  },
  'pipeline.resume': { params: z.object({ runId: id }), result: z.object({ runId: z.string() }) },
  'pipeline.cancel': { params: z.object({ runId: id }), result: PipelineRunViewSchema },
  'pipeline.details': {
    params: z.object({ runId: id }),
    result: z.object({
      run: PipelineRunViewSchema,
      curves: z.array(TrainingCurveSchema),
      comparisons: z.array(ModelComparisonSchema),
      lfAnalysis: z.string().nullable(),
    }),
  },
  'models.install': { params: z.object({ runId: id, kind: z.enum(MODEL_KINDS) }), result: z.object({ installedAt: z.string() }) },
  'models.rollback': { params: z.object({ kind: z.enum(MODEL_KINDS) }), result: ok },
} as const;

/** Events pushed from the main side to the UI. */
export interface Events {
  'kernel.status': { kernelId: string; status: KernelStatus };
  'kernel.output': { kernelId: string; cellId: string; output: Output };
  'kernel.clearOutput': { kernelId: string; cellId: string; wait: boolean };
  'kernel.updateDisplay': { kernelId: string; displayId: string; output: Output };
  'kernel.input': { kernelId: string; cellId: string; prompt: string; password: boolean };
  'kernel.died': KernelDeath;
  'kernel.comm': CommMessage;
  'notebook.changedOnDisk': { path: string; mtimeMs: number };
  'app.openFile': { path: string };
  'app.command': { command: string };
  'pipeline.progress': { runId: string; step: PipelineStep; fraction: number | null; etaSeconds: number | null; message: string };
  'pipeline.changed': { runId: string };
  'models.changed': { kind: ModelKind };
}
export const EVENT_NAMES = [
  'kernel.status',
  'kernel.output',
  'kernel.clearOutput',
  'kernel.updateDisplay',
  'kernel.input',
  'kernel.died',
  'kernel.comm',
  'notebook.changedOnDisk',
  'app.openFile',
  'app.command',
  'pipeline.progress',
  'pipeline.changed',
  'models.changed',
] as const satisfies ReadonlyArray<keyof Events>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Params<M extends MethodName> = z.input<Methods[M]['params']>;
export type Result<M extends MethodName> = z.infer<Methods[M]['result']>;
export type EventName = keyof Events;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

type Namespace<M extends string> = M extends `${infer NS}.${string}` ? NS : never;

/** The API object the UI sees: `api.kernel.execute({...})`, generated from the method map, never written by hand. */
export type GdsApi = {
  [NS in Namespace<MethodName>]: {
    [M in MethodName as M extends `${NS}.${infer Rest}` ? Rest : never]: (params: Params<M>) => Promise<Result<M>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

export type Invoke = (method: MethodName, params: unknown) => Promise<unknown>;
export type Subscribe = (event: EventName, listener: (payload: unknown) => void) => () => void;

/** Builds the namespaced API from one transport (Electron IPC in the preload, WebSocket in web mode). */
export function createApi(invoke: Invoke, subscribe: Subscribe): GdsApi {
  const api: Record<string, Record<string, (p: unknown) => Promise<unknown>>> = {};
  for (const name of METHOD_NAMES) {
    const [ns, method] = name.split('.') as [string, string];
    (api[ns] ??= {})[method] = (params: unknown) => invoke(name, params);
  }
  return Object.assign(api, {
    on: (event: EventName, listener: (payload: unknown) => void) => subscribe(event, listener),
  }) as unknown as GdsApi;
}

/** Wire frames of the web transport. */
export const ClientFrameSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string().max(100),
  params: z.unknown(),
});
/**
 * A request too big for one WebSocket frame (a notebook with large outputs) travels as numbered pieces of its JSON
 * text; the host caps each frame, so one frame can never exhaust its memory.
 */
export const CHUNK_CHARS = 512 * 1024;
export const ChunkFrameSchema = z.object({
  chunk: z.object({ seq: z.number().int().nonnegative(), last: z.boolean(), data: z.string().max(CHUNK_CHARS) }),
});
export type ServerFrame =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string; code: string } }
  | { event: EventName; payload: unknown }
  /** `instance`: new on every start of the host, so a tab can tell a blip from a restarted service. */
  | { hello: { protocol: number; instance?: string } };
