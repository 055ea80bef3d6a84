// actions/charter.js: the charter editor of a charter proposal: the rule,
// the quorum and (for consensus and supermajority) the threshold, with the
// rule said in words as it is edited.

import { h } from '../dom.js';
import { field } from '../form.js';
import { RULES, charterSentence, defaultThreshold, hasThreshold } from '../rules.js';

const FRACTION = '\\d+/\\d+';

// charterEditor returns the editor's element, starting from charter c, and
// a function that reads the charter it shows.
export function charterEditor(c) {
  const rule = field({ label: 'Decision rule', name: 'decision_rule', kind: 'select', value: c.decision_rule, options: Object.entries(RULES) });
  const quorum = field({ label: 'Quorum', name: 'quorum', value: c.quorum || '1/2', required: true,
    hint: 'The share of eligible members who must take part, as n/d.', attrs: { pattern: FRACTION, inputmode: 'numeric' } });
  const threshold = field({ label: 'Threshold', name: 'threshold', value: c.threshold || defaultThreshold(c.decision_rule), required: true,
    hint: 'The share that must agree, as n/d, from 1/2 to 1/1.', attrs: { pattern: FRACTION, inputmode: 'numeric' } });
  const signatures = field({ label: 'Signatures', name: 'signatures', kind: 'select', value: c.signatures || 'optional',
    options: [['optional', 'Optional: members may sign their actions'], ['required', 'Required: every member action is signed']] });
  const proxies = field({ label: 'Proxies per member', name: 'max_proxies', kind: 'number', value: String(c.max_proxies || 0), required: true,
    hint: 'How many other members one member may vote for on a proposal; 0 allows no proxies.', attrs: { min: 0, step: 1 } });
  const words = h('p', { class: 'charter-words', 'aria-live': 'polite' });
  const el = h('fieldset', { class: 'charter-editor' }, h('legend', { text: 'The charter proposed' }), rule, quorum, threshold, signatures, proxies, words);
  const ruleSel = rule.querySelector('select');
  const read = () => {
    const r = ruleSel.value;
    const out = { decision_rule: r, quorum: quorum.querySelector('input').value.trim() };
    if (hasThreshold(r)) out.threshold = threshold.querySelector('input').value.trim();
    out.signatures = signatures.querySelector('select').value;
    out.max_proxies = Number(proxies.querySelector('input').value || 0);
    return out;
  };
  const update = () => {
    const r = ruleSel.value;
    threshold.hidden = !hasThreshold(r);
    threshold.querySelector('input').disabled = !hasThreshold(r);
    if (hasThreshold(r) && !threshold.querySelector('input').value) threshold.querySelector('input').value = defaultThreshold(r);
    words.textContent = charterSentence(read());
  };
  el.addEventListener('input', update);
  el.addEventListener('change', (e) => {
    if (e.target === ruleSel) threshold.querySelector('input').value = defaultThreshold(ruleSel.value);
    update();
  });
  update();
  return { el, read };
}
