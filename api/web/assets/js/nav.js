// nav.js: the page's addresses. /?alliance={aid} is an alliance's overview
// and /?alliance={aid}&proposal={pid} one proposal; links are real links
// (they open in a new tab too), and a plain click moves without a reload.

const listeners = [];

export function proposalHref(aid, pid) {
  return `/?alliance=${encodeURIComponent(aid)}${pid ? '&proposal=' + encodeURIComponent(pid) : ''}`;
}

// where returns the alliance and proposal the address names.
export function where() {
  const q = new URLSearchParams(location.search);
  return { aid: q.get('alliance'), pid: q.get('proposal') };
}

// onNavigate registers fn(where) for moves made by go and by Back/Forward.
export function onNavigate(fn) {
  listeners.push(fn);
}

// go moves to href, keeping the page.
export function go(href) {
  if (href !== location.pathname + location.search) history.pushState(null, '', href);
  for (const fn of listeners) fn(where());
}

// link is a click handler for an <a> that moves with go, leaving modified
// clicks (new tab, new window) to the browser.
export function link(e) {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  go(e.currentTarget.getAttribute('href'));
}

window.addEventListener('popstate', () => {
  for (const fn of listeners) fn(where());
});
