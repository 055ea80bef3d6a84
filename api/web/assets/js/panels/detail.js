// panels/detail.js: one proposal in full: its text and every version,
// amendments with their rationale and what each changes word by word, the
// live tally and the member's ballot while voting, who voted how and why,
// the outcome (with the block reasons in full where a block decided it),
// and the commitments made on it. Its decision record (GET …/record) gives
// the versions and each stance's history; it is fetched again when an event
// of the proposal arrives.

import { $, h, patch, plural, fmtTime, fmtDate } from '../dom.js';
import { app, memberName, can, myMember, pendingAmendments } from '../store.js';
import { KINDS, charterText, charterSentence, vetoed } from '../rules.js';
import { get, alliancePath } from '../api.js';
import { diffView } from '../diff.js';
import { proposalHref, link } from '../nav.js';
import { voteCard, updateVoteCard } from './voting.js';
import { blockReasons, act, recordParts } from './decisions.js';
import { commitment, contentKey } from './commitments.js';
import { voteForm, openVotingDialog, closeVotingDialog } from '../actions/vote.js';
import { proxyBallots, proxyBallotsKey } from '../actions/proxy-vote.js';
import { amendDialog, settleButtons, withdrawDialog } from '../actions/proposal.js';
import { commitDialog } from '../actions/commitment.js';
import { signatureMark, fromRecord } from '../signatures.js';

const detail = { pid: null, rec: null, timer: 0, asked: 0 };

// showDetail starts showing proposal pid (null: none) and fetches its record.
export function showDetail(pid) {
  if (detail.pid !== pid) {
    clearTimeout(detail.timer);
    Object.assign(detail, { pid, rec: null, timer: 0 });
    $('detail').replaceChildren();
  }
  if (pid) fetchRecord();
}

// touched tells the panel that an event of proposal pid arrived.
export function touched(pid) {
  if (pid !== detail.pid || detail.timer) return;
  detail.timer = setTimeout(() => { detail.timer = 0; fetchRecord(); }, 150);
}

async function fetchRecord() {
  const pid = detail.pid;
  const asked = ++detail.asked;
  try {
    const rec = await get(alliancePath(app.aid, 'proposals', pid, 'record'));
    if (pid !== detail.pid || asked !== detail.asked) return;
    detail.rec = rec;
  } catch {
    return; // the state alone still shows the proposal
  }
  if (app.st) renderDetail(app.st);
}

// renderDetail draws the proposal shown from state st; it returns false
// when the alliance has no such proposal.
export function renderDetail(st, freshMember) {
  const p = app.idx.proposals.get(detail.pid);
  const root = $('detail');
  if (!p) {
    root.replaceChildren(h('p', { class: 'empty', text: 'This alliance has no such proposal.' }), backLink());
    return false;
  }
  if (!$('d-title')) root.replaceChildren(...skeleton());
  const rec = detail.rec && detail.rec.proposal && detail.rec.proposal.id === p.id ? detail.rec : null;
  $('d-title').textContent = p.title;
  $('d-meta').replaceChildren(...meta(p));
  patch($('d-actions'), actionsKey(p), () => actions(p));
  renderVote(p, freshMember);
  patch($('d-outcome'), p.outcome ? `${p.id}|${p.outcome.closed_seq}|${JSON.stringify(p.stances)}` : '-', () => (p.outcome ? outcome(p) : null));
  patch($('d-text'), `${p.id}|${p.version}|${p.status}`, () => text(p));
  $('d-votes').replaceChildren(...votes(p, rec));
  patch($('d-amendments'), amendmentsKey(p, rec), () => amendments(p, rec));
  patch($('d-versions'), rec ? `${p.id}|${rec.versions.length}` : '-', () => versions(rec));
  renderCommitmentsOn(st, p);
  patch($('d-record'), rec ? `${p.id}|${rec.as_of.seq}` : '-', () => recordPart(p, rec));
  return true;
}

function backLink() {
  return h('a', { class: 'back', href: proposalHref(app.aid), onclick: link, text: '← All proposals' });
}

function skeleton() {
  const sec = (id, title) => h('section', { class: 'd-sec', id: 'd-' + id + '-sec', 'aria-labelledby': 'd-' + id + '-h' },
    h('h3', { id: 'd-' + id + '-h', text: title }), h('div', { id: 'd-' + id }));
  return [
    backLink(),
    h('header', { class: 'd-head' }, h('h2', { id: 'd-title', tabindex: '-1' }), h('div', { class: 'd-meta', id: 'd-meta' })),
    h('div', { class: 'd-actions', id: 'd-actions' }),
    h('div', { id: 'd-vote' }),
    h('div', { id: 'd-outcome' }),
    sec('text', 'Text'),
    sec('votes', 'Votes'),
    sec('amendments', 'Amendments'),
    sec('versions', 'Versions'),
    sec('commitments', 'Commitments'),
    h('div', { id: 'd-record' }),
  ];
}

function meta(p) {
  return [
    h('span', { class: 'pill ' + p.status, text: p.status }),
    h('span', { text: `${KINDS[p.kind] || p.kind} · version ${p.version} · by ${memberName(p.author_id)}` }),
  ];
}

// ---- actions -------------------------------------------------------------

function actionsKey(p) {
  return [p.id, p.status, p.version, pendingAmendments(p).length, can.act(), can.convene(), can.isMe(p.author_id)].join('|');
}

function actions(p) {
  const out = [];
  const btn = (action, label, fn, cls = 'secondary') => h('button', {
    type: 'button', class: cls, 'data-action': action, onclick: () => fn(app.idx.proposals.get(p.id) || p), text: label,
  });
  if (p.status === 'open' && can.act()) out.push(btn('amend', 'Propose an amendment', amendDialog));
  if (p.status === 'open' && can.convene()) out.push(btn('open-voting', 'Open voting', openVotingDialog, 'primary'));
  if (p.status === 'voting' && can.convene()) out.push(btn('close-voting', 'Close voting', closeVotingDialog, 'primary'));
  if (p.status === 'adopted' && can.act()) out.push(btn('commit', 'Make a commitment', () => commitDialog(p.id)));
  if (p.status === 'open' && can.isMe(p.author_id)) out.push(btn('withdraw', 'Withdraw proposal', withdrawDialog, 'ghost-dark'));
  return out;
}

// ---- voting ----------------------------------------------------------------

function renderVote(p, freshMember) {
  const box = $('d-vote');
  if (p.status !== 'voting' || !p.voting) {
    box.replaceChildren();
    delete box.dataset.key;
    return;
  }
  let card = box.querySelector('.vote');
  if (!card || card.dataset.proposal !== p.id) {
    card = voteCard(p, false);
    box.replaceChildren(card, h('div', { id: 'd-ballot' }), h('div', { id: 'd-proxy' }));
  }
  updateVoteCard(card, p, freshMember);
  const me = myMember();
  const eligible = me && (p.voting.eligible || []).includes(me.id);
  const mine = eligible && p.stances ? p.stances[me.id] : null;
  patch($('d-ballot'), eligible && can.act() ? `${p.id}|${mine ? mine.seq : 0}` : '-', () => (eligible && can.act()
    ? h('section', { class: 'ballot', 'aria-labelledby': 'ballot-h' }, h('h3', { id: 'ballot-h', text: 'Your vote' }), voteForm(p, mine))
    : h('p', { class: 'muted', text: me ? 'You are not among the members eligible in this vote.' : 'Only eligible members vote.' })));
  patch($('d-proxy'), proxyBallotsKey(p), () => proxyBallots(p));
}

function outcome(p) {
  const o = p.outcome;
  return h('section', { class: 'd-outcome ' + o.result, 'aria-label': 'Outcome' },
    h('p', null, h('span', { class: 'result ' + o.result, text: o.result }), ' ', o.explanation),
    vetoed(p) ? blockReasons(p) : null);
}

// ---- text, votes, amendments, versions --------------------------------------

function text(p) {
  return [
    h('p', { class: 'd-version', text: `Version ${p.version}${p.status === 'voting' || p.outcome ? ' — the text voted on' : ''}` }),
    h('div', { class: 'body-text', text: p.body }),
    p.charter ? h('div', { class: 'charter-box' }, h('b', { text: 'Charter proposed: ' }), charterText(p.charter), h('p', { class: 'muted', text: charterSentence(p.charter) })) : null,
  ];
}

// stanceSignature marks stance s as signed or unsigned, from the record's
// entry for the VoteCast that recorded it; null until the record has it.
function stanceSignature(s, history) {
  const change = s && (history || []).find((c) => c.seq === s.seq);
  return change ? h('div', { class: 'vote-sig' }, signatureMark(fromRecord(change.signature))) : null;
}

function votes(p, rec) {
  if (!p.voting) return [h('p', { class: 'empty', text: p.status === 'withdrawn' ? 'It was withdrawn before any vote.' : 'Voting has not opened yet.' })];
  const hist = new Map(((rec && rec.stances) || []).map((s) => [s.member_id, s.history || []]));
  const rows = (p.voting.eligible || []).map((id) => {
    const s = p.stances && p.stances[id];
    const changes = (hist.get(id) || []).length;
    return h('li', { class: 'vote-row ' + (s ? s.stance : 'pending'), 'data-member': id },
      h('span', { class: 'who', text: memberName(id) }),
      h('span', { class: 'stance-word ' + (s ? s.stance : 'pending'), text: s ? s.stance : 'not yet' }),
      s ? h('span', { class: 'when', text: `${fmtTime(s.at)} (#${s.seq})${changes > 1 ? ` · changed ${plural(changes - 1, 'time')}` : ''}` }) : null,
      s && s.cast_by ? h('span', { class: 'cast-by', text: `cast by ${memberName(s.cast_by)}, its proxy` }) : null,
      s && s.reason ? h('q', { class: 'reason', text: s.reason }) : null,
      stanceSignature(s, hist.get(id)));
  });
  return [h('p', { class: 'muted', text: `${plural((p.voting.eligible || []).length, 'eligible member')} · ${charterText(p.voting.rule)}` }), h('ul', { class: 'vote-rows' }, rows)];
}

function amendmentsKey(p, rec) {
  return [p.id, p.version, (p.amendments || []).map((a) => a.status).join(','), rec ? rec.as_of.seq : 0, can.isMe(p.author_id)].join('|');
}

// baseText is the text amendment a changes: for an accepted one the version
// before the one it made, else the text in force when it was proposed.
function baseText(p, a, rec) {
  if (a.status === 'proposed') return p.body;
  if (!rec) return null;
  const ra = (rec.amendments || []).find((x) => x.id === a.id);
  const vs = rec.versions || [];
  if (a.status === 'accepted' && ra && ra.version > 1) return (vs.find((v) => v.version === ra.version - 1) || {}).body;
  const before = ra ? vs.filter((v) => v.seq < ra.proposed.seq) : [];
  return before.length ? before[before.length - 1].body : null;
}

function amendments(p, rec) {
  const list = p.amendments || [];
  if (!list.length) return h('p', { class: 'empty', text: 'No amendment has been proposed.' });
  return h('ol', { class: 'amendments' }, list.map((a, i) => {
    const ra = rec && (rec.amendments || []).find((x) => x.id === a.id);
    const base = baseText(p, a, rec);
    const settle = a.status === 'proposed' && p.status === 'open' && can.isMe(p.author_id) && can.act();
    return h('li', { class: 'amendment ' + a.status, 'data-amendment': a.id },
      h('div', { class: 'am-head' },
        h('b', { text: `Amendment ${i + 1}` }), ` by ${memberName(a.author_id)}`,
        ra ? h('span', { class: 'when', text: ` · ${fmtTime(ra.proposed.at)} (#${ra.proposed.seq})` }) : null,
        h('span', { class: 'pill ' + a.status, text: a.status === 'accepted' && ra && ra.version ? `accepted → v${ra.version}` : a.status })),
      h('p', { class: 'rationale' }, h('span', { class: 'label', text: 'Rationale: ' }), a.rationale || '(none given)'),
      base != null ? diffView(base, a.body) : h('div', { class: 'body-text', text: a.body }),
      ra && ra.settled ? h('p', { class: 'when', text: `${a.status} by ${act(ra.settled)}` }) : null,
      settle ? settleButtons(p, a) : null);
  }));
}

function versions(rec) {
  if (!rec) return h('p', { class: 'muted', text: 'Reading the versions…' });
  const vs = rec.versions || [];
  return h('ol', { class: 'versions' }, vs.slice().reverse().map((v) => {
    const prev = vs.find((x) => x.version === v.version - 1);
    return h('li', { 'data-version': String(v.version) }, h('details', null,
      h('summary', null, h('b', { text: `Version ${v.version}` }), ` — ${v.amendment_id ? 'amendment accepted by' : 'submitted by'} ${act(v)}`),
      prev ? h('div', null, h('h4', { text: `What changed from version ${prev.version}` }), diffView(prev.body, v.body)) : null,
      h('h4', { text: 'Full text' }), h('div', { class: 'body-text', text: v.body })));
  }));
}

function renderCommitmentsOn(st, p) {
  const cs = (st.commitments || []).filter((c) => c.proposal_id === p.id);
  $('d-commitments-sec').hidden = p.status !== 'adopted' && !cs.length;
  patch($('d-commitments'), contentKey(cs), () => (cs.length ? cs.map(commitment) : h('p', { class: 'empty', text: 'No commitment has been made on it yet.' })));
}

function recordPart(p, rec) {
  if (!rec) return null;
  const href = `${alliancePath(app.aid, 'proposals', p.id, 'record')}?format=html`;
  return h('details', { class: 'd-record record' },
    h('summary', { text: 'Decision record: who did what, when, and the events it rests on' }),
    recordParts(rec),
    h('p', null, h('a', { href, target: '_blank', rel: 'noopener', text: 'Open the printable record (new tab)' })),
    h('p', { class: 'muted', text: `As of #${rec.as_of.seq}, ${fmtDate(rec.as_of.at)}.` }));
}
