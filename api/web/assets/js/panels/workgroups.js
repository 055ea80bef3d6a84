// panels/workgroups.js: each workgroup's aim, members, latest value against
// its target, status and whether it is overdue, with the history of its
// progress reports. A convener forms workgroups, changes their members,
// reports progress and closes them; a member of one reports progress on it
// and commits toward its aim.

import { $, h, fmtDate, fmtNum, fmtTime, plural, patch } from '../dom.js';
import { app, memberName, can, myMember } from '../store.js';
import { workgroupDialog } from '../actions/workgroup.js';
import { workgroupMembersDialog } from '../actions/workgroup-members.js';
import { workgroupProgressDialog } from '../actions/workgroup-progress.js';
import { closeWorkgroupDialog } from '../actions/workgroup-close.js';
import { commitTowardDialog } from '../actions/workgroup-commit.js';

// utcToday is today's date in UTC, the day the ledger judges due dates on.
export function utcToday() {
  return new Date().toISOString().slice(0, 10);
}

// latestOf is the last value reported on a workgroup, or null.
export function latestOf(w) {
  const last = (w.progress || []).at(-1);
  return last ? last.value : null;
}

// isOverdue says whether an open workgroup is past its due date.
export function isOverdue(w) {
  return w.status === 'open' && !!w.due && w.due < utcToday();
}

export function renderWorkgroups(st) {
  const wgs = st.workgroups || [];
  const open = wgs.filter((w) => w.status === 'open').length;
  $('workgroups-count').textContent = wgs.length ? (open === wgs.length ? String(wgs.length) : `${open} open of ${wgs.length}`) : '';
  patch($('workgroups-act'), String(can.convene()), () => (can.convene()
    ? h('button', { type: 'button', class: 'secondary small', id: 'form-workgroup', onclick: workgroupDialog, text: 'Form a workgroup' }) : null));
  if (!wgs.length) {
    patch($('workgroups'), 'none', () => h('p', { class: 'empty', text: 'No workgroup has been formed yet.' }));
    return;
  }
  const key = JSON.stringify([can.act(), can.convene(), app.me && app.me.id, utcToday(),
    wgs.map((w) => [w.id, w.status, (w.member_ids || []).join(), (w.progress || []).length, memberNamesKey(w)])]);
  patch($('workgroups'), key, () => wgs.map(workgroup));
}

function memberNamesKey(w) {
  return (w.member_ids || []).map(memberName).join();
}

function workgroup(w) {
  const ids = w.member_ids || [];
  const latest = latestOf(w);
  const overdue = isOverdue(w);
  const pct = w.target && latest != null ? Math.max(0, Math.min(100, (100 * latest) / w.target)) : 0;
  const fill = h('span');
  fill.style.width = pct + '%';
  return h('div', { class: 'workgroup ' + w.status, 'data-workgroup': w.id },
    h('div', { class: 'wg-head' }, h('b', { text: w.name }), h('span', { class: 'pill ' + w.status, text: w.status }),
      overdue ? h('span', { class: 'pill overdue', text: 'overdue' }) : null),
    h('p', { class: 'wg-aim', text: w.aim }),
    h('div', { class: 'progress', role: 'img', 'aria-label': `${latest == null ? 'nothing reported' : fmtNum(latest)} of ${fmtNum(w.target)} ${w.metric}` }, fill),
    h('p', { class: 'wg-meta' }, h('b', { class: 'wg-latest', text: latest == null ? '—' : fmtNum(latest) }), ` of ${fmtNum(w.target)} ${w.metric} · due ${fmtDate(w.due)}`),
    h('p', { class: 'wg-members', text: `${plural(ids.length, 'member')}: ${ids.map(memberName).join(', ') || 'none'}` }),
    history(w),
    actions(w));
}

// history is the workgroup's progress reports and its close, newest last.
function history(w) {
  const reports = w.progress || [];
  if (!reports.length && !w.closure) return null;
  const items = reports.map((r) => h('li', null, h('b', { text: fmtNum(r.value) }), ` ${w.metric}`,
    r.note ? [' — ', h('q', { text: r.note })] : null, h('span', { class: 'meta', text: ` ${fmtTime(r.at)} · #${r.seq}` })));
  if (w.closure) {
    items.push(h('li', { class: 'wg-closed' }, `Closed as ${w.status}`, w.closure.note ? [' — ', h('q', { text: w.closure.note })] : null,
      h('span', { class: 'meta', text: ` ${fmtTime(w.closure.at)} · #${w.closure.seq}` })));
  }
  return h('details', { class: 'wg-history' }, h('summary', { text: `History: ${plural(reports.length, 'report')}${w.closure ? ', closed' : ''}` }),
    h('ol', null, items));
}

// actions are what the signed-in party may do to an open workgroup.
function actions(w) {
  if (w.status !== 'open' || !can.act()) return null;
  const me = myMember();
  const inIt = !!me && (w.member_ids || []).includes(me.id);
  const btn = (action, label, fn) => h('button', { type: 'button', class: 'secondary small', 'data-action': action, onclick: () => fn(current(w)), text: label });
  const out = [];
  if (can.convene()) out.push(btn('wg-members', 'Members', workgroupMembersDialog));
  if (can.convene() || inIt) out.push(btn('wg-progress', 'Report progress', workgroupProgressDialog));
  if (inIt) out.push(btn('wg-commit', 'Commit toward it', commitTowardDialog));
  if (can.convene()) out.push(btn('wg-close', 'Close', closeWorkgroupDialog));
  return h('div', { class: 'row-actions' }, out);
}

// current is the workgroup as the state now shows it.
function current(w) {
  return (app.idx && app.idx.workgroups.get(w.id)) || w;
}
