// Prepares a cell's source for the shared parser, which blanks every line that starts with `%` or `!` (IPython magics
// and shell lines). Two kinds of such lines are Python the checks must see: `%time x = f()` runs and binds `x`, and a
// continuation line inside brackets may start with an operator (`"acc: %f"\n    % clf.score(X, y)`). Lines keep their
// numbers, so findings still point at the right line.

/** `%time x = f()`, `%timeit f()`, `%prun f()`: the Python after the magic, in place. */
function unwrapTimed(line: string): string {
  return line.replace(/^(\s*)%(time|timeit|prun)(?=\s+[^\s-])/, (_m, indent: string, name: string) => `${indent} ${' '.repeat(name.length)}`);
}

/** How many brackets a line leaves open, given those open before it; strings and comments are skipped. */
function bracketDepth(line: string, depth: number, quote: { open: string | null }): number {
  let d = depth;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote.open) {
      if (c === '\\') i++;
      else if (line.startsWith(quote.open, i)) {
        i += quote.open.length - 1;
        quote.open = null;
      }
    } else if (c === '#') break;
    else if (c === '"' || c === "'") quote.open = line.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
    else if ('([{'.includes(c)) d++;
    else if (')]}'.includes(c)) d = Math.max(0, d - 1);
    // A one-line string ends with its line, closed or not (the parser reports the error; the depth must not drift).
  }
  if (quote.open?.length === 1) quote.open = null;
  return d;
}

/** The source as the checks parse it: see the module comment. */
export function pythonForChecks(source: string): string {
  const lines = source.split('\n').map(unwrapTimed);
  const quote = { open: null as string | null };
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // An operator opening a continuation line moves to the end of the line before, which stays inside the brackets.
    const lead = depth > 0 && !quote.open && i > 0 ? /^(\s*)([%!]=?)/.exec(line) : null;
    if (lead) {
      lines[i - 1] = `${lines[i - 1]} ${lead[2]}`;
      lines[i] = `${lead[1]}${' '.repeat(lead[2]!.length)}${line.slice(lead[0].length)}`;
    }
    depth = bracketDepth(lines[i]!, depth, quote);
  }
  return lines.join('\n');
}
