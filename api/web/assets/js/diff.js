// diff.js: a word-level diff of two texts (Myers' O(ND) algorithm on word
// and space tokens), to show what an amendment changes.

import { h } from './dom.js';

const MAX_EDITS = 800;

// tokens splits text into words, runs of space, and single other characters.
export function tokens(text) {
  return String(text || '').match(/\s+|[\p{L}\p{N}_'’-]+|[^\s\p{L}\p{N}]/gu) || [];
}

// shortest returns the edit script from a to b as [op, token] pairs ('=',
// '-' or '+'), or null when it takes more than maxD edits.
function shortest(a, b, maxD) {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxD);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[off + k] = x;
      if (x >= n && y >= m) return walkBack(trace, a, b, off);
    }
  }
  return null;
}

// walkBack follows the saved rounds from the end of both texts to their
// start; trace[d] is the furthest x on each diagonal before round d.
function walkBack(trace, a, b, off) {
  const ops = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d > 0; d--) {
    const v = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]);
    const px = v[off + (down ? k + 1 : k - 1)];
    const py = px - (down ? k + 1 : k - 1);
    while (x > px && y > py) { ops.push(['=', a[--x]]); y--; }
    if (down) ops.push(['+', b[--y]]);
    else ops.push(['-', a[--x]]);
  }
  while (x > 0 && y > 0) { ops.push(['=', a[--x]]); y--; }
  return ops.reverse();
}

// wordDiff returns the changes from text a to text b as runs
// {op: '='|'-'|'+', text}, removals before additions within a change.
export function wordDiff(a, b) {
  const ta = tokens(a);
  const tb = tokens(b);
  let pre = 0;
  while (pre < ta.length && pre < tb.length && ta[pre] === tb[pre]) pre++;
  let suf = 0;
  while (suf < ta.length - pre && suf < tb.length - pre && ta[ta.length - 1 - suf] === tb[tb.length - 1 - suf]) suf++;
  const midA = ta.slice(pre, ta.length - suf);
  const midB = tb.slice(pre, tb.length - suf);
  const mid = shortest(midA, midB, MAX_EDITS)
    || [...midA.map((t) => ['-', t]), ...midB.map((t) => ['+', t])];
  const ops = [...ta.slice(0, pre).map((t) => ['=', t]), ...mid, ...tb.slice(tb.length - suf).map((t) => ['=', t])];
  return tidy(ops);
}

// tidy joins tokens into runs, folds a lone space between two changes into
// the change, and puts each change's removals before its additions.
function tidy(ops) {
  const out = [];
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) out.push({ op: '-', text: del });
    if (ins) out.push({ op: '+', text: ins });
    del = '';
    ins = '';
  };
  for (let i = 0; i < ops.length; i++) {
    const [op, t] = ops[i];
    const between = op === '=' && /^\s+$/.test(t) && (del || ins) && i + 1 < ops.length && ops[i + 1][0] !== '=';
    if (op === '-' || between) del += t;
    if (op === '+' || between) ins += t;
    if (op !== '=' || between) continue;
    flush();
    const last = out[out.length - 1];
    if (last && last.op === '=') last.text += t;
    else out.push({ op: '=', text: t });
  }
  flush();
  return out;
}

// diffCounts returns how many words a diff removes and adds.
export function diffCounts(runs) {
  const words = (s) => (s.match(/[\p{L}\p{N}]+/gu) || []).length;
  let removed = 0;
  let added = 0;
  for (const r of runs) {
    if (r.op === '-') removed += words(r.text);
    if (r.op === '+') added += words(r.text);
  }
  return { removed, added };
}

// diffView renders the change from a to b, with the removed and added words
// marked for screen readers as well as by colour and strike-through.
export function diffView(a, b) {
  const runs = wordDiff(a, b);
  const { removed, added } = diffCounts(runs);
  const body = runs.map((r) => {
    if (r.op === '=') return r.text;
    const tag = r.op === '-' ? 'del' : 'ins';
    return h(tag, null, h('span', { class: 'sr', text: r.op === '-' ? '[removed: ' : '[added: ' }), r.text, h('span', { class: 'sr', text: '] ' }));
  });
  return h('div', { class: 'diff' },
    h('p', { class: 'diff-sum', text: removed || added ? `${removed} word${removed === 1 ? '' : 's'} removed, ${added} added` : 'No change to the text' }),
    h('div', { class: 'diff-text' }, body));
}
