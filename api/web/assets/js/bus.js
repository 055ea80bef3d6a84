// bus.js: how an action tells the page that the ledger changed, without the
// action knowing the page: after a write, the page fetches the state at once
// instead of waiting for the live event.

const fns = [];

export function onChanged(fn) {
  fns.push(fn);
}

export function changed() {
  for (const fn of fns) fn();
}

// announce says msg to screen readers through the page's polite status line.
export function announce(msg) {
  const el = document.getElementById('announce');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => { el.textContent = msg; }, 30);
}
