// panels/commitments.js: who committed to what, progress against target,
// the final value of a fulfilled one; the member's own open commitments
// carry their actions.

import { $, h, fmtDate, fmtNum, today, patch } from '../dom.js';
import { app, memberName, proposalTitle, workgroupName, can } from '../store.js';
import { progressDialog, fulfilDialog, withdrawCommitmentDialog, commitDialog } from '../actions/commitment.js';

const PAGE = 20;
const view = { shown: PAGE };

export function renderCommitments(st) {
  const cs = st.commitments || [];
  const open = cs.filter((c) => c.status === 'open').length;
  $('commitments-count').textContent = cs.length ? `${open} open of ${cs.length}` : '';
  const adopted = (st.proposals || []).some((p) => p.status === 'adopted');
  patch($('commitments-act'), String(can.act() && adopted), () => (can.act() && adopted
    ? h('button', { type: 'button', class: 'secondary small', id: 'make-commitment', onclick: () => commitDialog(), text: 'Make a commitment' }) : null));
  const more = $('commitments-more');
  more.hidden = cs.length <= view.shown;
  more.textContent = `Show ${Math.min(PAGE, cs.length - view.shown)} more (${cs.length - view.shown} not shown)`;
  if (!cs.length) {
    patch($('commitments'), 'none', () => h('p', { class: 'empty', text: 'No commitment has been made yet.' }));
    return;
  }
  // The member's own come first, then the rest in the order made.
  const mine = cs.filter((c) => can.isMe(c.member_id));
  const others = cs.filter((c) => !can.isMe(c.member_id));
  const shown = [...mine, ...others].slice(0, view.shown);
  patch($('commitments'), contentKey(shown), () => shown.map(commitment));
}

// contentKey is what a list of commitments shows, so that it is rebuilt
// only when that changes.
export function contentKey(cs) {
  return JSON.stringify([can.act(), app.me && app.me.id, cs.map((c) => [c.id, c.status, c.value, (c.progress || []).length])]);
}

export function showMoreCommitments() {
  view.shown += PAGE;
  if (app.st) renderCommitments(app.st);
}

// shownValue is a fulfilled commitment's final value, or an open one's
// latest report.
export function shownValue(c) {
  const last = (c.progress || []).at(-1);
  return typeof c.value === 'number' ? c.value : last ? last.value : 0;
}

export function commitment(c) {
  const value = shownValue(c);
  const pct = c.target ? Math.max(0, Math.min(100, (100 * value) / c.target)) : 0;
  const overdue = c.status === 'open' && c.due && c.due < today();
  const fill = h('span');
  fill.style.width = pct + '%';
  const toward = c.workgroup_id ? `toward workgroup “${workgroupName(c.workgroup_id)}”` : `for “${proposalTitle(c.proposal_id)}”`;
  return h('div', { class: 'commitment ' + c.status, 'data-commitment': c.id },
    h('div', null,
      h('span', { class: 'desc', text: c.description }),
      h('span', { class: 'who', text: `${memberName(c.member_id)} · ${toward} · due ${fmtDate(c.due)}` }),
      can.isMe(c.member_id) && c.status === 'open' && can.act() ? h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'secondary small', 'data-action': 'progress', onclick: () => progressDialog(c), text: 'Report progress' }),
        h('button', { type: 'button', class: 'secondary small', 'data-action': 'fulfil', onclick: () => fulfilDialog(c), text: 'Fulfil' }),
        h('button', { type: 'button', class: 'ghost-dark small', 'data-action': 'withdraw', onclick: () => withdrawCommitmentDialog(c), text: 'Withdraw' })) : null),
    h('div', null,
      h('div', { class: 'progress', role: 'img', 'aria-label': `${fmtNum(value)} of ${fmtNum(c.target)} ${c.metric}` }, fill),
      h('div', { class: 'progress-label' },
        h('span', null, c.status === 'fulfilled' ? 'final ' : '', h('b', { text: fmtNum(value) }), ` / ${fmtNum(c.target)} ${c.metric}`),
        overdue ? h('span', { class: 'pill overdue', text: 'overdue' }) : h('span', { class: 'pill ' + c.status, text: c.status }))));
}
