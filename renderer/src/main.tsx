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
  void import('./components/ghost-text.ts').then((m) => m.installGhostText());
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
}

void boot();
