// Loaded inside each sandboxed output frame (opaque origin, scripts allowed only from this file's URL): tells the
// app how tall the frame's content is, so the frame can be sized to it. It sends a height and nothing else, and it
// reads nothing from the app (it cannot: the frame has no same-origin access).
(() => {
  let last = -1;
  const send = () => {
    const body = document.body;
    if (!body) return;
    const style = getComputedStyle(body);
    const content = body.getBoundingClientRect().height + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
    const root = document.documentElement;
    // A wide table gets a horizontal scrollbar, which takes height from the viewport.
    const scrollbar = root.scrollWidth > root.clientWidth ? window.innerHeight - root.clientHeight : 0;
    const height = Math.ceil(content + scrollbar);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'gds-frame-height', height }, '*');
  };
  const start = () => {
    send();
    new ResizeObserver(send).observe(document.body);
    window.addEventListener('resize', send);
    window.addEventListener('load', send);
  };
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
