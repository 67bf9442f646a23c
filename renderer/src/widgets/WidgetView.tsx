// One widget model as a view: picks the control for its `_view_name`, lays it out with its Layout model, and renders
// containers (Box, Tab, Accordion, Output) by rendering their children's views.
import { Component, useEffect, useState, type ComponentType, type ReactNode } from 'react';
import { OutputSchema, type Output } from '../../../preload/contract.ts';
import { OutputView } from '../components/OutputView.tsx';
import { layoutStyle } from './layout.ts';
import { askForModel, ASK_AFTER_MS, setWidgetState, useWidgetModel, type WidgetModel } from './manager.ts';
import { refId } from './protocol.ts';
import {
  ButtonView, CheckboxView, HtmlView, ImageView, LabelView, NumberTextView, ProgressView, RangeSliderView, SelectionView,
  SelectMultipleView, SliderView, TextView, ToggleButtonView, useRefState, ValidView, type ViewProps,
} from './controls.tsx';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function childIds(v: unknown): string[] {
  return Array.isArray(v) ? v.map(refId).filter((id): id is string => id !== null) : [];
}

function BoxView({ model }: ViewProps) {
  return <>{childIds(model.state.children).map((id) => <WidgetView key={id} id={id} kernelId={model.kernelId} />)}</>;
}

/** Tab and Accordion titles: ipywidgets 8 keeps a list (`titles`), 6 and 7 an object by index (`_titles`). */
function titleOf(model: WidgetModel, i: number): string {
  const s = model.state;
  if (Array.isArray(s.titles) && typeof s.titles[i] === 'string') return s.titles[i];
  const old = s._titles;
  if (old && typeof old === 'object' && typeof (old as Record<string, unknown>)[String(i)] === 'string') return (old as Record<string, string>)[String(i)]!;
  return `Page ${i + 1}`;
}

function TabView({ model }: ViewProps) {
  const ids = childIds(model.state.children);
  const selected = typeof model.state.selected_index === 'number' ? model.state.selected_index : 0;
  const shown = ids[selected];
  return (
    <>
      <div className="gds-w-tabbar" role="tablist">
        {ids.map((id, i) => (
          <button type="button" role="tab" key={id} aria-selected={i === selected} className={i === selected ? 'active' : ''}
            onClick={() => setWidgetState(model.id, { selected_index: i }, 'now')}>{titleOf(model, i)}</button>
        ))}
      </div>
      {shown && <div className="gds-w-tabpage" role="tabpanel"><WidgetView id={shown} kernelId={model.kernelId} /></div>}
    </>
  );
}

function AccordionView({ model }: ViewProps) {
  const ids = childIds(model.state.children);
  const selected = typeof model.state.selected_index === 'number' ? model.state.selected_index : null;
  return (
    <>
      {ids.map((id, i) => (
        <div key={id} className="gds-w-accordion-item">
          <button type="button" aria-expanded={i === selected} onClick={() => setWidgetState(model.id, { selected_index: i === selected ? null : i }, 'now')}>
            {i === selected ? '▾' : '▸'} {titleOf(model, i)}
          </button>
          {i === selected && <div className="gds-w-tabpage"><WidgetView id={id} kernelId={model.kernelId} /></div>}
        </div>
      ))}
    </>
  );
}

/** What `with out:` captured (the main side collects it), or what the kernel appended; rendered as cell outputs are. */
function OutputWidgetView({ model }: ViewProps) {
  const outputs = Array.isArray(model.state.outputs) ? model.state.outputs.filter((o): o is Output => OutputSchema.safeParse(o).success) : [];
  return <>{outputs.map((o, i) => <OutputView key={i} output={o} />)}</>;
}

function UnknownView({ model }: ViewProps) {
  const name = str(model.state._model_name) || 'unnamed';
  const module = str(model.state._model_module);
  return (
    <span className="gds-w-note" data-testid="widget-unsupported">
      [widget {name}{module ? ` from ${module}` : ''} is not supported here]
    </span>
  );
}

interface ViewSpec {
  className: string;
  View: ComponentType<ViewProps>;
}

const VIEWS: Record<string, ViewSpec> = {
  ProgressView: { className: 'gds-w-progress', View: ProgressView },
  IntSliderView: { className: 'gds-w-inline', View: SliderView },
  FloatSliderView: { className: 'gds-w-inline', View: SliderView },
  FloatLogSliderView: { className: 'gds-w-inline', View: SliderView },
  IntRangeSliderView: { className: 'gds-w-inline', View: RangeSliderView },
  FloatRangeSliderView: { className: 'gds-w-inline', View: RangeSliderView },
  IntTextView: { className: 'gds-w-inline', View: NumberTextView },
  FloatTextView: { className: 'gds-w-inline', View: NumberTextView },
  TextView: { className: 'gds-w-inline', View: TextView },
  PasswordView: { className: 'gds-w-inline', View: TextView },
  TextareaView: { className: 'gds-w-inline', View: TextView },
  CheckboxView: { className: 'gds-w-inline', View: CheckboxView },
  ToggleButtonView: { className: 'gds-w-inline', View: ToggleButtonView },
  ValidView: { className: 'gds-w-inline', View: ValidView },
  ButtonView: { className: 'gds-w-inline', View: ButtonView },
  DropdownView: { className: 'gds-w-inline', View: SelectionView },
  RadioButtonsView: { className: 'gds-w-inline', View: SelectionView },
  SelectView: { className: 'gds-w-inline', View: SelectionView },
  ToggleButtonsView: { className: 'gds-w-inline', View: SelectionView },
  SelectionSliderView: { className: 'gds-w-inline', View: SelectionView },
  SelectMultipleView: { className: 'gds-w-inline', View: SelectMultipleView },
  LabelView: { className: 'gds-w-inline', View: LabelView },
  HTMLView: { className: 'gds-w-inline gds-w-html', View: HtmlView },
  HTMLMathView: { className: 'gds-w-inline gds-w-html', View: HtmlView },
  ImageView: { className: 'gds-w-inline', View: ImageView },
  BoxView: { className: 'gds-w-box', View: BoxView },
  HBoxView: { className: 'gds-w-box gds-w-hbox', View: BoxView },
  VBoxView: { className: 'gds-w-box gds-w-vbox', View: BoxView },
  GridBoxView: { className: 'gds-w-box gds-w-grid', View: BoxView },
  TabView: { className: 'gds-w-tab', View: TabView },
  AccordionView: { className: 'gds-w-accordion', View: AccordionView },
  OutputView: { className: 'gds-w-output', View: OutputWidgetView },
};

const BOX_STYLES = new Set(['success', 'info', 'warning', 'danger']);

function ModelView({ model }: ViewProps) {
  const viewName = str(model.state._view_name);
  const spec = (Object.hasOwn(VIEWS, viewName) ? VIEWS[viewName] : undefined) ?? { className: 'gds-w-inline', View: UnknownView };
  const layout = useRefState(model.state.layout);
  const boxStyle = str(model.state.box_style);
  const { View } = spec;
  return (
    <div className={`gds-w ${spec.className}${BOX_STYLES.has(boxStyle) ? ` box-${boxStyle}` : ''}`} style={layoutStyle(layout)}
      data-widget={viewName || 'unknown'} data-model-id={model.id}>
      <View model={model} />
    </div>
  );
}

/** A view that fails on a state it did not expect (the kernel's, so anything) shows why; the notebook goes on. */
class ViewBoundary extends Component<{ children: ReactNode }, { error: string | null }> {
  override state = { error: null as string | null };
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  override render() {
    return this.state.error !== null ? <span className="gds-w-note">[widget could not be shown: {this.state.error}]</span> : this.props.children;
  }
}

/**
 * The view of a model id. A model not seen yet is asked of the kernel after a moment (this tab was reloaded while the
 * kernel ran on); one the kernel closed shows nothing, as in Jupyter; one it does not have shows `fallback`.
 */
export function WidgetView({ id, kernelId, fallback }: { id: string; kernelId: string | null; fallback?: ReactNode }) {
  const found = useWidgetModel(id);
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    if (found !== 'pending') return;
    const timer = setTimeout(() => {
      setWaited(true);
      if (kernelId) askForModel(id, kernelId);
    }, ASK_AFTER_MS);
    return () => clearTimeout(timer);
  }, [found, id, kernelId]);
  if (found === 'closed') return null;
  if (found && typeof found === 'object') return <ViewBoundary><ModelView model={found} /></ViewBoundary>;
  if (found === 'pending' && (!waited || kernelId)) return <span className="gds-w-note">loading widget…</span>;
  return <>{fallback ?? <span className="gds-w-note">[widget not available]</span>}</>;
}
