// dom.js: building elements and formatting values. Text from the ledger
// always goes into the page as text, never as HTML.

export const $ = (id) => document.getElementById(id);

// h builds an element: props set attributes (class, text, on<event>, and
// any other attribute; true means present, null or false absent).
export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid == null || kid === false) continue;
    el.append(kid instanceof Node ? kid : String(kid));
  }
  return el;
}

// patch rebuilds el's children with build() only when key differs from the
// key it was last built with, so a live update leaves untouched what did not
// change (a half-typed form, the focus, a scroll position).
export function patch(el, key, build) {
  if (el.dataset.key === key) return el;
  el.dataset.key = key;
  const focused = el.contains(document.activeElement) ? selectorOf(document.activeElement) : null;
  el.replaceChildren(...[build()].flat().filter((x) => x != null && x !== false));
  const again = focused && el.querySelector(focused);
  if (again) again.focus();
  return el;
}

// selectorOf names an element so that its rebuilt twin can be found: by
// id, or by data-action, name (and value) or href within the row (an
// element with data-proposal, data-commitment, data-amendment,
// data-workgroup, data-grant or data-grantor) that holds it; null when it
// has none of them.
export function selectorOf(el) {
  if (!el || el === document.body || !el.matches) return null;
  if (el.id) return '#' + CSS.escape(el.id);
  const q = (v) => `"${CSS.escape(v)}"`;
  let own = null;
  if (el.dataset.action) own = `[data-action=${q(el.dataset.action)}]`;
  else if (el.name) own = `[name=${q(el.name)}]${el.type === 'radio' ? `[value=${q(el.value)}]` : ''}`;
  else if (el.getAttribute('href')) own = `a[href=${q(el.getAttribute('href'))}]`;
  if (!own) return null;
  const row = el.closest('[data-proposal], [data-commitment], [data-amendment], [data-workgroup], [data-grant], [data-grantor]');
  if (!row) return own;
  const [k, v] = ['proposal', 'commitment', 'amendment', 'workgroup', 'grant', 'grantor'].map((n) => [n, row.dataset[n]]).find(([, x]) => x);
  return `[data-${k}=${q(v)}] ${own}`;
}

// uuid returns a random version 4 uuid.
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

let uniq = 0;
// nextID returns an element id unique in the page, for label/for pairs.
export function nextID(prefix) {
  uniq += 1;
  return `${prefix}-${uniq}`;
}

export function initials(name) {
  const words = String(name || '?').split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
  const pick = words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] || '?').slice(0, 2);
  return pick.toUpperCase();
}

export function hue(id) {
  let n = 0;
  for (const c of String(id)) n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return n % 360;
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

export function fmtTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (sameDay(d, new Date())) return time;
  return d.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' }) + ' ' + time.slice(0, 5);
}

export function fmtDate(s) {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s || '';
  return d.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
}

// fmtIn says when a deadline falls, relative to now.
export function fmtIn(iso) {
  const ms = new Date(iso).getTime() - Date.now();
  if (Number.isNaN(ms)) return '';
  if (ms <= 0) return 'closing now';
  const min = Math.round(ms / 60000);
  if (min < 60) return `closes in ${min} min`;
  const hr = Math.floor(min / 60);
  if (hr < 48) return `closes in ${hr} h ${min % 60} min`;
  return 'closes ' + fmtDate(iso);
}

export function fmtNum(n) {
  return typeof n === 'number' ? n.toLocaleString([], { maximumFractionDigits: 2 }) : String(n ?? '');
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many || one + 's'}`;
}

// today is the local date as YYYY-MM-DD, the form of a commitment's due.
export function today(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// avatar is a member's initials in a circle of a colour of its own.
export function avatar(id, name, cls = 'av') {
  const el = h('span', { class: cls, 'aria-hidden': 'true', text: initials(name) });
  el.style.background = `hsl(${hue(id)} 45% 30%)`;
  return el;
}
