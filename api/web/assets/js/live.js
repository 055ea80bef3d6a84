// live.js: follows GET /v1/alliances/{aid}/events from the seq shown last,
// so nothing is missed across reconnects. A browser's EventSource
// reconnects by itself after a dropped connection (sending Last-Event-ID);
// after an error answer it gives up, and we reconnect once the session is
// known to be good, with a growing pause.

import { get, alliancePath } from './api.js';

export const TYPES = [
  'AllianceFormed', 'AllianceConcluded', 'MemberAdmitted', 'MemberWithdrew', 'MemberKeyRegistered', 'ObserverAdded',
  'WitnessAdded', 'WorkgroupFormed', 'WorkgroupMembersChanged', 'WorkgroupProgressReported', 'WorkgroupClosed',
  'ProposalSubmitted', 'AmendmentProposed', 'AmendmentAccepted', 'AmendmentRejected', 'ProposalWithdrawn',
  'VotingOpened', 'VoteCast', 'ProxyGranted', 'ProxyRevoked', 'VotingClosed', 'CharterAmended',
  'CommitmentMade', 'ProgressReported', 'CommitmentFulfilled', 'CommitmentWithdrawn',
];

const live = { es: null, aid: null, timer: 0, delay: 1000, handlers: null };

// follow starts following alliance aid after seq; handlers.event(ev, hash)
// gets each event once, handlers.state(s) each change of 'connecting', 'on'
// or 'off', handlers.ended(err) an answer that retrying cannot mend (401,
// 403, 404).
export function follow(aid, afterSeq, handlers) {
  stop();
  Object.assign(live, { aid, handlers, delay: 1000 });
  connect(afterSeq);
}

function connect(afterSeq) {
  const es = new EventSource(`${alliancePath(live.aid, 'events')}?from_seq=${afterSeq + 1}`);
  live.es = es;
  live.handlers.state('connecting');
  es.onopen = () => {
    if (live.es !== es) return;
    live.delay = 1000;
    live.handlers.state('on');
  };
  es.onerror = () => {
    if (live.es !== es) return;
    if (es.readyState === EventSource.CLOSED) retryLater();
    else live.handlers.state('connecting');
  };
  const onMessage = (msg) => {
    if (live.es !== es) return;
    let entry;
    try { entry = JSON.parse(msg.data); } catch { return; }
    const ev = entry && entry.event;
    if (ev && ev.alliance_id === live.aid) live.handlers.event(ev, entry.hash);
  };
  for (const type of TYPES) es.addEventListener(type, onMessage);
}

// stop ends following.
export function stop() {
  clearTimeout(live.timer);
  live.timer = 0;
  if (live.es) {
    live.es.close();
    live.es = null;
  }
}

function retryLater() {
  const aid = live.aid;
  const handlers = live.handlers;
  stop();
  handlers.state('off');
  live.timer = setTimeout(async () => {
    try {
      await get(alliancePath(aid, 'audit', 'head'));
    } catch (err) {
      if (aid !== live.aid) return;
      if ([401, 403, 404].includes(err.status)) return handlers.ended(err);
      return retryLater();
    }
    if (aid === live.aid) connect(handlers.lastSeq());
  }, live.delay);
  live.delay = Math.min(live.delay * 2, 30000);
}
