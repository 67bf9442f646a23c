// The core ipywidgets controls as React views. State comes from the kernel (user code): everything is shown as text or
// typed form values; HTML goes only into the sandboxed frame (html-text.ts decides), colours and sizes through layout.ts.
import { useId, useMemo, useState, type ReactNode } from 'react';
import { SandboxedFrame } from '../components/SandboxedFrame.tsx';
import { descriptionText, plainText } from './html-text.ts';
import { safeColor, safeCssValue } from './layout.ts';
import { flushWidget, sendWidgetCustom, setWidgetState, useWidgetModel, type WidgetModel } from './manager.ts';
import { bytesToBase64, refId, type WidgetState } from './protocol.ts';

export interface ViewProps {
  model: WidgetModel;
}

const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

/** The state of a model another one refers to (`layout`, `style`), or null until it is known. */
export function useRefState(ref: unknown): WidgetState | null {
  const found = useWidgetModel(refId(ref));
  return found && typeof found === 'object' ? found.state : null;
}

/** Python's format spec, the part readouts use (`d`, `.2f`, `.1%`, `.3e`, `.4g`). */
export function formatNumber(v: number, spec: unknown, integer: boolean): string {
  const m = typeof spec === 'string' ? /^,?(?:\.(\d{1,2}))?([dfeg%])?$/.exec(spec) : null;
  const digits = m?.[1] !== undefined ? Number(m[1]) : null;
  switch (m?.[2]) {
    case 'd':
      return String(Math.round(v));
    case 'f':
      return v.toFixed(digits ?? 6);
    case 'e':
      return v.toExponential(digits ?? 6);
    case 'g':
      return String(Number(v.toPrecision(Math.max(1, digits ?? 6))));
    case '%':
      return `${(v * 100).toFixed(digits ?? 6)}%`;
    default:
      return integer ? String(Math.round(v)) : digits !== null ? v.toFixed(digits) : String(v);
  }
}

function Description({ model }: ViewProps) {
  const text = descriptionText(model.state.description);
  const style = useRefState(model.state.style);
  const width = safeCssValue(style?.description_width);
  if (!text) return null;
  return (
    <label className="gds-w-description" style={width ? { width, minWidth: width } : undefined} title={text}>
      {text}
    </label>
  );
}

export function Described({ model, children }: ViewProps & { children: ReactNode }) {
  return (
    <>
      <Description model={model} />
      {children}
    </>
  );
}

export function ProgressView({ model }: ViewProps) {
  const s = model.state;
  const min = num(s.min, 0);
  const max = num(s.max, 100);
  const value = num(s.value, min);
  const fraction = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 0;
  const color = safeColor(useRefState(s.style)?.bar_color);
  const vertical = s.orientation === 'vertical';
  const size = `${(fraction * 100).toFixed(2)}%`;
  const barStyle = ['success', 'info', 'warning', 'danger'].includes(str(s.bar_style)) ? str(s.bar_style) : '';
  return (
    <Described model={model}>
      <div
        className={`gds-w-progress-track${vertical ? ' vertical' : ''}`}
        role="progressbar"
        aria-valuemin={min}
        aria-valuemax={max}
        aria-valuenow={value}
      >
        <div
          className={`gds-w-progress-bar ${barStyle}`}
          data-bar-style={barStyle}
          style={{ ...(vertical ? { height: size } : { width: size }), ...(color ? { background: color } : {}) }}
        />
      </div>
    </Described>
  );
}

/** The edit ended (released, left, Enter): what a `continuous_update=False` control held back goes now. */
const endEdit = (id: string) => ({ onPointerUp: () => flushWidget(id), onKeyUp: () => flushWidget(id), onBlur: () => flushWidget(id) });

export function SliderView({ model }: ViewProps) {
  const s = model.state;
  const view = str(s._view_name);
  const integer = view === 'IntSliderView';
  const log = view === 'FloatLogSliderView';
  const base = num(s.base, 10);
  const min = num(s.min, 0);
  const max = num(s.max, 100);
  const step = num(s.step, integer ? 1 : 0.1);
  const value = num(s.value, min);
  const position = log ? Math.log(value) / Math.log(base) : value;
  const when = s.continuous_update === false ? 'held' : 'soon';
  return (
    <Described model={model}>
      <input
        className="gds-w-slider"
        type="range"
        min={min}
        max={max}
        step={step > 0 ? step : 'any'}
        value={position}
        disabled={s.disabled === true}
        aria-orientation={s.orientation === 'vertical' ? 'vertical' : 'horizontal'}
        onChange={(e) => {
          const v = Number(e.target.value);
          setWidgetState(model.id, { value: log ? base ** v : integer ? Math.round(v) : v }, when);
        }}
        {...endEdit(model.id)}
      />
      {s.readout !== false && <span className="gds-w-readout">{formatNumber(value, s.readout_format, integer)}</span>}
    </Described>
  );
}

export function RangeSliderView({ model }: ViewProps) {
  const s = model.state;
  const integer = str(s._view_name) === 'IntRangeSliderView' || str(s._model_name) === 'IntRangeSliderModel';
  const min = num(s.min, 0);
  const max = num(s.max, 100);
  const step = num(s.step, integer ? 1 : 0.1);
  const [lo, hi] = Array.isArray(s.value) ? [num(s.value[0], min), num(s.value[1], max)] : [min, max];
  const when = s.continuous_update === false ? 'held' : 'soon';
  const set = (which: 0 | 1, v: number) => {
    const next = which === 0 ? [Math.min(v, hi), hi] : [lo, Math.max(v, lo)];
    setWidgetState(model.id, { value: next }, when);
  };
  return (
    <Described model={model}>
      <span className="gds-w-range">
        <input
          type="range"
          min={min}
          max={max}
          step={step}
          value={lo}
          disabled={s.disabled === true}
          aria-label="lower"
          onChange={(e) => set(0, Number(e.target.value))}
          {...endEdit(model.id)}
        />
        <input
          type="range"
          min={min}
          max={max}
          step={step}
          value={hi}
          disabled={s.disabled === true}
          aria-label="upper"
          onChange={(e) => set(1, Number(e.target.value))}
          {...endEdit(model.id)}
        />
      </span>
      {s.readout !== false && (
        <span className="gds-w-readout">
          {formatNumber(lo, s.readout_format, integer)} – {formatNumber(hi, s.readout_format, integer)}
        </span>
      )}
    </Described>
  );
}

/** IntText, FloatText and their Bounded kinds: typed freely, sent when the edit ends (as ipywidgets does by default). */
export function NumberTextView({ model }: ViewProps) {
  const s = model.state;
  const integer = str(s._view_name) === 'IntTextView';
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const v = Number(draft);
    setDraft(null);
    if (draft.trim() === '' || !Number.isFinite(v)) return;
    let next = integer ? Math.round(v) : v;
    if (typeof s.min === 'number') next = Math.max(s.min, next);
    if (typeof s.max === 'number') next = Math.min(s.max, next);
    setWidgetState(model.id, { value: next }, 'now');
  };
  return (
    <Described model={model}>
      <input
        className="gds-w-text"
        type="number"
        step={num(s.step, integer ? 1 : 0.1) || 'any'}
        value={draft ?? String(num(s.value))}
        disabled={s.disabled === true}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </Described>
  );
}

export function TextView({ model }: ViewProps) {
  const s = model.state;
  const view = str(s._view_name);
  const when = s.continuous_update === false ? 'held' : 'soon';
  const common = {
    value: str(s.value),
    placeholder: str(s.placeholder).replace(/^\u200b$/, ''),
    disabled: s.disabled === true,
    onBlur: () => flushWidget(model.id),
  };
  return (
    <Described model={model}>
      {view === 'TextareaView' ? (
        <textarea
          className="gds-w-textarea"
          rows={num(s.rows, 4) || 4}
          {...common}
          onChange={(e) => setWidgetState(model.id, { value: e.target.value }, when)}
        />
      ) : (
        <input
          className="gds-w-text"
          type={view === 'PasswordView' ? 'password' : 'text'}
          {...common}
          onChange={(e) => setWidgetState(model.id, { value: e.target.value }, when)}
          onKeyDown={(e) => e.key === 'Enter' && sendWidgetCustom(model.id, { event: 'submit' })}
        />
      )}
    </Described>
  );
}

export function CheckboxView({ model }: ViewProps) {
  const s = model.state;
  return (
    <label className="gds-w-checkbox">
      <input
        type="checkbox"
        checked={s.value === true}
        disabled={s.disabled === true}
        onChange={(e) => setWidgetState(model.id, { value: e.target.checked }, 'now')}
      />
      <span>{descriptionText(s.description)}</span>
    </label>
  );
}

export function ValidView({ model }: ViewProps) {
  const ok = model.state.value === true;
  return (
    <Described model={model}>
      <span className={`gds-w-valid ${ok ? 'ok' : 'bad'}`}>{ok ? '✓' : `✗ ${str(model.state.readout)}`}</span>
    </Described>
  );
}

function buttonStyle(style: WidgetState | null) {
  const color = safeColor(style?.button_color);
  const weight = safeCssValue(style?.font_weight);
  return { ...(color ? { background: color } : {}), ...(weight ? { fontWeight: weight } : {}) };
}

export function ButtonView({ model }: ViewProps) {
  const s = model.state;
  const style = useRefState(s.style);
  return (
    <button
      type="button"
      className={`gds-w-button ${str(s.button_style)}`}
      title={str(s.tooltip)}
      disabled={s.disabled === true}
      style={buttonStyle(style)}
      onClick={() => sendWidgetCustom(model.id, { event: 'click' })}
    >
      {descriptionText(s.description) || '\u00a0'}
    </button>
  );
}

export function ToggleButtonView({ model }: ViewProps) {
  const s = model.state;
  const style = useRefState(s.style);
  return (
    <button
      type="button"
      className={`gds-w-button ${str(s.button_style)}${s.value === true ? ' active' : ''}`}
      aria-pressed={s.value === true}
      title={str(s.tooltip)}
      disabled={s.disabled === true}
      style={buttonStyle(style)}
      onClick={() => setWidgetState(model.id, { value: s.value !== true }, 'now')}
    >
      {descriptionText(s.description) || '\u00a0'}
    </button>
  );
}

/** The options and the chosen one: ipywidgets 7+ syncs `index`; 6 syncs `value` as the option's label. */
function selection(s: WidgetState): { labels: string[]; index: number | null } {
  const labels = Array.isArray(s._options_labels) ? s._options_labels.map(str) : [];
  if ('index' in s) return { labels, index: typeof s.index === 'number' ? s.index : null };
  const i = labels.indexOf(str(s.value));
  return { labels, index: i >= 0 ? i : null };
}

function choose(model: WidgetModel, labels: string[], i: number | null): void {
  if ('index' in model.state) setWidgetState(model.id, { index: i }, 'now');
  else if (i !== null && labels[i] !== undefined) setWidgetState(model.id, { value: labels[i] }, 'now');
}

export function SelectionView({ model }: ViewProps) {
  const s = model.state;
  const view = str(s._view_name);
  const name = useId();
  const { labels, index } = selection(s);
  const disabled = s.disabled === true;
  let control: ReactNode;
  if (view === 'RadioButtonsView') {
    control = (
      <span className="gds-w-radios">
        {labels.map((l, i) => (
          <label key={i}>
            <input type="radio" name={name} checked={index === i} disabled={disabled} onChange={() => choose(model, labels, i)} /> {l}
          </label>
        ))}
      </span>
    );
  } else if (view === 'ToggleButtonsView') {
    control = (
      <span className="gds-w-toggles">
        {labels.map((l, i) => (
          <button
            type="button"
            key={i}
            className={`gds-w-button ${str(s.button_style)}${index === i ? ' active' : ''}`}
            aria-pressed={index === i}
            disabled={disabled}
            onClick={() => choose(model, labels, i)}
          >
            {l}
          </button>
        ))}
      </span>
    );
  } else if (view === 'SelectionSliderView') {
    control = (
      <>
        <input
          className="gds-w-slider"
          type="range"
          min={0}
          max={Math.max(0, labels.length - 1)}
          step={1}
          value={index ?? 0}
          disabled={disabled}
          onChange={(e) => choose(model, labels, Number(e.target.value))}
        />
        <span className="gds-w-readout">{index !== null ? labels[index] : ''}</span>
      </>
    );
  } else {
    const list = view === 'SelectView';
    control = (
      <select
        className="gds-w-select"
        size={list ? Math.max(2, num(s.rows, 5)) : undefined}
        value={index === null ? '' : String(index)}
        disabled={disabled}
        onChange={(e) => choose(model, labels, e.target.value === '' ? null : Number(e.target.value))}
      >
        {index === null && !list && <option value="" />}
        {labels.map((l, i) => (
          <option key={i} value={String(i)}>
            {l}
          </option>
        ))}
      </select>
    );
  }
  return <Described model={model}>{control}</Described>;
}

export function SelectMultipleView({ model }: ViewProps) {
  const s = model.state;
  const labels = Array.isArray(s._options_labels) ? s._options_labels.map(str) : [];
  const v7 = 'index' in s;
  const chosen = new Set<number>(
    v7
      ? Array.isArray(s.index)
        ? s.index.filter((i): i is number => typeof i === 'number')
        : []
      : Array.isArray(s.value)
        ? s.value.map((v) => labels.indexOf(str(v))).filter((i) => i >= 0)
        : [],
  );
  return (
    <Described model={model}>
      <select
        className="gds-w-select"
        multiple
        size={Math.max(2, num(s.rows, 5))}
        disabled={s.disabled === true}
        value={[...chosen].map(String)}
        onChange={(e) => {
          const picked = [...e.target.selectedOptions].map((o) => Number(o.value));
          setWidgetState(model.id, v7 ? { index: picked } : { value: picked.map((i) => labels[i] ?? '') }, 'now');
        }}
      >
        {labels.map((l, i) => (
          <option key={i} value={String(i)}>
            {l}
          </option>
        ))}
      </select>
    </Described>
  );
}

export function LabelView({ model }: ViewProps) {
  return (
    <Described model={model}>
      <span className="gds-w-label-value">{str(model.state.value)}</span>
    </Described>
  );
}

/** HTML and HTMLMath: markup only inside the sandboxed frame; a value with none (tqdm's labels) is plain text. */
export function HtmlView({ model }: ViewProps) {
  const html = str(model.state.value);
  const text = plainText(html);
  return (
    <Described model={model}>
      {text !== null ? (
        <span className="gds-w-html-text">{text}</span>
      ) : (
        <div className="gds-w-html-frame">
          <SandboxedFrame html={html} title="HTML widget" />
        </div>
      )}
    </Described>
  );
}

const IMAGE_FORMATS = new Set(['png', 'jpeg', 'jpg', 'gif', 'webp', 'bmp', 'svg+xml']);

/** An image from the kernel's bytes (a data: URL in an <img>, where even SVG runs no script); never a remote URL. */
export function ImageView({ model }: ViewProps) {
  const s = model.state;
  const format = str(s.format).toLowerCase();
  const size = (v: unknown) => (/^\d{1,5}(px|%)?$/.test(str(v)) ? str(v) : undefined);
  const src = useMemo(() => {
    const b64 = s.value instanceof Uint8Array ? bytesToBase64(s.value) : typeof s._b64value === 'string' ? s._b64value.replace(/\s/g, '') : '';
    return IMAGE_FORMATS.has(format) && b64 && /^[A-Za-z0-9+/=]*$/.test(b64)
      ? `data:image/${format === 'jpg' ? 'jpeg' : format};base64,${b64}`
      : null;
  }, [format, s.value, s._b64value]);
  if (!src) return <span className="gds-w-note">[image in format “{format}” is not shown]</span>;
  return (
    <img className="gds-w-image" alt={descriptionText(s.description) || 'widget image'} src={src} width={size(s.width)} height={size(s.height)} />
  );
}
