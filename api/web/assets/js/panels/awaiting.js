// panels/awaiting.js: what awaits the signed-in member: the votes it has
// not taken part in (with their deadlines), the amendments waiting on its
// proposals, and its commitments coming due.

import { $, h, plural, fmtIn, fmtDate, today, patch } from '../dom.js';
import { app, myMember, pendingAmendments } from '../store.js';
import { proposalHref, link } from '../nav.js';
import { progressDialog, fulfilDialog } from '../actions/commitment.js';

const DUE_WITHIN_DAYS = 30;

// awaiting returns the three lists for member id me.
export function awaiting(st, me) {
  const ps = st.proposals || [];
  const votes = ps.filter((p) => p.status === 'voting' && p.voting && (p.voting.eligible || []).includes(me) && !(p.stances && p.stances[me]));
  const amendments = ps.filter((p) => p.status === 'open' && p.author_id === me && pendingAmendments(p).length);
  const soon = today(DUE_WITHIN_DAYS);
  const due = (st.commitments || []).filter((c) => c.member_id === me && c.status === 'open' && c.due <= soon)
    .sort((a, b) => (a.due < b.due ? -1 : 1));
  return { votes, amendments, due };
}

export function renderAwaiting(st) {
  const card = $('awaiting-card');
  const m = myMember();
  card.hidden = !m;
  if (!m) return;
  const { votes, amendments, due } = awaiting(st, m.id);
  const n = votes.length + amendments.length + due.length;
  $('awaiting-count').textContent = n ? plural(n, 'item') : '';
  const key = JSON.stringify([votes.map((p) => [p.id, p.title, p.voting.closes_at]), amendments.map((p) => [p.id, pendingAmendments(p).length]), due.map((c) => [c.id, c.due])]);
  patch($('awaiting'), key, () => lists(votes, amendments, due));
}

function lists(votes, amendments, due) {
  const groups = [];
  if (votes.length) {
    groups.push(group('Votes you have not taken part in', 'votes', votes.map((p) => h('li', { 'data-proposal': p.id },
      h('a', { href: proposalHref(app.aid, p.id), onclick: link, text: p.title }),
      h('span', { class: 'when', text: p.voting.closes_at ? fmtIn(p.voting.closes_at) : 'no deadline' })))));
  }
  if (amendments.length) {
    groups.push(group('Amendments to your proposals', 'amendments', amendments.map((p) => h('li', { 'data-proposal': p.id },
      h('a', { href: proposalHref(app.aid, p.id), onclick: link, text: p.title }),
      h('span', { class: 'when', text: plural(pendingAmendments(p).length, 'amendment') + ' to accept or reject' })))));
  }
  if (due.length) {
    const now = today();
    groups.push(group('Your commitments coming due', 'due', due.map((c) => h('li', { 'data-commitment': c.id },
      h('span', { class: 'what', text: c.description }),
      h('span', { class: 'when' + (c.due < now ? ' overdue' : ''), text: (c.due < now ? 'overdue since ' : 'due ') + fmtDate(c.due) }),
      h('span', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary small', 'data-action': 'progress', onclick: () => progressDialog(c), text: 'Report progress' }),
        h('button', { type: 'button', class: 'secondary small', 'data-action': 'fulfil', onclick: () => fulfilDialog(c), text: 'Fulfil' }))))));
  }
  return groups.length ? groups : h('p', { class: 'empty', text: 'Nothing awaits you just now.' });
}

function group(title, kind, items) {
  return h('div', { class: 'await-group ' + kind }, h('h3', { text: title }), h('ul', null, items));
}
