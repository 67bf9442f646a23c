// A slim Monaco: the editor core with the contributions a notebook needs, and Python only (no TS/CSS/HTML workers).
import * as monaco from 'monaco-esm/editor/editor.api.js';
import 'monaco-esm/editor/browser/coreCommands.js';
import 'monaco-esm/editor/browser/widget/codeEditor/codeEditorWidget.js';
import 'monaco-esm/base/browser/ui/codicons/codicon/codicon.css';
import 'monaco-esm/base/browser/ui/codicons/codicon/codicon-modifiers.css';
import 'monaco-esm/editor/contrib/bracketMatching/browser/bracketMatching.js';
import 'monaco-esm/editor/contrib/clipboard/browser/clipboard.js';
import 'monaco-esm/editor/contrib/comment/browser/comment.js';
import 'monaco-esm/editor/contrib/contextmenu/browser/contextmenu.js';
import 'monaco-esm/editor/contrib/cursorUndo/browser/cursorUndo.js';
import 'monaco-esm/editor/contrib/find/browser/findController.js';
import 'monaco-esm/features/find/register.js';
import 'monaco-esm/editor/contrib/folding/browser/folding.js';
import 'monaco-esm/editor/contrib/hover/browser/hoverContribution.js';
import 'monaco-esm/editor/contrib/indentation/browser/indentation.js';
import 'monaco-esm/editor/contrib/inlineCompletions/browser/inlineCompletions.contribution.js';
import 'monaco-esm/editor/contrib/linesOperations/browser/linesOperations.js';
import 'monaco-esm/editor/contrib/multicursor/browser/multicursor.js';
import 'monaco-esm/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-esm/editor/contrib/wordHighlighter/browser/wordHighlighter.js';
import 'monaco-esm/editor/contrib/wordOperations/browser/wordOperations.js';
import 'monaco-esm/editor/common/standaloneStrings.js';
import 'monaco-esm/languages/definitions/python/register.js';
import EditorWorker from 'monaco-esm/editor/editor.worker.js?worker';
import { provideMonaco } from './monaco-ns.ts';
import './kernel-help.ts'; // completion, hover, Shift+Tab docs and parameter hints from the kernel

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = { getWorker: () => new EditorWorker() };

// Monaco rejects the promises of cancelled requests (inline suggestions hidden mid-flight) with an error
// named 'Canceled'; that is its normal control flow, not a failure, so it must not surface as an app error.
window.addEventListener('unhandledrejection', (e) => {
  const r = e.reason as { name?: string; message?: string } | undefined;
  if (r?.name === 'Canceled' && r.message === 'Canceled') e.preventDefault();
});

monaco.editor.defineTheme('gds', {
  base: 'vs',
  inherit: true,
  rules: [],
  colors: { 'editor.background': '#f7f8fa', 'editor.lineHighlightBackground': '#eef1f6' },
});

// For the main chunk's modules that act on editors without importing Monaco (check-markers.ts).
provideMonaco(monaco);

export { monaco };
