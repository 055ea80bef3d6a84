// panels/decisions.js: closed votes, latest first: the result, the
// explanation, the tally, the block reasons in full where a block decided
// the vote, and the decision record on demand.

import { $, h, plural, fmtTime, patch } from '../dom.js';
import { app, memberName, actorName } from '../store.js';
import { KINDS, charterText, vetoed } from '../rules.js';
import { get, alliancePath } from '../api.js';
import { proposalHref, link } from '../nav.js';
import { tallyBar } from './voting.js';
import { signatureMark, fromRecord } from '../signatures.js';

const PAGE = 10;
const view = { shown: PAGE, open: new Set(), records: new Map() };

// reset forgets opened records, for another alliance.
export function resetDecisions() {
  view.shown = PAGE;
  view.open.clear();
  view.records.clear();
}

export function renderDecisions(st) {
  const closed = (st.proposals || []).filter((p) => p.outcome)
    .sort((a, b) => b.outcome.closed_seq - a.outcome.closed_seq);
  $('decisions-count').textContent = closed.length ? plural(closed.length, 'decision') : '';
  const more = $('decisions-more');
  more.hidden = closed.length <= view.shown;
  more.textContent = `Show ${Math.min(PAGE, closed.length - view.shown)} more (${closed.length - view.shown} not shown)`;
  const shown = closed.slice(0, view.shown);
  const key = JSON.stringify([shown.map((p) => [p.id, p.title, p.outcome.closed_seq]), [...view.open].map((id) => [id, view.records.has(id)])]);
  patch($('decisions'), key, () => (shown.length ? shown.map(decision) : h('p', { class: 'empty', text: 'No vote has closed yet.' })));
}

export function showMoreDecisions() {
  view.shown += PAGE;
  if (app.st) renderDecisions(app.st);
}

function decision(p) {
  const o = p.outcome;
  const open = view.open.has(p.id);
  return h('article', { class: 'decision', 'data-proposal': p.id },
    h('div', { class: 'result ' + o.result, text: o.result }),
    h('div', null,
      h('h3', null, h('a', { href: proposalHref(app.aid, p.id), onclick: link, text: p.title })),
      h('p', { class: 'explain', text: o.explanation }),
      tallyBar(o.tally || {}, o.eligible_count),
      vetoed(p) ? blockReasons(p) : null,
      h('div', { class: 'meta' },
        h('span', { text: `${KINDS[p.kind] || p.kind} · version ${p.voting ? p.voting.version : p.version}` }),
        h('span', { text: `${o.participation} of ${o.eligible_count} took part` }),
        h('span', { text: `closed at #${o.closed_seq}` }),
        h('button', { class: 'link', type: 'button', 'data-action': 'record', 'aria-expanded': String(open), onclick: () => toggleRecord(p.id), text: open ? 'Hide record' : 'Decision record' }))),
    open ? recordPanel(p) : null);
}

// blockReasons lists each block that vetoed the proposal, with its reason
// in full.
export function blockReasons(p) {
  const blocks = Object.entries(p.stances || {}).filter(([id, s]) => s.stance === 'block' && (p.voting.eligible || []).includes(id));
  return h('div', { class: 'blocks' },
    h('p', { class: 'blocks-head', text: blocks.length === 1 ? 'Blocked by' : `Blocked by ${blocks.length} members` }),
    h('ul', null, blocks.map(([id, s]) => h('li', null, h('b', { text: memberName(id) }), ': ',
      h('q', { class: 'reason', text: s.reason || '(no reason given)' })))));
}

async function toggleRecord(pid) {
  if (view.open.has(pid)) {
    view.open.delete(pid);
  } else {
    view.open.add(pid);
    if (!view.records.has(pid)) {
      try {
        view.records.set(pid, await get(alliancePath(app.aid, 'proposals', pid, 'record')));
      } catch {
        view.records.set(pid, null);
      }
    }
  }
  if (app.st) renderDecisions(app.st);
  const btn = document.querySelector(`#decisions [data-proposal="${CSS.escape(pid)}"] button.link`);
  if (btn) btn.focus();
}

// act names who did something, when, and at which seq.
export function act(a) {
  return a ? `${a.by || actorName(a.actor)}, ${fmtTime(a.at)} (#${a.seq})` : '';
}

function recordPanel(p) {
  const rec = view.records.get(p.id);
  const href = `${alliancePath(app.aid, 'proposals', p.id, 'record')}?format=html`;
  const printable = h('p', null, h('a', { href, target: '_blank', rel: 'noopener', text: 'Open the printable record (new tab)' }));
  if (!rec) return h('div', { class: 'record' }, h('p', { text: 'The decision record cannot be read just now.' }), printable);
  return h('div', { class: 'record' }, recordParts(rec), printable);
}

// recordParts renders a decision record's versions, rule, stances with
// every change and their reasons (each signed or not), the signatures,
// outcome and the events it rests on.
export function recordParts(rec) {
  const parts = [];
  if (rec.versions && rec.versions.length) {
    parts.push(h('h4', { text: 'Versions' }), h('ul', null, rec.versions.map((v) => h('li', null,
      h('b', { text: 'v' + v.version }), ` — ${v.amendment_id ? 'amendment accepted by' : 'submitted by'} ${act(v)}`))));
  }
  if (rec.voting) {
    const v = rec.voting;
    const gone = (v.eligible || []).filter((m) => m.withdrew).length;
    parts.push(h('h4', { text: 'Voting' }), h('p', { text:
      `Opened on version ${v.version} by ${act(v.opened)} under ${charterText(v.rule)}; ` +
      `${plural((v.eligible || []).length, 'eligible member')}${gone ? `, ${gone} withdrew before the close` : ''}.` }));
  }
  if (rec.stances && rec.stances.length) {
    parts.push(h('h4', { text: 'Stances, with every change' }), h('ul', null, rec.stances.map((s) => h('li', null,
      h('b', { text: s.name }), ' — ',
      (s.history || []).length
        ? (s.history || []).map((c) => `${c.stance} (#${c.seq}, ${c.signature ? 'signed' : 'unsigned'})${c.reason ? ': “' + c.reason + '”' : ''}`).join(' → ')
        : 'did not vote',
      s.dropped ? ' — dropped: withdrew before the close' : ''))));
  }
  if (rec.proxies && rec.proxies.length) {
    parts.push(h('h4', { text: 'Proxies used' }), h('ul', { class: 'record-proxies' }, rec.proxies.map((u) => h('li', { 'data-seq': String(u.seq) },
      h('b', { text: u.proxy.name }), ` cast ${u.stance} for `, h('b', { text: u.grantor.name }),
      ` (#${u.seq}, under the ${u.grant.proposal_id ? 'grant for this proposal' : 'standing grant'} of #${u.grant.seq})`,
      u.counted ? '' : ' — replaced later'))));
  }
  if (rec.signatures && rec.signatures.length) {
    parts.push(h('h4', { text: `Signatures (${rec.signatures.length})` }), h('ul', { class: 'record-sigs' }, rec.signatures.map((rs) =>
      h('li', { 'data-seq': String(rs.seq) }, `#${rs.seq} ${rs.action}: `, signatureMark(fromRecord(rs))))));
  }
  const o = rec.outcome;
  if (o) parts.push(h('h4', { text: 'Outcome' }), h('p', null, h('b', { text: o.result }), ` — closed by ${act(o.closed)}. ${o.explanation}`));
  if (rec.events && rec.events.length) {
    parts.push(h('h4', { text: `Rests on ${plural(rec.events.length, 'event')}` }),
      h('p', { class: 'mono hashes' }, rec.events.map((e) => h('span', { title: `${e.type} sha256 ${e.hash}`, text: `#${e.seq} ${String(e.hash).slice(0, 8)}  ` }))));
  }
  return parts;
}
