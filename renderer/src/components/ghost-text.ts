// Ghost text: the first next-line suggestion drawn at the cursor of a blank line (Tab accepts, Esc dismisses).
import { monaco } from '../monaco/monaco.ts';
import { currentSuggestions, useMl } from '../stores/ml.ts';
import { editorFor } from './editor-bridge.ts';

export function installGhostText(): () => void {
  const provider = monaco.languages.registerInlineCompletionsProvider('python', {
    provideInlineCompletions(model, position, context) {
      // While the completion widget is open it owns Tab and Enter: no ghost competes with (or previews over) its item.
      if (context.selectedSuggestionInfo) return { items: [] };
      const s = currentSuggestions(useMl.getState());
      const first = s?.items[0];
      if (!s || !first || editorFor(s.cellId)?.getModel() !== model) return { items: [] };
      const line = model.getLineContent(position.lineNumber);
      if (line.trim() !== '') return { items: [] };
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      return {
        items: [{ insertText: indent + first.text, range: new monaco.Range(position.lineNumber, 1, position.lineNumber, line.length + 1) }],
      };
    },
    disposeInlineCompletions() {
      // Items are plain objects; nothing to free.
    },
  });
  // Suggestions arrive after the typing pause, later than Monaco's own trigger: ask it to look again.
  // A stale ghost is hidden as soon as a newer request starts, so the ghost can never differ from chip 1.
  const unsub = useMl.subscribe((s, prev) => {
    const cur = currentSuggestions(s);
    const old = currentSuggestions(prev);
    if (cur === old) return;
    if (old) editorFor(old.cellId)?.trigger('gds', 'editor.action.inlineSuggest.hide', {});
    if (cur) editorFor(cur.cellId)?.trigger('gds', 'editor.action.inlineSuggest.trigger', {});
  });
  return () => {
    provider.dispose();
    unsub();
  };
}
