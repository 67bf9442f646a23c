// Turns terminal-style stream text into safe HTML: carriage returns and backspaces applied, ANSI colours kept.
import { AnsiUp } from 'ansi_up';

const ansi = new AnsiUp();
ansi.use_classes = true;

/** Applies `\r` (overwrite the line) and `\b` the way a terminal shows them. */
export function applyControlChars(text: string): string {
  const lines = text.split('\n').map((line) => {
    let out = line;
    if (out.includes('\r')) {
      const parts = out.split('\r');
      // A trailing `\r` only moves the cursor: the last non-empty segment is what stays visible.
      out = parts.filter((p) => p !== '').pop() ?? '';
    }
    // \x08 (backspace) erases the character before it; a bare `\b` in a regex would be a word boundary.
    while (/[^\x08]\x08/.test(out)) out = out.replace(/[^\x08]\x08/, '');
    return out.replace(/\x08/g, '');
  });
  return lines.join('\n');
}

/** ansi_up escapes HTML, so the result is safe to place in the app's DOM. */
export function ansiToHtml(text: string): string {
  return ansi.ansi_to_html(applyControlChars(text));
}
