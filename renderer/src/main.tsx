// Renderer entry: connects to the host, wires events, installs keys and background schedulers, opens the start file.
import { createRoot } from 'react-dom/client';
import { installCommandModeKeys } from './actions/commands.ts';
import { wireEvents } from './actions/events.ts';
import { startAutosave } from './actions/autosave.ts';
import { startChecks } from './actions/checks.ts';
import { newNotebook, openNotebook } from './actions/files.ts';
import { startStageClassifier } from './actions/ml.ts';
import { followServiceRestarts } from './actions/service-restart.ts';
import { followFileChanges } from './actions/follow-file-changes.ts';
import { rememberOpenNotebooks, restoreOpenNotebooks } from './actions/restore-tabs.ts';
import { followPipeline } from './actions/pipeline.ts';
import { App } from './components/App.tsx';
import { startWidgets } from './widgets/manager.ts';
import { host } from './host.ts';
import { editorGate } from './components/editor-gate.ts';
import { useUi } from './stores/ui.ts';
import './styles.css';

async function boot() {
  wireEvents();
  installCommandModeKeys();
  startAutosave();
  followServiceRestarts();
  followFileChanges();
  startStageClassifier();
  startChecks();
  followPipeline();
  startWidgets();
  createRoot(document.getElementById('root')!).render(<App />);
  try {
    const info = await host().app.info({});
    // The notebooks open before a reload or restart come back first; the file the app was started on comes to front.
    const restored = await restoreOpenNotebooks(info.mode);
    rememberOpenNotebooks(info.mode);
    const opened = info.openPath ? await openNotebook(info.openPath, { startKernel: true }) : false;
    if (!restored && !opened) await newNotebook();
  } catch (e) {
    useUi.getState().toast('error', `Cannot reach the GDS service: ${(e as Error).message}`);
  }
  // Monaco (with ghost text, kernel help and the check markers' Monaco side) is only in the lazily loaded editor
  // chunk, and the cells show as plain text until it is evaluated (Cell.tsx). Evaluating it blocks the page for a
  // few hundred milliseconds: done after the start notebook's first second on screen, in a pause of the user's input
  // (editor-gate.ts), never before. (A `modulepreload` of it in index.html put DOMContentLoaded 300-400 ms later:
  // docs/BENCHMARKS.md, 2026-12-07.)
  const preloadEditor = () => void editorGate().then(() => import('./components/CellEditor.tsx'));
  if ('requestIdleCallback' in window) window.requestIdleCallback(preloadEditor);
  else setTimeout(preloadEditor, 200);
}

void boot();
