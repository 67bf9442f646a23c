// Where keyboard focus belongs in each mode: command mode on the notebook container, edit mode in the active editor.

const NOTEBOOK = '[data-testid="notebook"]';

export function focusNotebook(): void {
  // preventScroll: the container is as tall as the notebook; focusing it must not jump to its top.
  document.querySelector<HTMLElement>(NOTEBOOK)?.focus({ preventScroll: true });
}

/** True while keys would be typed into a Monaco editor (its text area, or its find box). */
export function editorHasFocus(): boolean {
  return !!document.activeElement?.closest('.monaco-editor');
}

/** Focus that command mode should take over: nowhere in particular, or an editor that command mode must leave. */
export function focusIsStray(): boolean {
  const a = document.activeElement;
  return !a || a === document.body || editorHasFocus();
}
