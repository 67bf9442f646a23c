// File, run and kernel commands, the kernel picker and the kernel's status.
import { useEffect } from 'react';
import { runCommand } from '../actions/commands.ts';
import { switchKernel } from '../actions/execute.ts';
import { host } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';
import { useNotebook } from '../stores/notebook.ts';
import { useUi } from '../stores/ui.ts';
import { ModeIndicator } from './ModeIndicator.tsx';

function KernelStatus() {
  const status = useKernel((s) => s.status);
  const connected = useKernel((s) => s.connected);
  const shown = connected ? status : 'disconnected';
  return (
    <span className={`kernel-status ks-${shown}`} data-testid="kernel-status" data-status={shown} title="Kernel status">
      ● {shown === 'none' ? 'no kernel' : shown}
    </span>
  );
}

function KernelPicker() {
  const specs = useKernel((s) => s.specs);
  const name = useKernel((s) => s.kernelName);
  useEffect(() => {
    host()
      .kernel.specs({})
      .then((r) => useKernel.getState().set({ specs: r.specs }))
      .catch(() => undefined);
  }, []);
  return (
    <select
      aria-label="Kernel"
      value={name}
      onChange={(e) => {
        const spec = specs.find((x) => x.name === e.target.value);
        const kernelspec = { name: e.target.value, display_name: spec?.displayName ?? e.target.value, language: spec?.language ?? 'python' };
        useNotebook.getState().doc &&
          useNotebook.setState((s) => ({
            doc: s.doc && { ...s.doc, metadata: { ...s.doc.metadata, kernelspec } },
            dirty: true,
            version: s.version + 1,
          }));
        void switchKernel(e.target.value);
      }}
    >
      {(specs.length ? specs : [{ name, displayName: name, language: 'python' }]).map((s) => (
        <option key={s.name} value={s.name}>
          {s.displayName}
        </option>
      ))}
    </select>
  );
}

function ServerButton() {
  const server = useKernel((s) => s.server);
  return (
    <button
      data-testid="server-button"
      title={server ? `Attached to ${server}` : "Kernels run on the app's own Jupyter server"}
      onClick={() => useUi.getState().setDialog({ kind: 'attach' })}
    >
      {server ? 'Remote' : 'Local'} server
    </button>
  );
}

// A click does not take the focus (as in JupyterLab): an editor keeps it, or command mode keeps it on the notebook.
const B = ({ cmd, label, title }: { cmd: string; label: string; title?: string }) => (
  <button data-cmd={cmd} title={title ?? label} onMouseDown={(e) => e.preventDefault()} onClick={() => runCommand(cmd)}>
    {label}
  </button>
);

export function Toolbar() {
  const path = useNotebook((s) => s.path);
  const dirty = useNotebook((s) => s.dirty);
  return (
    <header className="toolbar">
      <strong className="brand">GDS</strong>
      <B cmd="notebook.new" label="New" />
      <B cmd="notebook.open" label="Open" />
      <B cmd="notebook.save" label="Save" title="Save (Ctrl+S)" />
      <B cmd="notebook.saveAs" label="Save as" />
      <span className="sep" />
      <B cmd="cell.insertBelow" label="+" title="Insert cell below (B)" />
      <B cmd="cell.runAdvance" label="▶ Run" title="Run cell (Shift+Enter)" />
      <B cmd="run.all" label="Run all" />
      <B cmd="kernel.interrupt" label="■" title="Interrupt kernel (I, I)" />
      <B cmd="kernel.restart" label="↻" title="Restart kernel (0, 0)" />
      <B cmd="kernel.restartRunAll" label="↻▶" title="Restart and run all" />
      <B cmd="help.shortcuts" label="?" title="Keyboard shortcuts (H)" />
      <span className="grow" />
      <span className="file-name" data-testid="file-name" title={path ?? ''}>
        {path ? path.split(/[\\/]/).pop() : 'Untitled'}
        {dirty ? ' •' : ''}
      </span>
      <ModeIndicator />
      <KernelPicker />
      <ServerButton />
      <KernelStatus />
    </header>
  );
}
