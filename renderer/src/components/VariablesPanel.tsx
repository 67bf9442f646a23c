// Sidebar panel: the active kernel's user variables (issue #24) with type, shape or length and memory, read by a
// silent request after each run; DataFrames and Series open to their columns, dtypes, null counts and first rows.
import { useEffect } from 'react';
import type { KernelVariable } from '../../../preload/contract.ts';
import { refreshVariables, toggleVariable, watchVariables } from '../actions/variables.ts';
import { useKernel } from '../stores/kernel.ts';
import { useVariables, visibleVariables, type VariableDetailState } from '../stores/variables.ts';
import './variables.css';

const SIZE_HELP = 'Memory: the data of arrays and DataFrames (object columns count their pointers only); '
  + 'for builtin objects the object itself, not what it holds';
const SHAPE_HELP = 'Shape of arrays and DataFrames, length of containers and strings, value of numbers';

function formatBytes(n: number | null): string {
  if (n === null) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) (v /= 1024), u++;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

function shapeText(v: KernelVariable): string {
  if (v.shape) return v.shape.length === 0 ? 'scalar' : v.shape.map((n) => n.toLocaleString()).join(' × ');
  if (v.value !== null) return v.value;
  return v.length !== null ? `${v.length.toLocaleString()} ${v.type === 'str' ? 'chars' : 'items'}` : '';
}

function shapeTitle(v: KernelVariable): string {
  const parts = [shapeText(v)];
  if (v.value !== null && v.length !== null) parts.push(`${v.length.toLocaleString()} characters`);
  return parts.join(', ');
}

export function VariablesPanel() {
  useEffect(() => watchVariables(), []);
  const kernelId = useKernel((s) => s.kernelId);
  const status = useKernel((s) => s.status);
  const s = useVariables();
  const rows = visibleVariables(s);
  let note: string | null = null;
  if (!kernelId) note = 'No kernel yet: run a cell and its variables show here.';
  else if (status === 'dead') note = 'The kernel is not running.';
  else if (s.loading && s.readAt === null) note = 'Reading the kernel\'s variables…';
  else if (s.readAt !== null && s.variables.length === 0) note = 'No variables yet.';
  else if (s.variables.length > 0 && rows.length === 0) note = `No name contains “${s.filter.trim()}”.`;
  return (
    <div className="variables" data-testid="variables-panel">
      <div className="vars-toolbar">
        <input
          type="search" placeholder="Filter by name" value={s.filter} aria-label="Filter variables by name" data-testid="variables-filter"
          onChange={(e) => s.set({ filter: e.target.value })}
        />
        <button
          onClick={() => void refreshVariables()} disabled={!kernelId} title="Read the variables again" aria-label="Refresh"
          data-testid="variables-refresh"
        >
          ↻
        </button>
      </div>
      {s.stale && <p className="vars-note muted" data-testid="variables-stale">The kernel is busy: this is the list from before its current run.</p>}
      {s.error && <p className="vars-note error-text">{s.error}</p>}
      {note && <p className="vars-note muted" data-testid="variables-note">{note}</p>}
      {kernelId && rows.length > 0 && (
        <table className={`vars-table${s.loading ? ' loading' : ''}`} data-testid="variables-table">
          <thead>
            <tr><th>Name</th><th>Type</th><th title={SHAPE_HELP}>Shape</th><th title={SIZE_HELP}>Size</th></tr>
          </thead>
          <tbody>
            {rows.map((v) => <VariableRow key={v.name} v={v} open={s.open[v.name] ?? null} />)}
          </tbody>
        </table>
      )}
      {s.total > s.variables.length && (
        <p className="vars-note muted" data-testid="variables-capped">
          Showing {s.variables.length.toLocaleString()} of {s.total.toLocaleString()} names: arrays and DataFrames first, then by name.
        </p>
      )}
    </div>
  );
}

function VariableRow({ v, open }: { v: KernelVariable; open: VariableDetailState | null }) {
  return (
    <>
      <tr className={`vars-row${open ? ' open' : ''}`} data-testid="variable-row" data-name={v.name} data-kind={v.kind ?? ''}>
        <td className="vars-name" title={v.name}>
          {v.kind ? (
            <button
              className="vars-toggle" aria-expanded={open !== null} data-testid="variable-toggle" onClick={() => toggleVariable(v.name)}
              aria-label={`${open ? 'Hide' : 'Show'} the columns of ${v.name}`}
            >
              {open ? '▾' : '▸'}
            </button>
          ) : <span className="vars-toggle" />}
          <span className="vars-label">{v.name}</span>
        </td>
        <td className="vars-type" title={v.dtype ? `${v.type} of ${v.dtype}` : v.type}>
          {v.type}
          {v.dtype && <span className="vars-dtype">{v.dtype}</span>}
        </td>
        <td className="vars-shape" data-testid="variable-shape" title={shapeTitle(v)}>{shapeText(v)}</td>
        <td className="vars-size" title={v.bytes === null ? undefined : `${v.bytes.toLocaleString()} bytes`}>{formatBytes(v.bytes)}</td>
      </tr>
      {open && (
        <tr className="vars-detail-row">
          <td colSpan={4}><VariableDetail state={open} /></td>
        </tr>
      )}
    </>
  );
}

function VariableDetail({ state }: { state: VariableDetailState }) {
  if (state.error) return <p className="vars-note error-text" data-testid="variable-detail-error">{state.error}</p>;
  const d = state.detail;
  if (!d) return <p className="vars-note muted">Reading the columns…</p>;
  const rows = d.shape?.[0] ?? null;
  return (
    <div className={`vars-detail${state.loading ? ' loading' : ''}`} data-testid="variable-detail">
      <table className="vars-columns" data-testid="variable-columns">
        <thead><tr><th>Column</th><th>dtype</th><th>Nulls</th></tr></thead>
        <tbody>
          {d.columns.map((c, i) => (
            <tr key={i} data-testid="variable-column" data-column={c.name}>
              <td className="vars-label" title={c.name}>{c.name}</td>
              <td>{c.dtype}</td>
              <td
                className={c.nulls ? 'vars-nulls' : ''} data-testid="variable-nulls"
                title={c.nulls === null ? 'not counted: the column took too long' : undefined}
              >
                {c.nulls === null ? '?' : c.nulls.toLocaleString()}
                {c.nulls && rows ? <span className="muted"> ({Math.max(1, Math.round((100 * c.nulls) / rows))}%)</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {d.columnsTotal > d.columns.length && <p className="vars-note muted">The first {d.columns.length} of {d.columnsTotal.toLocaleString()} columns.</p>}
      {d.rows.length > 0 && (
        <div className="vars-preview-wrap">
          <table className="vars-preview" data-testid="variable-preview">
            <thead><tr><th />{d.columns.map((c, i) => <th key={i}>{c.name}</th>)}</tr></thead>
            <tbody>
              {d.rows.map((r, i) => (
                <tr key={i}><th>{d.index[i]}</th>{r.map((cell, j) => <td key={j}>{cell}</td>)}</tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
