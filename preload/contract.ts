// The one IPC contract between the UI and the main-side services: methods {params, result}, events, version.
// Imported by main (to register and validate), preload (to expose exactly these methods), renderer (types) and the web host.
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

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

export interface OpenedNotebook {
  path: string;
  doc: NotebookDoc;
  mtimeMs: number;
  /** A newer unsaved version from the crash journal, offered to the user. */
  recovered: { doc: NotebookDoc; savedAt: string } | null;
  /** Set when the file is not a valid notebook (or not UTF-8): why, for the user. The app never writes over it. */
  readOnly?: string | null;
  /** Set for a format 2/3 file: `doc` is its conversion to format 4, written only with `convert: true` after a backup. */
  conversion?: { from: string; backupPath: string } | null;
}
export interface KernelSpecInfo { name: string; displayName: string; language: string }

/** Completion items from the kernel (`complete_request`), with the span of the code they replace. */
export interface KernelCompletion {
  matches: { text: string; type: string | null; signature: string | null }[];
  cursorStart: number;
  cursorEnd: number;
}
/** Help for the name at the cursor (`inspect_request`), as plain text (ANSI colours removed). */
export interface KernelInspection { found: boolean; text: string }
/** A comm message between the kernel and the UI (ipywidgets). Buffers travel base64-encoded. */
export interface CommMessage {
  kernelId: string;
  kind: 'open' | 'msg' | 'close';
  commId: string;
  targetName: string | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: string[];
}
/** A notebook's session on the Jupyter server: the notebook path keys its kernel, as in JupyterLab. */
export interface NotebookSession { path: string; kernelId: string; kernelName: string; status: KernelStatus; executionCount: number | null }
/** One entry of the workspace file browser. */
export interface FileEntry { name: string; path: string; kind: 'dir' | 'notebook' | 'file'; size: number; mtimeMs: number }
export type KernelStatus = 'starting' | 'idle' | 'busy' | 'restarting' | 'dead' | 'disconnected' | 'unknown';
/** `error`: why the run failed without a traceback (the kernel died: `kernelDied`); an aborted cell was never run. */
export interface ExecuteResult { status: 'ok' | 'error' | 'aborted'; executionCount: number | null; durationMs: number; error?: string; kernelDied?: boolean }
/**
 * The kernel process died (a crash, `os._exit`, the OOM killer). `cellId`: the cell it was running; `reason`: what the
 * server knows (`exited with code 1`, `killed (SIGKILL), probably out of memory`); `restarted`: the server started a
 * fresh kernel (variables gone, execution counts from 1); `message`: what to show on the cell.
 */
export interface KernelDeath { kernelId: string; cellId: string | null; reason: string | null; restarted: boolean; message: string }
/**
 * `context`: why the notebook around the cell, not the cell alone, decided its stage: it reads earlier predictions, it
 * calls a function the notebook defined (ml/classifier/notebook-context.ts), or the stacker read the earlier cells
 * (ml/classifier/stacker.ts).
 */
export interface StagePrediction { stage: StageId; probs: Record<StageId, number>; context?: 'reads-predictions' | 'calls-notebook-function' | 'earlier-cells' }
/** A DataFrame in the kernel's namespace, as a silent request reads it. */
export interface DataFrameInfo { name: string; columns: string[]; dtypes: string[] }
/** A user variable as the variable inspector lists it: read without calling the object's `__repr__` or `__str__`. */
export interface KernelVariable {
  name: string;
  /** The class's name: `DataFrame`, `ndarray`, `int`. */
  type: string;
  /** Arrays, frames and tensors: their `.shape`. */
  shape: number[] | null;
  /** Builtin containers and strings: `len()`. */
  length: number | null;
  /** The data of arrays and frames (`nbytes`, `memory_usage(deep=False)`); of builtin objects, the object itself. */
  bytes: number | null;
  dtype: string | null;
  /** Numbers, booleans, None and the start of a string, as Python writes them; null for anything else. */
  value: string | null;
  /** pandas objects whose columns, nulls and first rows `kernel.variable` reads. */
  kind: 'frame' | 'series' | null;
}
/** `answered: false`: the kernel was busy with a cell and did not answer in time (show the last list). */
export interface KernelVariables {
  answered: boolean;
  variables: KernelVariable[];
  /** Names in the namespace; more than `variables` holds when the list was capped. */
  total: number;
  /** Time in the kernel and the whole round trip, in ms. */
  kernelMs: number | null;
  ms: number;
}
export interface KernelVariableDetail {
  answered: boolean;
  name: string;
  /** False when the name is no longer in the namespace. */
  found: boolean;
  type: string;
  shape: number[] | null;
  /** Up to 200 columns; `nulls` is null where counting them ran out of time. */
  columns: Array<{ name: string; dtype: string; nulls: number | null }>;
  columnsTotal: number;
  /** The first rows: index labels and cells, as short text. */
  index: string[];
  rows: string[][];
}
export interface Suggestion {
  text: string;
  score: number;
  /** The call key, and how often the corpus did this at a similar point (`count` of `total`). */
  key?: string;
  evidence?: { count: number; total: number };
}
/**
 * A workflow check's finding (ml/guidance): `key` is what "ignore this one" saves in the notebook's metadata
 * (`gds.ignoredFindings`); lines are 1-based within the cell; `related` names the other places involved.
 */
export interface CheckFinding {
  ruleId: string; severity: 'warning' | 'info'; message: string; explanation: string; cellId: string; startLine: number; endLine: number;
  key: string; related: Array<{ cellId: string; line: number; note: string }>;
}
export interface DoctorCheck { name: string; ok: boolean; detail: string; fix?: string }
export interface CorpusHit { notebookId: number; ref: string; cellIndex: number; snippet: string; source: string; votes: number | null }
export interface CorpusSourceInfo {
  slug: string; kind: string; title: string | null; notebooks: number; tags: string[];
  description: string | null; evaluation: string | null; overview: string | null; url: string | null;
}
export interface CorpusNotebookView {
  id: number; ref: string; source: string | null; title: string | null; author: string | null; votes: number | null;
  duplicateOf: number | null; cells: Array<{ index: number; type: 'code' | 'markdown' | 'raw'; source: string; apiCalls: string[] }>;
}

export const PIPELINE_STEPS = ['crawl', 'import', 'execute', 'label', 'train-classifier', 'train-recommender', 'evaluate', 'install'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];
export type ModelKind = 'classifier' | 'recommender';
export interface PipelineStepView {
  name: PipelineStep; status: 'pending' | 'running' | 'done' | 'failed' | 'cancelled'; attempts: number;
  startedAt: string | null; endedAt: string | null; fraction: number | null; message: string; error: string | null; resumedFrom: string | null;
}
export interface PipelineRunView {
  runId: string; status: 'pending' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted'; createdAt: string;
  options: { corpus?: string; db?: string; epochs?: number; maxCells?: number; selfTrain?: boolean }; steps: PipelineStepView[];
}
export interface TrainingCurve { model: string; points: Array<{ epoch: number; trainLoss: number | null; valLoss: number | null }> }
export interface ModelComparison { kind: ModelKind; rows: Array<{ metric: string; candidate: number | null; installed: number | null }> }
export interface TorchReport { ok: boolean; python: string | null; version: string | null; cuda: boolean; device: string | null; message: string }

/** Methods: name → params schema (validated at the main edge) and result type. */
export const methods = {
  'app.info': { params: z.object({}), result: z.custom<{ version: string; protocol: number; mode: 'electron' | 'web'; openPath: string | null }>() },
  'app.doctor': { params: z.object({}), result: z.custom<DoctorCheck[]>() },
  'notebook.create': { params: z.object({}), result: z.custom<NotebookDoc>() },
  'notebook.open': { params: z.object({ path }), result: z.custom<OpenedNotebook>() },
  'notebook.save': {
    /** `convert`: the user agreed to convert a format 2/3 file to format 4 (its original is first copied to a backup). */
    /** `saveId`: names this save; `unconfirmed`: earlier saves whose reply never came, which may have written the file. */
    /** `keepOutputs`: code cells sent without outputs because theirs are those in the file (a save then moves kilobytes, not the 50 MB of a big output). */
    params: z.object({
      path, doc: NotebookDocSchema, expectedMtimeMs: z.number().nullable(), force: z.boolean().optional(), convert: z.boolean().optional(),
      keepOutputs: z.array(z.string().max(64)).max(100_000).optional(),
      saveId: z.string().max(64).optional(), unconfirmed: z.array(z.string().max(64)).max(16).optional(),
    }),
    result: z.custom<{ path: string; mtimeMs: number; written: boolean; backupPath?: string }>(),
  },
  /** `part: 'edits'`: the cells without their outputs (sent after every pause in typing); 'full' (default): everything. */
  'notebook.journal': { params: z.object({ key: path, doc: NotebookDocSchema, part: z.enum(['full', 'edits']).optional() }), result: z.custom<{ ok: true }>() },
  'notebook.discardRecovery': { params: z.object({ key: path }), result: z.custom<{ ok: true }>() },
  'notebook.recent': { params: z.object({}), result: z.custom<string[]>() },
  'notebook.watch': { params: z.object({ path: path.nullable() }), result: z.custom<{ ok: true }>() },
  'kernel.specs': { params: z.object({}), result: z.custom<{ default: string; specs: KernelSpecInfo[] }>() },
  'kernel.attach': {
    params: z.object({ url: z.string().max(4096).regex(/^https?:\/\//, 'must start with http:// or https://').nullable() }),
    result: z.custom<{ server: 'own' | 'attached'; baseUrl: string | null }>(),
  },
  'kernel.start': { params: z.object({ name: z.string().max(200).optional(), cwd: z.string().max(4096).optional() }), result: z.custom<{ kernelId: string }>() },
  'kernel.execute': {
    params: z.object({ kernelId: id, cellId: id, code: z.string().max(10_000_000) }),
    result: z.custom<ExecuteResult>(),
  },
  'kernel.interrupt': { params: z.object({ kernelId: id }), result: z.custom<{ ok: true }>() },
  'kernel.restart': { params: z.object({ kernelId: id }), result: z.custom<{ ok: true }>() },
  'kernel.shutdown': { params: z.object({ kernelId: id }), result: z.custom<{ ok: true }>() },
  /** DataFrames in scope (name, columns, dtypes) by a silent request: no execution count, no `_`/`Out` entries. */
  'kernel.frames': { params: z.object({ kernelId: id }), result: z.custom<DataFrameInfo[]>() },
  /** The variable inspector's list, by a silent request (no execution count, no `_`/`Out`); never waits long on a busy kernel. */
  'kernel.variables': { params: z.object({ kernelId: id }), result: z.custom<KernelVariables>() },
  /** One DataFrame's or Series' columns, dtypes, null counts and first rows, by a silent request. */
  'kernel.variable': { params: z.object({ kernelId: id, name: z.string().min(1).max(500) }), result: z.custom<KernelVariableDetail>() },
  'kernel.inputReply': { params: z.object({ kernelId: id, value: z.string().max(1_000_000) }), result: z.custom<{ ok: true }>() },
  /** Code help, silent (no execution count); `cursor` counts UTF-16 code units from the start of `code`. */
  'kernel.complete': {
    params: z.object({ kernelId: id, code: z.string().max(1_000_000), cursor: z.number().int().min(0) }),
    result: z.custom<KernelCompletion>(),
  },
  'kernel.inspect': {
    params: z.object({ kernelId: id, code: z.string().max(1_000_000), cursor: z.number().int().min(0), detail: z.union([z.literal(0), z.literal(1)]).optional() }),
    result: z.custom<KernelInspection>(),
  },
  /** A message from a widget to its model in the kernel. */
  'kernel.commSend': {
    params: z.object({
      kernelId: id, commId: z.string().max(200), data: z.record(z.string(), z.unknown()),
      buffers: z.array(z.string().max(10_000_000)).max(64).optional(),
    }),
    result: z.custom<{ ok: true }>(),
  },
  /** The kernel of the notebook at `path`: its running session's, or a new session's (`name` picks the kernelspec). */
  'kernel.session': {
    params: z.object({ path, name: z.string().max(200).optional() }),
    result: z.custom<{ kernelId: string; kernelName: string; reused: boolean }>(),
  },
  /** Running notebook sessions on the server. */
  'kernel.sessions': { params: z.object({}), result: z.custom<NotebookSession[]>() },
  /** Another kernelspec for the notebook at `path` (its session's old kernel is shut down). */
  'kernel.changeKernel': { params: z.object({ path, name: z.string().max(200) }), result: z.custom<{ kernelId: string; kernelName: string }>() },
  'files.roots': { params: z.object({}), result: z.custom<string[]>() },
  'files.list': { params: z.object({ dir: path }), result: z.custom<FileEntry[]>() },
  'files.newNotebook': { params: z.object({ dir: path }), result: z.custom<{ path: string }>() },
  'files.rename': { params: z.object({ from: path, to: path }), result: z.custom<{ path: string }>() },
  'files.duplicate': { params: z.object({ path }), result: z.custom<{ path: string }>() },
  /** Moves to the app's trash (kept until restored or the trash is emptied); `trashId` undoes it. */
  'files.trash': { params: z.object({ path }), result: z.custom<{ trashId: string }>() },
  'files.restore': { params: z.object({ trashId: id }), result: z.custom<{ path: string }>() },
  /** A file dropped on the browser, base64, at most 50 MB. */
  'files.upload': {
    params: z.object({ dir: path, name: z.string().min(1).max(255), base64: z.string().max(70_000_000) }),
    result: z.custom<{ path: string }>(),
  },
  'ml.classify': {
    // notebook: true when `sources` are all code cells of one notebook in order, so data flow between cells counts.
    params: z.object({ sources: z.array(z.string().max(200_000, CELL_TOO_BIG)).max(5000), notebook: z.boolean().optional() }),
    result: z.custom<StagePrediction[]>(),
  },
  'ml.suggest': {
    params: z.object({
      cells: z.array(z.string().max(200_000, CELL_TOO_BIG)).max(5000),
      top: z.number().int().min(1).max(20).optional(),
      /** Columns of the DataFrames in scope, read from the running kernel by a silent request. */
      columns: z.array(z.string().max(300)).max(5000).optional(),
      /** The notebook's file: chips then name only data files that exist beside it. */
      notebookPath: z.string().max(4096).optional(),
    }),
    result: z.custom<{ stage: StageId | null; suggestions: Suggestion[] }>(),
  },
  /** The user took (accept) or waved away (dismiss) a chip: its key's ranking moves for this user only. */
  'ml.feedback': {
    params: z.object({ key: z.string().min(1).max(2000), action: z.enum(['accept', 'dismiss']) }),
    result: z.custom<{ ok: true }>(),
  },
  'ml.resetFeedback': { params: z.object({}), result: z.custom<{ ok: true }>() },
  /** Workflow checks over the notebook's code cells in order; `editedSinceRun`: the cell changed after it last ran. */
  'ml.lint': {
    params: z.object({
      cells: z.array(z.object({
        id, source: z.string().max(200_000, 'a cell is over the limit of 200000 characters per cell for workflow checks'),
        executionCount: z.number().int().nullable().optional(), editedSinceRun: z.boolean().optional(),
      })).max(5000),
      ignored: z.array(z.string().max(200)).max(10_000).optional(),
    }),
    result: z.custom<CheckFinding[]>(),
  },
  'corpus.search': {
    params: z.object({
      query: z.string().max(1000), api: z.string().max(300).optional(), source: z.string().max(300).optional(),
      stage: z.enum(STAGE_IDS).optional(), minVotes: z.number().int().optional(), limit: z.number().int().min(1).max(500).optional(),
    }),
    result: z.custom<CorpusHit[]>(),
  },
  'corpus.sources': { params: z.object({}), result: z.custom<CorpusSourceInfo[]>() },
  'corpus.notebook': { params: z.object({ id: z.number().int().positive() }), result: z.custom<CorpusNotebookView>() },
  'corpus.openCopy': { params: z.object({ id: z.number().int().positive() }), result: z.custom<{ path: string }>() },
  'pipeline.torch': { params: z.object({}), result: z.custom<TorchReport>() },
  'pipeline.runs': { params: z.object({}), result: z.custom<PipelineRunView[]>() },
  'pipeline.start': {
    params: z.object({
      steps: z.array(z.enum(PIPELINE_STEPS)).min(1).max(PIPELINE_STEPS.length),
      corpus: z.string().max(4096).optional(),
      epochs: z.number().int().min(1).max(200).optional(),
      maxCells: z.number().int().min(100).max(10_000_000).optional(),
      selfTrain: z.boolean().optional(),
    }),
    result: z.custom<{ runId: string }>(),
  },
  'pipeline.resume': { params: z.object({ runId: id }), result: z.custom<{ runId: string }>() },
  'pipeline.cancel': { params: z.object({ runId: id }), result: z.custom<PipelineRunView>() },
  'pipeline.details': {
    params: z.object({ runId: id }),
    result: z.custom<{ run: PipelineRunView; curves: TrainingCurve[]; comparisons: ModelComparison[]; lfAnalysis: string | null }>(),
  },
  'models.install': { params: z.object({ runId: id, kind: z.enum(['classifier', 'recommender']) }), result: z.custom<{ installedAt: string }>() },
  'models.rollback': { params: z.object({ kind: z.enum(['classifier', 'recommender']) }), result: z.custom<{ ok: true }>() },
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
  'kernel.status', 'kernel.output', 'kernel.clearOutput', 'kernel.updateDisplay', 'kernel.input', 'kernel.died', 'kernel.comm',
  'notebook.changedOnDisk', 'app.openFile', 'app.command', 'pipeline.progress', 'pipeline.changed', 'models.changed',
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
