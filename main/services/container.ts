// Builds the main-side services in order and tears them down in reverse; one container per app or web host.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROTOCOL_VERSION, type Events } from '../../preload/contract.ts';
import type { Handlers } from '../host/router.ts';
import { runDoctor } from './doctor.ts';
import { KernelComms } from './kernel-comms.ts';
import { complete, inspect } from './kernel-help.ts';
import { KernelService } from './kernel-service.ts';
import { jupyterRoot } from './jupyter-root.ts';
import type { JupyterServerHandle } from '../../pipeline/jupyter/server-process.ts';
import { WorkspaceFiles } from './workspace-files.ts';
import { emptyNotebook } from './nbformat.ts';
import { NotebookFiles } from './notebook-files.ts';
import { SuggestionFeedback } from './suggestion-feedback.ts';
import { readableFiles } from './readable-files.ts';
import { MlService } from './ml-service.ts';
import { CorpusService } from './corpus-service.ts';
import { PipelineService } from './pipeline-service.ts';
import { Workspace } from './workspace.ts';

export interface ContainerOptions {
  mode: 'electron' | 'web';
  version: string;
  dataDir: string;
  openPath: string | null;
  /** Folders whose notebooks the client may open and save (web default: the open file's folder, else the cwd). */
  workspace?: string[];
  attachUrl?: string;
  python?: string;
  /** Our Jupyter server, already starting (see `gds serve`). */
  jupyter?: Promise<JupyterServerHandle>;
  log: (line: string) => void;
  emit: <E extends keyof Events>(event: E, payload: Events[E]) => void;
}

export interface Container {
  handlers: Handlers;
  workspace: Workspace;
  dispose(): Promise<void>;
}

/** Where a client may open and save: what the user named, else the open file's folder (web) or home (Electron's dialogs). */
function workspaceFolders(opts: ContainerOptions): string[] {
  if (opts.workspace?.length) return opts.workspace;
  if (opts.mode === 'electron') return [homedir(), ...(opts.openPath ? [dirname(opts.openPath)] : [])];
  return [opts.openPath ? dirname(opts.openPath) : process.cwd()];
}

/**
 * The kernelspec a notebook names, read from the end of the file (nbformat writes `metadata` after the cells) without
 * parsing it whole; undefined when not there. Only picks the kernel prestarted for the notebook the app opens with.
 */
function kernelNameOf(path: string): string | undefined {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const tail = Buffer.alloc(Math.min(size, 64 * 1024));
      readSync(fd, tail, 0, tail.length, size - tail.length);
      return /"kernelspec"\s*:\s*\{[^{}]*?"name"\s*:\s*"([\w.+-]{1,100})"/.exec(tail.toString('utf8'))?.[1];
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined; // unreadable: the page's open says why
  }
}

export function createContainer(opts: ContainerOptions): Container {
  const corpusCopies = join(opts.dataDir, 'corpus-copies');
  const workspace = new Workspace([...workspaceFolders(opts), corpusCopies]);
  const inside = (path: string) => workspace.resolve(path);
  const key = async (k: string) => (k.startsWith('untitled:') ? k : inside(k));
  const files = new NotebookFiles(opts.dataDir, (path, mtimeMs) => opts.emit('notebook.changedOnDisk', { path, mtimeMs }));
  const kernels = new KernelService({
    emit: opts.emit,
    attachUrl: opts.attachUrl,
    python: opts.python,
    rootDir: jupyterRoot(opts.openPath),
    ownServer: opts.jupyter,
    log: (l) => opts.log(`[jupyter] ${l}`),
  });
  kernels.prestart(opts.openPath?.endsWith('.ipynb') ? opts.openPath : null, opts.openPath ? kernelNameOf(opts.openPath) : undefined);
  const comms = new KernelComms(opts.emit);
  kernels.onConnection((kernelId, conn) => comms.attach(kernelId, conn));
  const workspaceFiles = new WorkspaceFiles(workspace, opts.dataDir);
  const ml = new MlService(opts.log);
  const feedback = new SuggestionFeedback(opts.dataDir, opts.log);
  const corpus = new CorpusService(corpusCopies);
  const pipeline = new PipelineService(opts.emit, () => ml.reload());
  const ok = { ok: true } as const;
  // After start-up has had the CPU: the first suggestion would otherwise wait seconds for the models to load.
  const warmTimer = setTimeout(() => ml.warm().catch((e: unknown) => opts.log(`model warm-up: ${(e as Error).message}`)), 2000);
  warmTimer.unref();

  const handlers: Handlers = {
    'app.info': async () => ({ version: opts.version, protocol: PROTOCOL_VERSION, mode: opts.mode, openPath: opts.openPath }),
    'app.doctor': () => runDoctor(),
    'notebook.create': async () => emptyNotebook(),
    'notebook.open': async ({ path }) => files.open(await inside(path)),
    'notebook.save': async ({ path, doc, expectedMtimeMs, force, ...opts }) => files.save(await inside(path), doc, expectedMtimeMs, force, opts),
    'notebook.journal': async ({ key: k, doc, part }) => (await files.journalWrite(await key(k), doc, part), ok),
    'notebook.discardRecovery': async ({ key: k }) => (await files.discardRecovery(await key(k)), ok),
    'notebook.recent': async () => (await Promise.all((await files.recent()).map(async (p) => ((await workspace.contains(p)) ? [p] : [])))).flat(),
    'notebook.watch': async ({ path }) => (files.watch(path === null ? null : await inside(path)), ok),
    'kernel.specs': () => kernels.specs(),
    'kernel.attach': ({ url }) => kernels.attach(url),
    'kernel.start': async ({ name, cwd }) => ({ kernelId: await kernels.start(name, cwd) }),
    'kernel.execute': ({ kernelId, cellId, code }) => kernels.execute(kernelId, cellId, code),
    'kernel.interrupt': async ({ kernelId }) => (await kernels.interrupt(kernelId), ok),
    'kernel.restart': async ({ kernelId }) => (await kernels.restart(kernelId), ok),
    'kernel.shutdown': async ({ kernelId }) => (await kernels.shutdown(kernelId), ok),
    'kernel.frames': ({ kernelId }) => kernels.frames(kernelId),
    'kernel.variables': ({ kernelId }) => kernels.variables(kernelId),
    'kernel.variable': ({ kernelId, name }) => kernels.variable(kernelId, name),
    'kernel.inputReply': async ({ kernelId, value }) => (kernels.inputReply(kernelId, value), ok),
    'kernel.complete': ({ kernelId, code, cursor }) => complete(kernels.connection(kernelId), code, cursor),
    'kernel.inspect': ({ kernelId, code, cursor, detail }) => inspect(kernels.connection(kernelId), code, cursor, detail ?? 0),
    'kernel.commSend': async ({ kernelId, commId, data, buffers }) => (comms.send(kernels.connection(kernelId), commId, data, buffers ?? []), ok),
    'kernel.session': async ({ path, name }) => kernels.session(await key(path), name),
    'kernel.sessions': () => kernels.sessions(),
    'kernel.changeKernel': async ({ path, name }) => kernels.changeKernel(await key(path), name),
    'files.roots': () => workspaceFiles.roots(),
    'files.list': ({ dir }) => workspaceFiles.list(dir),
    'files.newNotebook': ({ dir }) => workspaceFiles.newNotebook(dir),
    'files.rename': ({ from, to }) => workspaceFiles.rename(from, to),
    'files.duplicate': ({ path }) => workspaceFiles.duplicate(path),
    'files.trash': ({ path }) => workspaceFiles.trash(path),
    'files.restore': ({ trashId }) => workspaceFiles.restore(trashId),
    'files.upload': ({ dir, name, base64 }) => workspaceFiles.upload(dir, name, base64),
    'ml.classify': ({ sources, notebook }) => ml.classify(sources, notebook ?? false),
    'ml.suggest': async ({ cells, top, columns, notebookPath, markdown }) =>
      ml.suggest(cells, top ?? 5, {
        columns,
        markdown,
        bias: [...feedback.bias()],
        files: notebookPath && (await workspace.contains(notebookPath)) ? await readableFiles(notebookPath) : undefined,
      }),
    'ml.feedback': async ({ key, action }) => (await feedback.record(key, action), ok),
    'ml.resetFeedback': async () => (await feedback.reset(), ok),
    'ml.lint': ({ cells, ignored }) => ml.lint(cells, ignored ?? []),
    'corpus.search': (q) => corpus.search(q),
    'corpus.sources': () => corpus.sources(),
    'corpus.notebook': ({ id }) => corpus.notebook(id),
    'corpus.openCopy': ({ id }) => corpus.openCopy(id),
    'pipeline.torch': () => pipeline.torch(),
    'pipeline.runs': async () => pipeline.runs(),
    'pipeline.start': async ({ steps, ...opts }) => pipeline.start(steps, opts),
    'pipeline.resume': async ({ runId }) => pipeline.resume(runId),
    'pipeline.cancel': ({ runId }) => pipeline.cancel(runId),
    'pipeline.details': async ({ runId }) => pipeline.details(runId),
    'models.install': ({ runId, kind }) => pipeline.install(runId, kind),
    'models.rollback': async ({ kind }) => (await pipeline.rollback(kind), ok),
  };

  return {
    handlers,
    workspace,
    async dispose() {
      clearTimeout(warmTimer);
      files.dispose();
      await ml.dispose();
      corpus.dispose();
      await kernels.dispose();
    },
  };
}
