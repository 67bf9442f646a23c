// The app frame: toolbar, sidebar panels, the notebook, dialogs and messages.
import { useUi } from '../stores/ui.ts';
import { ChecksPanel } from './ChecksPanel.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { CorpusPanel, CorpusViewer } from './CorpusPanel.tsx';
import { Dialogs } from './Dialogs.tsx';
import { FileBrowser } from './FileBrowser.tsx';
import { KernelBanner } from './KernelBanner.tsx';
import { Notebook } from './Notebook.tsx';
import { TabBar } from './TabBar.tsx';
import { useTabs } from '../stores/tabs.ts';
import { StageTimeline } from './StageTimeline.tsx';
import { Toasts } from './Toasts.tsx';
import { Toolbar } from './Toolbar.tsx';
import { VariablesPanel } from './VariablesPanel.tsx';
import { TrainingWizard } from './TrainingWizard.tsx';

const PANEL_NAMES = {
  files: 'Files',
  outline: 'Workflow',
  checks: 'Checks',
  variables: 'Variables',
  corpus: 'Corpus',
  training: 'Training',
} as const;

export function App() {
  const panel = useUi((s) => s.panel);
  const corpusView = useUi((s) => s.corpusView);
  // A tab switch mounts the other notebook's cells afresh (each tab keeps its own document, undo and kernel).
  const activeTab = useTabs((s) => s.active);
  return (
    <div className="app">
      <Toolbar />
      <KernelBanner />
      <ConnectionBanner />
      <div className="main">
        <aside className="sidebar">
          <nav className="tabs">
            {(['files', 'outline', 'checks', 'variables', 'corpus', 'training'] as const).map((p) => (
              <button key={p} className={panel === p ? 'on' : ''} data-testid={`panel-${p}`} onClick={() => useUi.getState().setPanel(p)}>
                {PANEL_NAMES[p]}
              </button>
            ))}
          </nav>
          {panel === 'files' && <FileBrowser />}
          {panel === 'outline' && <StageTimeline />}
          {panel === 'checks' && <ChecksPanel />}
          {panel === 'variables' && <VariablesPanel />}
          {panel === 'corpus' && <CorpusPanel />}
          {panel === 'training' && <p className="muted">The training wizard is open on the right; pick Workflow to return to the notebook.</p>}
        </aside>
        <main className="content">
          {panel === 'training' ? (
            <TrainingWizard />
          ) : panel === 'corpus' && corpusView ? (
            <CorpusViewer nb={corpusView} onBack={() => useUi.getState().setCorpusView(null)} />
          ) : (
            <>
              <TabBar />
              <Notebook key={activeTab} />
            </>
          )}
        </main>
      </div>
      <Dialogs />
      <Toasts />
    </div>
  );
}
