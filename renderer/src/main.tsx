// Renderer entry: connects to the host, wires events, installs keys and background schedulers, opens the start file.
import { createRoot } from 'react-dom/client';
import { installCommandModeKeys } from './actions/commands.ts';
import { wireEvents } from './actions/events.ts';
import { startAutosave } from './actions/autosave.ts';
import { newNotebook, openNotebook } from './actions/files.ts';
import { startStageClassifier } from './actions/ml.ts';
import { followServiceRestarts } from './actions/service-restart.ts';
import { followPipeline } from './actions/pipeline.ts';
import { App } from './components/App.tsx';
import { host } from './host.ts';
import { useUi } from './stores/ui.ts';
import './styles.css';

async function boot() {
  wireEvents();
  installCommandModeKeys();
  startAutosave();
  followServiceRestarts();
  startStageClassifier();
  followPipeline();
  void import('./components/ghost-text.ts').then((m) => m.installGhostText());
  createRoot(document.getElementById('root')!).render(<App />);
  try {
    const info = await host().app.info({});
    if (!info.openPath || !(await openNotebook(info.openPath))) await newNotebook();
  } catch (e) {
    useUi.getState().toast('error', `Cannot reach the GDS service: ${(e as Error).message}`);
  }
}

void boot();
