// When the editor chunk may be evaluated. Evaluating Monaco (3.7 MB) and making the first editors holds the page's
// only thread for about half a second (long tasks of ~250, ~150 and ~75 ms after a 2,000-cell open); a press or a key
// in that time waits for it. So the chunk waits for the notebook's first second on screen and then for a pause in
// the user's input: until then the cells show as plain text, and a press on one opens a draft that takes keys at once.
const FIRST_SCREEN_MS = 1000;
const QUIET_MS = 400;
let lastInput = -Infinity;
let firstAsked: number | undefined;

if (typeof document !== 'undefined') {
  const seen = () => void (lastInput = performance.now());
  for (const type of ['pointerdown', 'keydown', 'wheel']) document.addEventListener(type, seen, { capture: true, passive: true });
}

/** Resolves once the first screen has had its second and the input has paused. */
export function editorGate(): Promise<void> {
  firstAsked ??= performance.now();
  const from = firstAsked;
  return new Promise((resolve) => {
    const check = () => {
      const now = performance.now();
      const wait = Math.max(from + FIRST_SCREEN_MS - now, lastInput + QUIET_MS - now);
      if (wait <= 0) resolve();
      else setTimeout(check, wait);
    };
    check();
  });
}
