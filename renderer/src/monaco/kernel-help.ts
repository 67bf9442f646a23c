// Code help from the kernel in the cell editors: completions with kinds and signatures, hover and Shift+Tab docs,
// parameter hints. All come from silent complete/inspect requests (no execution count), on the active notebook's
// kernel only when one is running (help never starts one). Registered once, when Monaco loads (see monaco.ts).
import * as monaco from 'monaco-esm/editor/editor.api.js';
import 'monaco-esm/editor/contrib/parameterHints/browser/parameterHints.js';
import './kernel-help.css';
import type { KernelCompletion } from '../../../preload/contract.ts';
import { host } from '../host.ts';
import { useKernel } from '../stores/kernel.ts';

type Model = monaco.editor.ITextModel;
type Token = monaco.CancellationToken;
type Kind = 'complete' | 'resolve' | 'hover' | 'signature';

/** The active notebook's kernel when it can answer; null while none runs, it starts, restarts or is dead. */
function liveKernel(): string | null {
  const { kernelId, status } = useKernel.getState();
  return kernelId && (status === 'idle' || status === 'busy') ? kernelId : null;
}

// ---- one request at a time ---------------------------------------------------------------------------------------
// The kernel answers shell requests in order, and a sent request cannot be taken back: a second request sent while
// one is out only queues behind it. So help keeps one request out at a time; a request still waiting when a newer
// one of its kind arrives is stale and never sent, nor is one whose Monaco token was cancelled (the user moved on).

let inFlight: Promise<void> | null = null;
const newest: Record<Kind, number> = { complete: 0, resolve: 0, hover: 0, signature: 0 };

async function send<T>(kind: Kind, token: Token, request: () => Promise<T>): Promise<T | null> {
  const mine = ++newest[kind];
  while (inFlight) {
    await inFlight;
    if (mine !== newest[kind] || token.isCancellationRequested) return null;
  }
  if (token.isCancellationRequested) return null;
  const reply = request();
  const settled = reply.then(
    () => undefined,
    () => undefined,
  );
  inFlight = settled;
  try {
    return await reply;
  } catch {
    return null; // the kernel went away mid-request: help has nothing to say
  } finally {
    if (inFlight === settled) inFlight = null;
  }
}

/** Waits `ms` unless the token is cancelled first; true when the wait ran out (the request is still wanted). */
function pause(ms: number, token: Token): Promise<boolean> {
  return new Promise((resolve) => {
    const sub = token.onCancellationRequested(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve(false);
    });
    const timer = setTimeout(() => {
      sub.dispose();
      resolve(!token.isCancellationRequested);
    }, ms);
  });
}

// ---- completion --------------------------------------------------------------------------------------------------

/**
 * A `.` asks after this pause, with what was typed after it by then: `df.` alone makes ipykernel type every one of
 * a DataFrame's ~200 attributes (about a second), `df.gro` answers in tens of milliseconds. Ctrl+Space asks at once.
 */
const DOT_PAUSE_MS = 150;

interface Asked {
  code: string;
  cursor: number;
}

/**
 * The request to send now: the text as asked, or, if since then the user has only typed more of the word at the
 * cursor (Monaco keeps a pending request and filters its answer by what is typed), the text as it is now, whose
 * longer prefix the kernel answers faster and with fewer items.
 */
function typedSince(model: Model, asked: Asked): Asked & { typed: number } {
  const pos = monaco.editor
    .getEditors()
    .find((e) => e.getModel() === model)
    ?.getPosition();
  if (!pos || model.isDisposed()) return { ...asked, typed: 0 };
  const code = model.getValue();
  const cursor = model.getOffsetAt(pos);
  const typed = code.slice(asked.cursor, cursor);
  const same = cursor >= asked.cursor && code.startsWith(asked.code.slice(0, asked.cursor)) && code.slice(cursor) === asked.code.slice(asked.cursor);
  return same && /^[\p{L}\p{N}_]*$/u.test(typed) ? { code, cursor, typed: typed.length } : { ...asked, typed: 0 };
}

const K = monaco.languages.CompletionItemKind;
const KINDS: Record<string, monaco.languages.CompletionItemKind> = {
  function: K.Function,
  method: K.Method,
  class: K.Class,
  module: K.Module,
  keyword: K.Keyword,
  instance: K.Variable,
  statement: K.Variable,
  param: K.Variable,
  property: K.Property,
  path: K.File,
  magic: K.Keyword,
};

function kindOf(type: string | null, text: string): monaco.languages.CompletionItemKind {
  if (type && KINDS[type] !== undefined) return KINDS[type];
  if (text.startsWith('%')) return K.Keyword; // IPython magics come without a type
  if (text.endsWith('/')) return K.Folder; // file paths inside strings
  if (/[/\\.]/.test(text) && !/^\w+$/.test(text)) return K.File;
  return K.Text;
}

/** A signature cut at a parameter to fit the row, so the type beside it stays in view (the details show it all). */
function shortSignature(sig: string, max = 48): string {
  if (sig.length <= max) return sig;
  const cut = sig.lastIndexOf(', ', max);
  return `${sig.slice(0, cut > 0 ? cut : max)}, …)`;
}

/** What resolve needs to ask the kernel for an item's docs: the code with the item put in, the cursor after it. */
const itemDocs = new WeakMap<monaco.languages.CompletionItem, { kernelId: string; code: string; cursor: number }>();
const DOC_TYPES = new Set(['function', 'method', 'class', 'module', 'instance', 'statement', 'property']);

function toSuggestions(
  model: Model,
  position: monaco.Position,
  kernelId: string,
  sent: Asked & { typed: number },
  reply: KernelCompletion,
): monaco.languages.CompletionItem[] {
  // The reply counts in the text that was sent; Monaco's range counts in the text at `position` (what was asked):
  // the two differ only by `typed` characters of the word at the cursor, after `position`.
  const askedCursor = sent.cursor - sent.typed;
  const startOffset = Math.min(reply.cursorStart, askedCursor);
  const after = Math.max(0, reply.cursorEnd - sent.cursor);
  let start = model.getPositionAt(startOffset);
  if (start.lineNumber !== position.lineNumber) start = new monaco.Position(position.lineNumber, model.getWordUntilPosition(position).startColumn);
  const range = new monaco.Range(position.lineNumber, start.column, position.lineNumber, position.column + after);
  const width = String(reply.matches.length).length;
  return reply.matches.map((m, i) => {
    const item: monaco.languages.CompletionItem = {
      label: { label: m.text, detail: m.signature ? shortSignature(m.signature) : undefined, description: m.type ?? undefined },
      kind: kindOf(m.type, m.text),
      insertText: m.text,
      range,
      sortText: String(i).padStart(width, '0'), // the kernel's order: public names before private ones
      detail: m.signature ? `${m.text}${m.signature}` : (m.type ?? undefined),
    };
    if (m.type && DOC_TYPES.has(m.type)) {
      const code = sent.code.slice(0, reply.cursorStart) + m.text + sent.code.slice(reply.cursorEnd);
      itemDocs.set(item, { kernelId, code, cursor: reply.cursorStart + m.text.length });
    }
    return item;
  });
}

const completionProvider: monaco.languages.CompletionItemProvider = {
  triggerCharacters: ['.'],
  async provideCompletionItems(model, position, context, token) {
    const none = { suggestions: [] };
    const kernelId = liveKernel();
    if (!kernelId) return none;
    const asked: Asked = { code: model.getValue(), cursor: model.getOffsetAt(position) };
    if (context.triggerKind === monaco.languages.CompletionTriggerKind.TriggerCharacter && !(await pause(DOT_PAUSE_MS, token))) return none;
    const res = await send('complete', token, async () => {
      const sent = typedSince(model, asked);
      return { sent, reply: await host().kernel.complete({ kernelId, code: sent.code, cursor: sent.cursor }) };
    });
    if (!res || token.isCancellationRequested || model.isDisposed()) return none;
    return { suggestions: toSuggestions(model, position, kernelId, res.sent, res.reply) };
  },
  async resolveCompletionItem(item, token) {
    const docs = itemDocs.get(item);
    if (!docs || item.documentation) return item;
    const help = await send('resolve', token, () => host().kernel.inspect({ ...docs, detail: 0 }));
    if (help?.found) item.documentation = docsMarkdown(help.text, { signature: false });
    return item;
  },
};

// ---- the kernel's help text ----------------------------------------------------------------------------------------
// IPython's inspect text is a list of `Header: value` sections (Signature, Docstring, Type, ...), a value going on
// over the lines below its header until the next header.

const HEADERS = [
  'Signature',
  'Init signature',
  'Call signature',
  'Docstring',
  'Init docstring',
  'Class docstring',
  'Call docstring',
  'Type',
  'String form',
  'Length',
  'File',
  'Namespace',
  'Definition',
  'Source',
  'Subclasses',
];
const HEADER_LINE = new RegExp(`^(${HEADERS.join('|')}):(?:[ \\t]+(.*))?$`);

function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (name && !out.has(name)) out.set(name, lines.join('\n').replace(/^\n+|\s+$/g, ''));
  };
  for (const line of text.split('\n')) {
    const m = HEADER_LINE.exec(line);
    if (m?.[1]) {
      flush();
      name = m[1];
      lines = [m[2] ?? ''];
    } else lines.push(line);
  }
  flush();
  return out;
}

const signatureIn = (s: Map<string, string>) => s.get('Signature') ?? s.get('Init signature') ?? s.get('Call signature') ?? null;
const docstringIn = (s: Map<string, string>) =>
  s.get('Docstring') ?? s.get('Init docstring') ?? s.get('Class docstring') ?? s.get('Call docstring') ?? null;

/** A fenced block that no backtick run in `body` can close early. */
function fence(lang: string, body: string): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const f = '`'.repeat(longest + 1);
  return `${f}${lang}\n${body}\n${f}`;
}

const clip = (s: string, lines: number, chars: number) => {
  const cut = s.split('\n').slice(0, lines).join('\n').slice(0, chars);
  return cut.length < s.length ? `${cut}\n…` : cut;
};

/** The help as Monaco markdown: the signature as Python, the docstring and object summary as plain text. */
function docsMarkdown(text: string, opts: { signature: boolean }): monaco.IMarkdownString {
  const s = sections(text);
  if (!s.size) return { value: fence('text', clip(text, 200, 10_000)) };
  const parts: string[] = [];
  const sig = signatureIn(s);
  if (sig && opts.signature) parts.push(fence('python', sig));
  const summary = [s.get('Type') && `Type: ${s.get('Type')}`, s.get('Length') && `Length: ${s.get('Length')}`].filter(Boolean).join('  ·  ');
  const form = s.get('String form');
  if (summary || form) parts.push(fence('text', [summary, form && clip(form, 12, 2000)].filter(Boolean).join('\n')));
  const doc = docstringIn(s);
  if (doc && doc !== '<no docstring>') parts.push(fence('text', clip(doc, 200, 10_000)));
  return { value: parts.join('\n\n') || fence('text', clip(text, 200, 10_000)) };
}

// ---- hover and Shift+Tab ---------------------------------------------------------------------------------------------

/** Where Shift+Tab asked for help: there the hover answers even with no word under the cursor (`pd.read_csv(|`). */
let keyboardAt: { model: Model; offset: number } | null = null;

const hoverProvider: monaco.languages.HoverProvider = {
  async provideHover(model, position, token) {
    const kernelId = liveKernel();
    if (!kernelId) return null;
    const offset = model.getOffsetAt(position);
    const keyboard = keyboardAt?.model === model && keyboardAt.offset === offset;
    const word = model.getWordAtPosition(position);
    if (!word && !keyboard) return null;
    const line = position.lineNumber;
    // The mouse points into a word: ask about all of it (the kernel reads the dotted name ending there).
    const cursor = keyboard || !word ? offset : model.getOffsetAt({ lineNumber: line, column: word.endColumn });
    const help = await send('hover', token, () => host().kernel.inspect({ kernelId, code: model.getValue(), cursor, detail: 0 }));
    if (!help?.found || token.isCancellationRequested) return null;
    const range =
      word && !keyboard
        ? new monaco.Range(line, word.startColumn, line, word.endColumn)
        : new monaco.Range(line, position.column, line, position.column);
    return { contents: [docsMarkdown(help.text, { signature: true })], range };
  },
};

/**
 * Shift+Tab, as in Jupyter: in code it shows the kernel's help for the name at (or the call around) the cursor; with
 * a selection or in a line's indentation it outdents as before. A second press moves focus into the help to scroll it.
 */
function showDocs(ed: monaco.editor.ICodeEditor): void {
  const model = ed.getModel();
  const sel = ed.getSelection();
  if (!model || !sel) return;
  const line = model.getLineContent(sel.positionLineNumber);
  const indentEnd = line.length - line.trimStart().length + 1;
  if (!sel.isEmpty() || sel.positionColumn <= indentEnd) {
    ed.trigger('keyboard', 'outdent', null);
    return;
  }
  keyboardAt = { model, offset: model.getOffsetAt(sel.getPosition()) };
  ed.trigger('keyboard', 'editor.action.showHover', {});
}

// ---- parameter hints -------------------------------------------------------------------------------------------------

const NOT_CALLS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'if',
  'elif',
  'else',
  'while',
  'for',
  'return',
  'yield',
  'await',
  'assert',
  'del',
  'lambda',
  'with',
  'as',
  'from',
  'import',
  'raise',
  'except',
]);

interface Call {
  nameEnd: number;
  commas: number;
  arg: string;
}

/** The call whose parentheses hold `offset`: where its name ends, which argument the cursor is in and its text. */
function enclosingCall(code: string, offset: number): Call | null {
  const stack: { ch: string; at: number; commas: number; argStart: number }[] = [];
  for (let i = 0; i < offset; i++) {
    const ch = code[i] ?? '';
    if (ch === '#') {
      const nl = code.indexOf('\n', i);
      if (nl < 0 || nl >= offset) return null; // the cursor is in a comment
      i = nl;
    } else if (ch === '"' || ch === "'") {
      const q = code.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      let j = i + q.length;
      while (j < offset && !code.startsWith(q, j) && !(q.length === 1 && code[j] === '\n')) j += code[j] === '\\' ? 2 : 1;
      i = j + q.length - 1;
    } else if (ch === '(' || ch === '[' || ch === '{') stack.push({ ch, at: i, commas: 0, argStart: i + 1 });
    else if (ch === ')' || ch === ']' || ch === '}') stack.pop();
    else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top) (top.commas++, (top.argStart = i + 1));
    }
  }
  for (let k = stack.length - 1; k >= 0; k--) {
    const f = stack[k];
    if (f?.ch !== '(') continue;
    const before = code.slice(0, f.at).replace(/\s+$/, '');
    const name = /[\p{L}\p{N}_.]*[\p{L}\p{N}_]$/u.exec(before)?.[0];
    if (!name || NOT_CALLS.has(name) || /^\d/.test(name)) return null; // a tuple or a parenthesised expression
    return { nameEnd: before.length, commas: f.commas, arg: code.slice(f.argStart, offset) };
  }
  return null;
}

interface Signature {
  label: string;
  params: { name: string; range: [number, number] }[];
  doc: string | null;
}

/** Splits IPython's signature (often one parameter a line) into a one-line label and its parameters' spans. */
function parseSignature(text: string): Signature | null {
  const s = sections(text);
  const raw = signatureIn(s);
  if (!raw) return null;
  const label = raw
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\(\s+/, '(')
    .replace(/,?\s*\)(\s*->|$)/, ')$1');
  const open = label.indexOf('(');
  if (open < 0) return null;
  const params: Signature['params'] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = open + 1;
  const push = (end: number) => {
    const piece = label.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    const trimmed = piece.trim();
    if (trimmed)
      params.push({ name: /^\**\s*([\p{L}_][\p{L}\p{N}_]*)/u.exec(trimmed)?.[1] ?? trimmed, range: [start + lead, start + lead + trimmed.length] });
    start = end + 1;
  };
  for (let i = open + 1; i < label.length; i++) {
    const ch = label[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    else if (ch === ')') {
      push(i);
      break;
    } else if (ch === ',' && depth === 0) push(i);
  }
  const doc = docstringIn(s);
  const firstParagraph = doc && doc !== '<no docstring>' ? clip(doc.split(/\n\s*\n/)[0] ?? '', 12, 800) : null;
  return { label, params, doc: firstParagraph };
}

/** The parameter the cursor is on: by keyword (`sep=`), else by position (markers `/` and `*` take no argument). */
function activeParameter(sig: Signature, call: Call): number {
  const kw = /^\s*([\p{L}_][\p{L}\p{N}_]*)\s*=(?!=)/u.exec(call.arg)?.[1];
  const at = (pred: (p: Signature['params'][number]) => boolean) => sig.params.findIndex(pred);
  const label = (p: Signature['params'][number]) => sig.label.slice(p.range[0], p.range[1]);
  if (kw) {
    const named = at((p) => p.name === kw && !label(p).startsWith('*'));
    return named >= 0 ? named : at((p) => label(p).startsWith('**'));
  }
  let n = call.commas;
  for (let i = 0; i < sig.params.length; i++) {
    const l = label(sig.params[i]!);
    if (l === '/') continue;
    if (l === '*' || l.startsWith('**')) return -1; // only keywords from here on
    if (l.startsWith('*')) return i; // *args takes the rest
    if (n-- === 0) return i;
  }
  return -1;
}

/** Parameter hints re-ask on every keystroke inside the call: the signature is kept while the code before it stays. */
const SIGNATURE_TTL_MS = 10_000;
let lastSignature: { key: string; at: number; sig: Signature | null } | null = null;

const signatureProvider: monaco.languages.SignatureHelpProvider = {
  signatureHelpTriggerCharacters: ['(', ','],
  signatureHelpRetriggerCharacters: [')'],
  async provideSignatureHelp(model, position, token) {
    const kernelId = liveKernel();
    if (!kernelId) return null;
    const code = model.getValue();
    const call = enclosingCall(code, model.getOffsetAt(position));
    if (!call) return null;
    const key = `${kernelId}\0${model.uri.toString()}\0${code.slice(0, call.nameEnd)}`;
    let sig: Signature | null;
    if (lastSignature?.key === key && Date.now() - lastSignature.at < SIGNATURE_TTL_MS) sig = lastSignature.sig;
    else {
      const help = await send('signature', token, () => host().kernel.inspect({ kernelId, code, cursor: call.nameEnd, detail: 0 }));
      if (!help || token.isCancellationRequested) return null;
      sig = help.found ? parseSignature(help.text) : null;
      lastSignature = { key, at: Date.now(), sig };
    }
    if (!sig) return null;
    return {
      value: {
        signatures: [{ label: sig.label, parameters: sig.params.map((p) => ({ label: p.range })), documentation: sig.doc ?? undefined }],
        activeSignature: 0,
        activeParameter: activeParameter(sig, call),
      },
      dispose() {
        // Plain data; nothing to free.
      },
    };
  },
};

// ---- registration --------------------------------------------------------------------------------------------------

monaco.languages.registerCompletionItemProvider('python', completionProvider);
monaco.languages.registerHoverProvider('python', hoverProvider);
monaco.languages.registerSignatureHelpProvider('python', signatureProvider);
monaco.editor.addEditorAction({
  id: 'gds.kernelHelp.showDocs',
  label: 'Show Documentation from the Kernel',
  keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Tab],
  precondition: 'editorTextFocus && editorLangId == python && !suggestWidgetVisible && !editorReadonly',
  run: showDocs,
});
