// accord's web page: vanilla JavaScript modules, no build step.
//
// The page shows one alliance's state as GET /v1/alliances/{aid} answers it
// and follows GET /v1/alliances/{aid}/events from the seq it showed last, so
// nothing is missed across reconnects. A live event goes on the audit trail
// at once, a vote moves its tally at once, and the state is then fetched
// again: the server's fold stays the only truth. Each panel and each action
// lives in a module of its own under js/.

import { $, h, patch } from './js/dom.js';
import { get, alliancePath, session, startSession, endSession } from './js/api.js';
import { app, setState, can } from './js/store.js';
import { follow, stop as stopLive } from './js/live.js';
import { where, onNavigate, proposalHref, link } from './js/nav.js';
import { onChanged } from './js/bus.js';
import { renderHero } from './js/panels/overview.js';
import { renderAwaiting } from './js/panels/awaiting.js';
import { renderVoting } from './js/panels/voting.js';
import { renderProposals, showMore } from './js/panels/proposals.js';
import { renderDecisions, showMoreDecisions, resetDecisions } from './js/panels/decisions.js';
import { renderCommitments, showMoreCommitments } from './js/panels/commitments.js';
import { renderMembers } from './js/panels/members.js';
import { renderWorkgroups } from './js/panels/workgroups.js';
import { renderScorecard } from './js/panels/scorecard.js';
import { renderProxies } from './js/panels/proxies.js';
import { renderSuccession } from './js/panels/succession.js';
import { AUDIT_TAIL, addLatest, loadEarlier, resetAudit, lastSeq } from './js/panels/audit.js';
import { showDetail, renderDetail, touched } from './js/panels/detail.js';
import { proposeDialog } from './js/actions/proposal.js';
import { renderKeyCard } from './js/panels/keycard.js';
import { renderTransparency } from './js/panels/transparency.js';

const refresh = { timer: 0, busy: false, again: false, tookMs: 0 };

// ---- views ------------------------------------------------------------------

function show(view) {
  for (const id of ['signin', 'picker', 'alliance']) $(id).hidden = id !== view;
  $('who').hidden = view === 'signin';
  $('live').hidden = view !== 'alliance';
  if (view !== 'alliance') $('crumb').replaceChildren();
}

function banner(msg) {
  $('banner').textContent = msg || '';
  $('banner').hidden = !msg;
}

function showWho() {
  const me = app.me;
  if (!me) return $('who-name').replaceChildren('Signed in');
  const named = me.name && me.name !== me.role;
  $('who-name').replaceChildren(h('b', { text: named ? me.name : me.role === 'admin' ? 'Administrator' : me.role }),
    h('span', { class: 'who-role', text: named ? ` · ${me.role}` : '' }));
}

function showSignIn(message) {
  stopLive();
  app.aid = null;
  show('signin');
  $('signin-error').textContent = message || '';
  $('token').focus();
}

function showPicker(list) {
  stopLive();
  app.aid = null;
  document.title = 'accord';
  if (location.search) history.replaceState(null, '', '/');
  show('picker');
  const ul = $('alliance-list');
  if (!list.length) return ul.replaceChildren(h('li', { class: 'empty', text: 'No alliance is visible to you yet.' }));
  ul.replaceChildren(...list.map((a) => h('li', null,
    h('a', { href: proposalHref(a.id), onclick: link },
      h('h2', { text: a.name }), h('p', { text: a.purpose }), h('div', { class: 'meta', text: `${a.seq} event${a.seq === 1 ? '' : 's'} in the ledger` })))));
}

// ---- session ----------------------------------------------------------------

async function signIn(e) {
  e.preventDefault();
  const input = $('token');
  const token = input.value.trim();
  if (!token) return;
  const button = $('signin-submit');
  button.disabled = true;
  $('signin-error').textContent = '';
  try {
    app.me = await startSession(token);
    input.value = '';
    await route();
  } catch (err) {
    $('signin-error').textContent = err.status === 401 ? 'That token is not valid.' : err.message;
    input.select();
  } finally {
    button.disabled = false;
  }
}

async function signOut() {
  stopLive();
  app.me = null;
  await endSession();
  showSignIn();
}

// route opens the alliance of the address, the caller's only alliance, or
// the list to pick from; it asks for a token when the session is missing.
async function route() {
  banner('');
  let list;
  try {
    list = (await get('/v1/alliances')).alliances || [];
  } catch (err) {
    if (err.status === 401) return showSignIn();
    return banner(err.message);
  }
  showWho();
  const { aid, pid } = where();
  if (aid) return openAlliance(aid, pid, list);
  if (list.length === 1) return openAlliance(list[0].id, null, list);
  return showPicker(list);
}

// ---- one alliance -------------------------------------------------------------

async function openAlliance(aid, pid, list) {
  stopLive();
  Object.assign(app, { aid, st: null, idx: null, proposal: null });
  resetAudit();
  resetDecisions();
  showDetail(null);
  const want = proposalHref(aid, pid);
  if (location.pathname + location.search !== want) history.replaceState(null, '', want);
  let st, page;
  try {
    st = await get(alliancePath(aid));
    const from = Math.max(1, st.seq - AUDIT_TAIL + 1);
    page = await get(`${alliancePath(aid, 'audit')}?from_seq=${from}&limit=${AUDIT_TAIL}`);
  } catch (err) {
    if (err.status === 401) return showSignIn();
    banner(`Alliance ${aid} cannot be shown: ${err.message}`);
    if (list) showPicker(list);
    return;
  }
  if (app.aid !== aid) return;
  show('alliance');
  app.proposal = pid || null;
  showDetail(app.proposal);
  render(st);
  for (const entry of page.events || []) addLatest(entry.event, entry.hash, false);
  markFirstRender();
  if (lastSeq() > st.seq) scheduleRefresh();
  followLive(aid);
}

function followLive(aid) {
  follow(aid, lastSeq(), { event: onLive, state: setLive, ended: (err) => banner(err.message), lastSeq });
}

// markFirstRender records, once per page load, how long the page took from
// navigation to showing an alliance (performance.now() counts from the
// navigation's start).
function markFirstRender() {
  if (document.documentElement.dataset.firstRenderMs) return;
  document.documentElement.dataset.firstRenderMs = String(Math.round(performance.now()));
}

function render(st, freshMember) {
  setState(st);
  document.title = `${st.name} · accord`;
  renderHero(st);
  renderSuccession(st);
  patch($('proposals-act'), String(can.act()), () => (can.act()
    ? h('button', { type: 'button', class: 'primary small', id: 'new-proposal', onclick: proposeDialog, text: 'New proposal' }) : null));
  const detail = !!app.proposal;
  $('alliance').classList.toggle('detail-mode', detail);
  $('overview').hidden = detail;
  $('detail').hidden = !detail;
  $('awaiting-card').hidden = true;
  if (detail && renderDetail(st, freshMember)) {
    document.title = `${app.idx.proposals.get(app.proposal).title} · ${st.name} · accord`;
  } else if (!detail) {
    renderAwaiting(st);
    renderVoting(st, freshMember);
    renderProposals(st);
    renderDecisions(st);
    renderCommitments(st);
    renderScorecard(st);
  }
  renderMembers(st);
  renderWorkgroups(st);
  renderProxies(st);
  renderKeyCard();
  renderTransparency(st);
  renderLiveText();
}

// navigate follows a move within the page (a link, Back, Forward).
function navigate(w) {
  if (!w.aid) return route();
  if (w.aid !== app.aid || !app.st) return openAlliance(w.aid, w.pid);
  const from = app.proposal;
  app.proposal = w.pid || null;
  showDetail(app.proposal);
  render(app.st);
  if (app.proposal) {
    $('d-title').focus();
    window.scrollTo(0, 0);
  } else {
    const back = from && document.querySelector(`#proposals [data-proposal="${CSS.escape(from)}"] a`);
    (back || $('a-name')).focus();
  }
}

// ---- live -----------------------------------------------------------------------

function setLive(state) {
  $('live').className = 'live ' + state;
  $('live').dataset.state = state;
  $('live-text').textContent = state === 'on' ? 'Live' : state === 'off' ? 'Offline — retrying' : 'Connecting…';
  renderLiveText();
}

function renderLiveText() {
  const head = Math.max(lastSeq(), app.st ? app.st.seq : 0);
  $('live-seq').textContent = head ? `#${head}` : '';
}

function onLive(ev, hash) {
  if (!addLatest(ev, hash, true)) return;
  fold(ev);
  if (ev.data && ev.data.proposal_id) touched(ev.data.proposal_id);
  renderLiveText();
  scheduleRefresh();
}

// fold moves a tally at once; the state fetched next confirms it.
function fold(ev) {
  if (!app.st || ev.type !== 'VoteCast') return;
  const p = app.idx.proposals.get(ev.data.proposal_id);
  if (!p || p.status !== 'voting') return;
  p.stances = p.stances || {};
  p.stances[ev.data.member_id] = { stance: ev.data.stance, reason: ev.data.reason, cast_by: ev.data.cast_by, seq: ev.seq, at: ev.at };
  if (app.proposal === p.id) renderDetail(app.st, ev.data.member_id);
  else if (!app.proposal) {
    renderVoting(app.st, ev.data.member_id);
    renderAwaiting(app.st);
  }
}

// scheduleRefresh fetches the state again soon; the pause grows with the
// time a fetch takes, so a large alliance under a stream of events is not
// fetched back to back.
function scheduleRefresh(now) {
  if (refresh.timer) return;
  refresh.timer = setTimeout(doRefresh, now ? 0 : Math.max(120, 2 * refresh.tookMs));
}

async function doRefresh() {
  refresh.timer = 0;
  if (refresh.busy) {
    refresh.again = true;
    return;
  }
  refresh.busy = true;
  const aid = app.aid;
  const t0 = performance.now();
  try {
    const st = await get(alliancePath(aid));
    refresh.tookMs = performance.now() - t0;
    if (aid === app.aid && (!app.st || st.seq >= app.st.seq)) render(st);
  } catch (err) {
    if (err.status === 401) showSignIn('Your session has ended. Sign in again.');
  } finally {
    refresh.busy = false;
    if (refresh.again) {
      refresh.again = false;
      scheduleRefresh();
    }
  }
}

// ---- start --------------------------------------------------------------------

function start() {
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', signOut);
  $('proposals-more').addEventListener('click', showMore);
  $('decisions-more').addEventListener('click', showMoreDecisions);
  $('commitments-more').addEventListener('click', showMoreCommitments);
  $('audit-more').addEventListener('click', () => loadEarlier().catch((err) => banner(err.message)));
  $('home').addEventListener('click', (e) => {
    if (!app.me) return;
    e.preventDefault();
    history.pushState(null, '', '/');
    route();
  });
  onNavigate(navigate);
  // A page left for another may be kept in the back/forward cache: its live
  // stream is closed then (an open one would hold one of the browser's few
  // connections to the server), and reopened from the last seq shown if
  // the page is shown again.
  window.addEventListener('pagehide', () => stopLive());
  window.addEventListener('pageshow', (e) => {
    if (!e.persisted || !app.aid || $('alliance').hidden) return;
    followLive(app.aid);
    scheduleRefresh(true);
  });
  onChanged(() => scheduleRefresh(true));
  setInterval(() => { if (app.st && !$('alliance').hidden && !app.proposal) renderVoting(app.st); }, 30000);
  const { token, me } = session();
  // Without a token in this tab, ask for one rather than probe with a
  // request that can only be refused.
  if (token && me) {
    app.me = me;
    route();
  } else {
    showSignIn();
  }
}

start();
