// panels/overview.js: the alliance's name, purpose, charter and figures at
// the top of its page.

import { $, h, fmtDate } from '../dom.js';
import { charterText } from '../rules.js';

export function renderHero(st) {
  $('crumb').replaceChildren(h('span', { text: st.name }));
  $('a-name').textContent = st.name;
  $('a-purpose').textContent = st.purpose;
  const active = (st.members || []).filter((m) => m.status === 'active').length;
  const facts = [
    h('span', { class: 'fact' }, h('b', { text: 'Charter' }), charterText(st.charter)),
    h('span', { class: 'fact' }, h('b', { text: String(active) }), active === 1 ? 'member' : 'members'),
  ];
  const obs = (st.observers || []).length;
  if (obs) facts.push(h('span', { class: 'fact' }, h('b', { text: String(obs) }), obs === 1 ? 'observer' : 'observers'));
  if (st.formed_at) facts.push(h('span', { class: 'fact' }, 'Formed', h('b', { text: fmtDate(st.formed_at) })));
  if (st.concluded) facts.push(h('span', { class: 'fact concluded' }, h('b', { text: 'Concluded' })));
  $('a-facts').replaceChildren(...facts);

  const ps = st.proposals || [];
  const count = (s) => ps.filter((p) => p.status === s).length;
  const open = (st.commitments || []).filter((c) => c.status === 'open').length;
  const kpi = (cls, n, label) => h('div', { class: 'kpi ' + cls }, h('div', { class: 'n', text: String(n) }), h('div', { class: 'l', text: label }));
  $('a-kpis').replaceChildren(
    kpi('voting', count('voting'), 'In voting'),
    kpi('adopted', count('adopted'), 'Adopted'),
    kpi('rejected', count('rejected'), 'Rejected'),
    kpi('', open, 'Open commitments'),
  );
}
