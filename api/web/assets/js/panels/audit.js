// panels/audit.js: the audit trail, newest first: the latest events at
// once, earlier ones a page at a time on demand, each live event on top as
// it arrives; every event is checked to name the hash of the one before.

import { $, h, plural, fmtTime, fmtNum } from '../dom.js';
import { app, memberName, proposalTitle, commitmentText, workgroupName, actorName } from '../store.js';
import { charterText } from '../rules.js';
import { get, alliancePath } from '../api.js';
import { SIGNABLE, signatureMark, fromEvent } from '../signatures.js';

export const AUDIT_TAIL = 40;

const trail = { first: 0, firstPrev: '', last: 0, lastHash: '', broken: 0 };

export function resetAudit() {
  Object.assign(trail, { first: 0, firstPrev: '', last: 0, lastHash: '', broken: 0 });
  $('audit').replaceChildren();
  renderChain();
}

export function lastSeq() {
  return trail.last;
}

const LABELS = {
  AllianceFormed: 'Alliance formed', AllianceConcluded: 'Alliance concluded', MemberAdmitted: 'Member admitted',
  MemberWithdrew: 'Member withdrew', MemberKeyRegistered: 'Signing key registered', ObserverAdded: 'Observer added',
  WitnessAdded: 'Witness added', WorkgroupFormed: 'Workgroup formed', WorkgroupMembersChanged: 'Workgroup members changed',
  WorkgroupProgressReported: 'Workgroup progress', WorkgroupClosed: 'Workgroup closed', ProposalSubmitted: 'Proposal submitted',
  AmendmentProposed: 'Amendment proposed', AmendmentAccepted: 'Amendment accepted', AmendmentRejected: 'Amendment rejected',
  ProposalWithdrawn: 'Proposal withdrawn', VotingOpened: 'Voting opened', VoteCast: 'Vote cast', ProxyGranted: 'Proxy granted',
  ProxyRevoked: 'Proxy revoked', VotingClosed: 'Voting closed', CharterAmended: 'Charter amended', CommitmentMade: 'Commitment made',
  ProgressReported: 'Progress reported', CommitmentFulfilled: 'Commitment fulfilled', CommitmentWithdrawn: 'Commitment withdrawn',
};

const q = (s) => `“${s}”`;

// SUMMARIES say each event in a line; an unknown type shows its name.
const SUMMARIES = {
  AllianceFormed: (d) => `${q(d.name)} formed under ${charterText(d.charter)}`,
  AllianceConcluded: (d) => `The alliance concluded${d.reason ? ': ' + d.reason : ''}`,
  MemberAdmitted: (d) => `${d.name} (${d.sector}) joined as ${d.role}`,
  MemberWithdrew: (d) => `${memberName(d.member_id)} withdrew${d.reason ? ': ' + d.reason : ''}`,
  MemberKeyRegistered: (d) => `${memberName(d.member_id)} registered signing key ${d.key_id}`,
  ObserverAdded: (d) => `${d.name} joined as an observer`,
  WitnessAdded: (d) => `Witness ${q(d.name)} registered`,
  WorkgroupFormed: (d) => `Workgroup ${q(d.name)} formed with ${plural((d.member_ids || []).length, 'member')}`,
  WorkgroupMembersChanged: (d) => `${q(workgroupName(d.workgroup_id))}: ${(d.added || []).length} joined, ${(d.removed || []).length} left`,
  WorkgroupProgressReported: (d) => `${q(workgroupName(d.workgroup_id))} at ${fmtNum(d.value)}${d.note ? ' — ' + d.note : ''}`,
  WorkgroupClosed: (d) => `${q(workgroupName(d.workgroup_id))} closed: ${d.outcome}`,
  ProposalSubmitted: (d) => `${memberName(d.author_id)} submitted ${q(d.title)}`,
  AmendmentProposed: (d) => `${memberName(d.author_id)} proposed an amendment to ${q(proposalTitle(d.proposal_id))}`,
  AmendmentAccepted: (d) => `Amendment accepted: ${q(proposalTitle(d.proposal_id))} is now version ${d.version}`,
  AmendmentRejected: (d) => `Amendment to ${q(proposalTitle(d.proposal_id))} rejected`,
  ProposalWithdrawn: (d) => `${q(proposalTitle(d.proposal_id))} withdrawn${d.reason ? ': ' + d.reason : ''}`,
  VotingOpened: (d) => `Voting opened on ${q(proposalTitle(d.proposal_id))} version ${d.version}, ${plural((d.eligible || []).length, 'eligible member')}`,
  VoteCast: (d) => `${memberName(d.member_id)} voted ${d.stance} on ${q(proposalTitle(d.proposal_id))}${d.cast_by ? ` (cast by ${memberName(d.cast_by)})` : ''}`,
  ProxyGranted: (d) => `${memberName(d.grantor_id)} made ${memberName(d.proxy_id)} its proxy`,
  ProxyRevoked: (d) => `${memberName(d.grantor_id)} revoked ${memberName(d.proxy_id)}'s proxy`,
  VotingClosed: (d) => {
    const t = d.tally || {};
    return `${q(proposalTitle(d.proposal_id))} ${d.result}: ${t.agree} agree, ${t.disagree} disagree, ${t.abstain} abstain, ${t.block} block`;
  },
  CharterAmended: (d) => `Charter now ${charterText(d.charter)}`,
  CommitmentMade: (d) => `${memberName(d.member_id)} committed to ${q(d.description)}`,
  ProgressReported: (d) => `${q(commitmentText(d.commitment_id))} at ${fmtNum(d.value)}${d.note ? ' — ' + d.note : ''}`,
  CommitmentFulfilled: (d) => `${q(commitmentText(d.commitment_id))} fulfilled${typeof d.value === 'number' ? ' at ' + fmtNum(d.value) : ''}`,
  CommitmentWithdrawn: (d) => `${q(commitmentText(d.commitment_id))} withdrawn`,
};

function entry(ev, hash, fresh) {
  const say = SUMMARIES[ev.type];
  return h('li', { class: fresh ? 'fresh' : null, 'data-seq': String(ev.seq), 'data-type': ev.type },
    h('span', { class: 'seq', text: '#' + ev.seq }),
    h('div', { class: 'what' }, h('div', { class: 'type ' + ev.type, text: LABELS[ev.type] || ev.type }), say ? say(ev.data || {}) : ev.type,
      SIGNABLE.has(ev.type) ? h('div', { class: 'audit-sig' }, signatureMark(fromEvent(ev))) : null),
    h('div', { class: 'foot' },
      h('span', { text: `${actorName(ev.actor)} · ${fmtTime(ev.at)}` }),
      h('span', { class: 'hash', title: 'sha256 ' + hash, text: String(hash).slice(0, 12) })));
}

// addLatest puts events newer than any shown on top, in seq order.
export function addLatest(ev, hash, fresh) {
  if (!ev || ev.seq <= trail.last) return false;
  if (trail.last && ev.seq === trail.last + 1 && ev.prev_hash !== trail.lastHash && !trail.broken) trail.broken = ev.seq;
  if (!trail.first) {
    trail.first = ev.seq;
    trail.firstPrev = ev.prev_hash;
  }
  trail.last = ev.seq;
  trail.lastHash = hash;
  $('audit').prepend(entry(ev, hash, fresh));
  renderChain();
  return true;
}

// loadEarlier fetches the page of events before the earliest shown.
export async function loadEarlier() {
  if (trail.first <= 1) return;
  const from = Math.max(1, trail.first - AUDIT_TAIL);
  const page = await get(`${alliancePath(app.aid, 'audit')}?from_seq=${from}&limit=${trail.first - from}`);
  const evs = (page.events || []).filter((e) => e.event.seq < trail.first);
  if (!evs.length) return;
  const newest = evs[evs.length - 1];
  if (newest.event.seq === trail.first - 1 && newest.hash !== trail.firstPrev && !trail.broken) trail.broken = trail.first;
  const list = $('audit');
  for (let i = evs.length - 1; i >= 0; i--) list.append(entry(evs[i].event, evs[i].hash, false));
  trail.first = evs[0].event.seq;
  trail.firstPrev = evs[0].event.prev_hash;
  renderChain();
}

function renderChain() {
  const chain = $('chain');
  if (trail.broken) {
    chain.className = 'chain broken';
    chain.textContent = `⚠ chain broken at #${trail.broken}`;
  } else if (trail.last) {
    chain.className = 'chain';
    chain.textContent = `✓ chain linked #${trail.first}–#${trail.last}`;
  } else {
    chain.textContent = '';
  }
  const more = $('audit-more');
  more.hidden = trail.first <= 1;
  more.textContent = `Show ${Math.min(AUDIT_TAIL, trail.first - 1)} earlier events`;
}
