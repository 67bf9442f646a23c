// A widget's Layout and Style models as CSS for its view. The values come from user code: only known properties are
// used, and a value that could fetch something (url(), image-set(), @import) or break out of its property is dropped.
import type { CSSProperties } from 'react';
import type { WidgetState } from './protocol.ts';

const LAYOUT_KEYS = [
  'align_content', 'align_items', 'align_self', 'border', 'border_top', 'border_right', 'border_bottom', 'border_left',
  'bottom', 'display', 'flex', 'flex_flow', 'grid_area', 'grid_auto_columns', 'grid_auto_flow', 'grid_auto_rows',
  'grid_column', 'grid_gap', 'grid_row', 'grid_template_areas', 'grid_template_columns', 'grid_template_rows', 'height',
  'justify_content', 'justify_items', 'left', 'margin', 'max_height', 'max_width', 'min_height', 'min_width',
  'object_fit', 'object_position', 'order', 'overflow', 'overflow_x', 'overflow_y', 'padding', 'right', 'top',
  'visibility', 'width',
] as const;

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A CSS value from the kernel, or null when it is not a plain, self-contained one. */
export function safeCssValue(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || !v || v.length > 300) return null;
  if (/[;{}<>\\]|url\s*\(|image-set|image\s*\(|element\s*\(|expression|@import|javascript:/i.test(v)) return null;
  return v;
}

/** A colour from the kernel, or null when it is not one. */
export function safeColor(v: unknown): string | null {
  const c = safeCssValue(v);
  if (!c) return null;
  return typeof CSS !== 'undefined' && CSS.supports?.('color', c) ? c : null;
}

export function layoutStyle(layout: WidgetState | null): CSSProperties {
  if (!layout) return {};
  const style: Record<string, string> = {};
  for (const key of LAYOUT_KEYS) {
    const v = safeCssValue(layout[key]);
    if (v !== null) style[camel(key)] = v;
  }
  // ipywidgets' grid_gap is CSS gap.
  if (style.gridGap) style.gap = style.gridGap;
  return style as CSSProperties;
}
