// panels/workgroups.js: each workgroup's aim, target, due date and members,
// with its progress and status where the ledger records them; a convener
// forms new ones here.

import { $, h, fmtDate, fmtNum, plural, patch } from '../dom.js';
import { memberName, can } from '../store.js';
import { workgroupDialog } from '../actions/workgroup.js';

export function renderWorkgroups(st) {
  const wgs = st.workgroups || [];
  $('workgroups-count').textContent = wgs.length ? String(wgs.length) : '';
  patch($('workgroups-act'), String(can.convene()), () => (can.convene()
    ? h('button', { type: 'button', class: 'secondary small', id: 'form-workgroup', onclick: workgroupDialog, text: 'Form a workgroup' }) : null));
  if (!wgs.length) {
    $('workgroups').replaceChildren(h('p', { class: 'empty', text: 'No workgroup has been formed yet.' }));
    return;
  }
  $('workgroups').replaceChildren(...wgs.map(workgroup));
}

function workgroup(w) {
  const ids = w.member_ids || [];
  const latest = typeof w.latest === 'number' ? w.latest : ((w.progress || []).at(-1) || {}).value;
  return h('div', { class: 'workgroup', 'data-workgroup': w.id },
    h('div', { class: 'wg-head' }, h('b', { text: w.name }), w.status ? h('span', { class: 'pill ' + w.status, text: w.status }) : null),
    h('p', { class: 'wg-aim', text: w.aim }),
    h('p', { class: 'wg-meta', text: `${latest != null ? fmtNum(latest) + ' of ' : 'Target '}${fmtNum(w.target)} ${w.metric} · due ${fmtDate(w.due)}` }),
    h('p', { class: 'wg-members', text: `${plural(ids.length, 'member')}: ${ids.map(memberName).join(', ')}` }));
}
