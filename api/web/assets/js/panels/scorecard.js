// panels/scorecard.js: how each member and each workgroup is doing, as
// GET /v1/alliances/{aid}/scorecard answers it: per member, commitments by
// state (overdue ones marked), the closed votes it took part in of those it
// was eligible for, blocks, and proxies held and given; per workgroup, the
// latest value against its target. It is fetched again when the alliance's
// seq moves, one fetch at a time.

import { $, h, fmtNum, plural, patch } from '../dom.js';
import { app } from '../store.js';
import { get, alliancePath } from '../api.js';

const view = { aid: null, seq: -1, busy: false, card: null, error: '' };

export function renderScorecard(st) {
  if (view.aid !== st.id) Object.assign(view, { aid: st.id, seq: -1, card: null, error: '' });
  draw();
  if (st.seq !== view.seq && !view.busy) load(st.id, st.seq);
}

async function load(aid, seq) {
  view.busy = true;
  try {
    const card = await get(alliancePath(aid, 'scorecard'));
    if (view.aid !== aid) return;
    Object.assign(view, { card, seq, error: '' });
  } catch (err) {
    if (view.aid === aid) Object.assign(view, { seq, error: `The scorecard cannot be shown: ${err.message}` });
  } finally {
    view.busy = false;
  }
  draw();
  if (app.st && app.st.id === aid && app.st.seq !== view.seq) load(aid, app.st.seq);
}

function draw() {
  const card = view.card;
  $('scorecard-as-of').textContent = card ? `as of #${card.seq}, judged on ${card.today}` : '';
  patch($('scorecard'), JSON.stringify([view.error, card]), () => {
    if (view.error) return h('p', { class: 'error', text: view.error });
    if (!card) return h('p', { class: 'empty', text: 'Loading…' });
    return [members(card.members || []), workgroups(card.workgroups || [])];
  });
}

function members(list) {
  if (!list.length) return h('p', { class: 'empty', text: 'No member yet.' });
  const head = ['Member', 'Commitments', 'Votes taken part in', 'Blocks', 'Proxies'];
  // On a phone the table scrolls sideways inside its box: the box takes the
  // focus so a keyboard can scroll it too.
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Scorecard by member' }, h('table', { class: 'scorecard' },
    h('thead', null, h('tr', null, head.map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', null, list.map(member))));
}

function member(m) {
  const c = m.commitments;
  const total = c.open + c.fulfilled + c.withdrawn;
  return h('tr', { 'data-member': m.member_id, class: m.status },
    h('th', { scope: 'row' }, m.name, m.status !== 'active' ? h('span', { class: 'pill withdrawn', text: m.status }) : null),
    h('td', { class: 'sc-commitments' }, total ? `${c.fulfilled} fulfilled · ${c.open} open · ${c.withdrawn} withdrawn` : '—',
      c.overdue ? h('span', { class: 'pill overdue', text: `${c.overdue} overdue` }) : null),
    h('td', { class: 'sc-votes', text: m.votes.eligible ? `${m.votes.took_part} of ${m.votes.eligible}` : '—' }),
    h('td', { class: 'sc-blocks', text: String(m.votes.blocks) }),
    h('td', { class: 'sc-proxies', text: proxiesText(m) }));
}

function proxiesText(m) {
  const held = m.proxies.held.length;
  const given = m.proxies.given.length;
  const cast = m.votes.proxy_votes;
  if (!held && !given && !cast) return '—';
  return [held ? `holds ${held}` : '', given ? `gave ${given}` : '', cast ? `cast ${plural(cast, 'vote')} as proxy` : ''].filter(Boolean).join(' · ');
}

function workgroups(list) {
  if (!list.length) return null;
  return h('div', { class: 'sc-workgroups' }, h('h3', { text: 'Workgroups against their aims' }), list.map((w) => {
    const pct = w.target && w.latest != null ? Math.max(0, Math.min(100, (100 * w.latest) / w.target)) : 0;
    const fill = h('span');
    fill.style.width = pct + '%';
    return h('div', { class: 'sc-workgroup', 'data-workgroup': w.workgroup_id },
      h('div', { class: 'wg-head' }, h('b', { text: w.name }), h('span', { class: 'pill ' + w.status, text: w.status }),
        w.overdue ? h('span', { class: 'pill overdue', text: 'overdue' }) : null),
      h('div', { class: 'progress', role: 'img', 'aria-label': `${w.latest == null ? 'nothing reported' : fmtNum(w.latest)} of ${fmtNum(w.target)} ${w.metric}` }, fill),
      h('p', { class: 'wg-meta', text: `${w.latest == null ? '—' : fmtNum(w.latest)} of ${fmtNum(w.target)} ${w.metric} · ${plural(w.reports, 'report')} · ${w.commitments.fulfilled} of ${w.commitments.items.length} commitments fulfilled` }));
  }));
}
