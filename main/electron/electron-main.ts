// Electron main process: one hardened window, the shared services behind a sender-checked IPC router.
import { app, BrowserWindow, dialog, ipcMain, Menu, type IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Events } from '../../preload/contract.ts';
import { installProcessGuards } from '../host/process-guards.ts';
import { createRouter, resultChecksOn } from '../host/router.ts';
import { createContainer, type Container } from '../services/container.ts';
import { registerSchemeBeforeReady, serveRenderer } from './app-protocol.ts';
import { buildMenu } from './menu.ts';
import { APP_ORIGIN, hardenApp, isAppUrl } from './security.ts';

const bundleDir = __dirname; // dist/main, where esbuild put this file
process.env.GDS_HOME ??= app.getPath('userData');
process.env.GDS_INFERENCE_WORKER ??= join(bundleDir, 'inference-worker.cjs');
process.env.GDS_RESOURCES ??= app.isPackaged ? join(process.resourcesPath, 'resources') : resolve(bundleDir, '..', '..', 'resources');

const notebookArg = (argv: string[]) => argv.slice(1).find((a) => a.endsWith('.ipynb') && existsSync(a)) ?? null;

installProcessGuards((l) => console.warn(l));
if (!app.requestSingleInstanceLock()) app.quit();
registerSchemeBeforeReady();

let win: BrowserWindow | null = null;
let container: Container | null = null;
const emit = <E extends keyof Events>(event: E, payload: Events[E]) => win?.webContents.send('gds:event', { event, payload });

function createWindow(): void {
  win = new BrowserWindow({
    width: 1400, height: 900, show: false, title: 'Guided Data Science',
    webPreferences: {
      preload: join(bundleDir, '..', 'preload', 'preload.cjs'),
      contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true,
      webviewTag: false, spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => (win = null));
  // The renderer refuses to unload while work would be lost (an untitled notebook with content, edits no save can
  // write): ask, as a native close dialog, instead of Electron's default of silently keeping the window open.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win!, {
      type: 'warning', buttons: ['Close without saving', 'Cancel'], defaultId: 1, cancelId: 1,
      message: 'Some notebooks have work that is not saved.',
      detail: 'An untitled notebook, or edits to a file that cannot be written, would be lost.',
    });
    if (choice === 0) event.preventDefault(); // preventDefault here means: unload anyway
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}

/** A file the user chose (Open dialog, command line, the OS): its folder joins the workspace before the UI opens it. */
function openChosen(path: string): void {
  container?.workspace.allow(dirname(path));
  emit('app.openFile', { path });
}

app.on('second-instance', (_e, argv) => {
  const file = notebookArg(argv);
  if (file) openChosen(resolve(file));
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});
app.on('open-file', (e, path) => {
  e.preventDefault();
  openChosen(path);
});

void app.whenReady().then(() => {
  hardenApp();
  serveRenderer(resolve(bundleDir, '..', 'renderer'));
  const file = notebookArg(process.argv);
  container = createContainer({
    mode: 'electron', version: app.getVersion(), dataDir: app.getPath('userData'),
    openPath: file ? resolve(file) : null, log: (l) => console.log(l), emit,
  });
  // A packaged app skips the result checks (each walks a whole result, a notebook on open); a development run keeps them.
  const dispatch = createRouter(container.handlers, (l) => console.warn(`[ipc] ${l}`), { checkResults: !app.isPackaged && resultChecksOn() });
  ipcMain.handle('gds:invoke', (event: IpcMainInvokeEvent, method: unknown, params: unknown) => {
    // Only our own window's top frame, loaded from app://gds, may call the services.
    const frame = event.senderFrame;
    if (!win || event.sender !== win.webContents || !frame || frame.parent !== null || !isAppUrl(frame.url)) {
      console.warn(`[ipc] refused a call from ${frame?.url ?? 'an unknown frame'}`);
      throw new Error('refused: not the app window');
    }
    return dispatch(method, params);
  });
  Menu.setApplicationMenu(buildMenu(() => win, emit, openChosen));
  createWindow();
});

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !container) return;
  e.preventDefault();
  quitting = true;
  void container.dispose().finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());
