// accord dashboard: vanilla JavaScript, no build step.
//
// The page shows one alliance's state as GET /v1/alliances/{aid} answers it,
// and follows GET /v1/alliances/{aid}/events from the seq it showed last, so
// nothing is missed across reconnects. Each live event is added to the audit
// trail at once, a vote moves its tally bar at once, and the state is then
// fetched again (debounced): the server's fold stays the only truth.
'use strict';

(() => {
  const TYPES = [
    'AllianceFormed', 'MemberAdmitted', 'MemberWithdrew', 'ObserverAdded', 'WorkgroupFormed',
    'ProposalSubmitted', 'AmendmentProposed', 'AmendmentAccepted', 'AmendmentRejected',
    'ProposalWithdrawn', 'VotingOpened', 'VoteCast', 'VotingClosed', 'CharterAmended',
    'CommitmentMade', 'ProgressReported', 'CommitmentFulfilled', 'CommitmentWithdrawn',
  ];
  const STANCES = ['agree', 'disagree', 'block', 'abstain'];
  const RULES = { consensus: 'Consensus', unanimity: 'Unanimity', supermajority: 'Supermajority', majority: 'Majority' };
  const KINDS = { resolution: 'Resolution', charter: 'Charter', operating_agreement: 'Operating agreement', position: 'Position' };
  const STATUS_ORDER = { voting: 0, open: 1, adopted: 2, rejected: 3, withdrawn: 4 };
  const AUDIT_TAIL = 40;
  const AUDIT_MAX = 200;
  const STANCE_CHIPS = 36;
  const REFRESH_DELAY = 120;

  const app = {
    me: null,
    aid: null,
    st: null,
    idx: null,
    es: null,
    lastSeq: 0,
    lastHash: '',
    firstSeq: 0,
    chainBreak: 0,
    refreshTimer: 0,
    refreshing: false,
    refreshAgain: false,
    retryTimer: 0,
    retryDelay: 1000,
    openRecords: new Set(),
    records: new Map(),
  };

  const $ = (id) => document.getElementById(id);

  // h builds an element; text always goes in as text, never as HTML.
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const kid of kids.flat()) {
      if (kid == null || kid === false) continue;
      el.append(kid instanceof Node ? kid : String(kid));
    }
    return el;
  }

  class HTTPError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(path, { method = 'GET', headers = {} } = {}) {
    const res = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json', ...headers },
    });
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = null; }
    if (!res.ok) {
      const e = (body && body.error) || {};
      throw new HTTPError(res.status, e.code || 'http', e.message || res.statusText);
    }
    return body;
  }

  // ---- formatting -------------------------------------------------------

  function frac(s, fallback) {
    const m = /^(\d+)\/(\d+)$/.exec(s || fallback || '');
    return m ? [Number(m[1]), Number(m[2])] : [0, 1];
  }

  function defaultThreshold(rule) {
    return rule === 'supermajority' ? '2/3' : rule === 'consensus' ? '3/4' : '1/2';
  }

  function charterText(c) {
    if (!c) return '';
    const parts = [RULES[c.decision_rule] || c.decision_rule];
    if (c.decision_rule === 'consensus' || c.decision_rule === 'supermajority') {
      parts.push('threshold ' + (c.threshold || defaultThreshold(c.decision_rule)));
    }
    parts.push('quorum ' + (c.quorum || '1/2'));
    return parts.join(' · ');
  }

  function initials(name) {
    const words = String(name || '?').split(/\s+/).filter((w) => /^[\p{L}\p{N}]/u.test(w));
    const pick = words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] || '?').slice(0, 2);
    return pick.toUpperCase();
  }

  function hue(id) {
    let n = 0;
    for (const c of String(id)) n = (n * 31 + c.charCodeAt(0)) >>> 0;
    return n % 360;
  }

  function sameDay(a, b) {
    return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  }

  function fmtTime(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    if (sameDay(d, new Date())) return time;
    return d.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' }) + ' ' + time.slice(0, 5);
  }

  function fmtDate(s) {
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) return s || '';
    return d.toLocaleDateString([], { day: 'numeric', month: 'short', year: 'numeric' });
  }

  function fmtIn(iso) {
    const ms = new Date(iso).getTime() - Date.now();
    if (Number.isNaN(ms)) return '';
    if (ms <= 0) return 'closing now';
    const min = Math.round(ms / 60000);
    if (min < 60) return `closes in ${min} min`;
    const hr = Math.floor(min / 60);
    if (hr < 48) return `closes in ${hr} h ${min % 60} min`;
    return 'closes ' + fmtDate(iso);
  }

  function fmtNum(n) {
    return typeof n === 'number' ? n.toLocaleString([], { maximumFractionDigits: 2 }) : String(n ?? '');
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many || one + 's'}`;
  }

  // ---- lookups ----------------------------------------------------------

  function index(st) {
    const by = (list) => new Map((list || []).map((x) => [x.id, x]));
    return {
      members: by(st.members),
      observers: by(st.observers),
      proposals: by(st.proposals),
      commitments: by(st.commitments),
    };
  }

  function memberName(id) {
    const m = app.idx && app.idx.members.get(id);
    return m ? m.name : 'member ' + String(id).slice(0, 8);
  }

  function proposalTitle(id, fallback) {
    const p = app.idx && app.idx.proposals.get(id);
    return p ? p.title : fallback || 'proposal ' + String(id).slice(0, 8);
  }

  function commitmentText(id) {
    const c = app.idx && app.idx.commitments.get(id);
    return c ? c.description : 'commitment ' + String(id).slice(0, 8);
  }

  function actorName(a) {
    if (!a) return '';
    if (a.role === 'admin') return 'Administrator';
    if (a.role === 'system') return 'accord';
    if (a.member_id) return memberName(a.member_id);
    const o = app.idx && app.idx.observers.get(a.id);
    return o ? o.name : a.role;
  }

  // ---- decision rules (DESIGN.md), for the "if closed now" line --------

  function tallyOf(p) {
    const t = { agree: 0, disagree: 0, abstain: 0, block: 0 };
    const eligible = (p.voting && p.voting.eligible) || [];
    for (const id of eligible) {
      const s = p.stances && p.stances[id];
      if (s && s.stance in t) t[s.stance]++;
    }
    return t;
  }

  function quorumNeeded(rule, eligible) {
    const [qn, qd] = frac(rule.quorum, '1/2');
    return Math.max(1, Math.floor((qn * eligible + qd - 1) / qd));
  }

  function forecast(rule, t, eligible) {
    const A = t.agree, D = t.disagree, S = t.abstain, B = t.block;
    const P = A + D + S + B;
    const r = rule.decision_rule;
    const [qn, qd] = frac(rule.quorum, '1/2');
    const [tn, td] = frac(rule.threshold, defaultThreshold(r));
    const need = quorumNeeded(rule, eligible);
    if (!(P >= 1 && P * qd >= qn * eligible)) return [false, `quorum not met yet (${P} of ${need} needed)`];
    if (r === 'majority') {
      return 2 * A > A + D + B
        ? [true, `${A} of ${A + D + B} is a majority`]
        : [false, `${A} of ${A + D + B} is not a majority`];
    }
    if (A < 1) return [false, 'no member agrees yet'];
    if ((r === 'consensus' || r === 'unanimity') && B > 0) return [false, plural(B, 'block') + ' — one block vetoes'];
    if (r === 'unanimity') return D === 0 ? [true, 'everyone who voted agrees or abstains'] : [false, plural(D, 'member') + ' disagree'];
    const base = r === 'consensus' ? A + D : A + D + B;
    return A * td >= tn * base
      ? [true, `${A}/${base} ≥ ${tn}/${td}${r === 'consensus' ? ', no block' : ''}`]
      : [false, `${A}/${base} is below ${tn}/${td}`];
  }

  // ---- views --------------------------------------------------------------

  function show(view) {
    for (const id of ['signin', 'picker', 'alliance']) $(id).hidden = id !== view;
    $('who').hidden = view === 'signin';
    $('live').hidden = view !== 'alliance';
    if (view !== 'alliance') $('crumb').replaceChildren();
  }

  function banner(msg) {
    const b = $('banner');
    b.textContent = msg || '';
    b.hidden = !msg;
  }

  function showWho() {
    const me = app.me;
    const el = $('who-name');
    if (!me) {
      el.replaceChildren('Signed in');
      return;
    }
    const named = me.name && me.name !== me.role;
    el.replaceChildren(h('b', { text: named ? me.name : me.role === 'admin' ? 'Administrator' : me.role }), named ? ` · ${me.role}` : '');
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
    if (!list.length) {
      ul.replaceChildren(h('li', { class: 'empty', text: 'No alliance is visible to you yet.' }));
      return;
    }
    ul.replaceChildren(...list.map((a) => h('li', null,
      h('a', { href: '/?alliance=' + encodeURIComponent(a.id), onclick: (e) => { e.preventDefault(); openAlliance(a.id); } },
        h('h3', { text: a.name }),
        h('p', { text: a.purpose }),
        h('div', { class: 'meta', text: plural(a.seq, 'event') + ' in the ledger' })))));
  }

  // ---- session --------------------------------------------------------

  function remember(me) {
    try {
      if (me) localStorage.setItem('accord.me', JSON.stringify(me));
      else localStorage.removeItem('accord.me');
    } catch { /* private mode: the name is only a label */ }
  }

  function recall() {
    try { return JSON.parse(localStorage.getItem('accord.me') || 'null'); } catch { return null; }
  }

  async function signIn(e) {
    e.preventDefault();
    const input = $('token');
    const token = input.value.trim();
    if (!token) return;
    const button = $('signin-submit');
    button.disabled = true;
    $('signin-error').textContent = '';
    try {
      app.me = await api('/v1/session', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
      remember(app.me);
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
    try { await api('/v1/session', { method: 'DELETE' }); } catch { /* the cookie is gone either way */ }
    app.me = null;
    remember(null);
    showSignIn();
  }

  // route opens the alliance of the link, the caller's only alliance, or the
  // list to pick from; it signs in first when the session is missing.
  async function route() {
    banner('');
    let list;
    try {
      list = (await api('/v1/alliances')).alliances || [];
    } catch (err) {
      if (err.status === 401) return showSignIn();
      return banner('accord cannot be reached: ' + err.message);
    }
    showWho();
    const aid = new URLSearchParams(location.search).get('alliance');
    if (aid) return openAlliance(aid, list);
    if (list.length === 1) return openAlliance(list[0].id, list);
    return showPicker(list);
  }

  // ---- one alliance -----------------------------------------------------

  async function openAlliance(aid, list) {
    stopLive();
    Object.assign(app, { aid, st: null, idx: null, lastSeq: 0, lastHash: '', firstSeq: 0, chainBreak: 0 });
    app.openRecords.clear();
    app.records.clear();
    $('audit').replaceChildren();
    const want = '?alliance=' + encodeURIComponent(aid);
    if (location.search !== want) history.replaceState(null, '', '/' + want);
    let st, page;
    try {
      st = await api(`/v1/alliances/${encodeURIComponent(aid)}`);
      const from = Math.max(1, st.seq - AUDIT_TAIL + 1);
      page = await api(`/v1/alliances/${encodeURIComponent(aid)}/audit?from_seq=${from}&limit=${AUDIT_TAIL}`);
    } catch (err) {
      if (err.status === 401) return showSignIn();
      banner(`Alliance ${aid} cannot be shown: ${err.message}`);
      if (list) showPicker(list);
      return;
    }
    if (app.aid !== aid) return;
    show('alliance');
    render(st);
    for (const entry of page.events || []) addAudit(entry.event, entry.hash, false);
    if (app.lastSeq > st.seq) scheduleRefresh();
    startLive();
  }

  function render(st) {
    app.st = st;
    app.idx = index(st);
    $('crumb').replaceChildren(h('span', { text: st.name }));
    document.title = `${st.name} · accord`;
    $('a-name').textContent = st.name;
    $('a-purpose').textContent = st.purpose;
    renderFacts(st);
    renderKPIs(st);
    renderVoting(st);
    renderDecisions(st);
    renderProposals(st);
    renderCommitments(st);
    renderMembers(st);
    renderLive();
  }

  function renderFacts(st) {
    const active = (st.members || []).filter((m) => m.status === 'active').length;
    const facts = [
      h('span', { class: 'fact' }, h('b', { text: 'Charter' }), charterText(st.charter)),
      h('span', { class: 'fact' }, h('b', { text: String(active) }), active === 1 ? 'member' : 'members'),
    ];
    const obs = (st.observers || []).length;
    if (obs) facts.push(h('span', { class: 'fact' }, h('b', { text: String(obs) }), obs === 1 ? 'observer' : 'observers'));
    if (st.formed_at) facts.push(h('span', { class: 'fact' }, 'Formed', h('b', { text: fmtDate(st.formed_at) })));
    $('a-facts').replaceChildren(...facts);
  }

  function renderKPIs(st) {
    const ps = st.proposals || [];
    const count = (s) => ps.filter((p) => p.status === s).length;
    const open = (st.commitments || []).filter((c) => c.status === 'open').length;
    const kpi = (cls, n, label) => h('div', { class: 'kpi ' + cls }, h('div', { class: 'n', text: String(n) }), h('div', { class: 'l', text: label }));
    $('a-kpis').replaceChildren(
      kpi('voting', count('voting'), 'In voting'),
      kpi('adopted', count('adopted'), 'Adopted'),
      kpi('rejected', count('rejected'), 'Rejected'),
      kpi('', open, 'Open commitments'),
    );
  }

  // renderVoting updates the voting cards in place, so the bars move rather
  // than jump when stances arrive.
  function renderVoting(st, freshMember) {
    const list = $('voting');
    const voting = (st.proposals || []).filter((p) => p.status === 'voting' && p.voting);
    $('voting-count').textContent = voting.length ? plural(voting.length, 'proposal') : '';
    if (!voting.length) {
      list.replaceChildren(h('p', { class: 'empty', text: 'No proposal is being voted on right now.' }));
      return;
    }
    const keep = new Set(voting.map((p) => p.id));
    for (const el of [...list.children]) if (!keep.has(el.dataset.proposal)) el.remove();
    voting.forEach((p, i) => {
      let card = [...list.children].find((el) => el.dataset.proposal === p.id);
      if (!card) {
        card = voteCard(p);
        list.insertBefore(card, list.children[i] || null);
        void card.offsetWidth; // start the bars at 0 so they grow in
      } else if (list.children[i] !== card) {
        list.insertBefore(card, list.children[i]);
      }
      updateVoteCard(card, p, freshMember);
    });
  }

  function voteCard(p) {
    const segs = STANCES.map((s) => h('div', { class: 'seg ' + s, 'data-stance': s }));
    return h('article', { class: 'vote', 'data-proposal': p.id },
      h('div', { class: 'vote-head' },
        h('div', null, h('h3', { class: 'vote-title' }), h('div', { class: 'vote-sub' })),
        h('div', { class: 'vote-turnout' }, h('div', { class: 'n' }), h('div', { class: 'l', text: 'have voted' }))),
      h('div', { class: 'bar', role: 'img' }, h('div', { class: 'fill' }, segs), h('div', { class: 'marker' })),
      h('div', { class: 'legend' }),
      h('div', { class: 'forecast' }),
      h('div', { class: 'stances' }));
  }

  function updateVoteCard(card, p, freshMember) {
    const v = p.voting;
    const eligible = v.eligible || [];
    const E = eligible.length;
    const t = tallyOf(p);
    const P = t.agree + t.disagree + t.abstain + t.block;
    card.querySelector('.vote-title').textContent = p.title;
    const facts = [`${KINDS[p.kind] || p.kind}`, `version ${v.version}`, charterText(v.rule)];
    if (v.closes_at) facts.push(fmtIn(v.closes_at));
    card.querySelector('.vote-sub').replaceChildren(h('span', { class: 'pill voting', text: 'voting' }), h('span', { text: facts.join(' · ') }));
    card.querySelector('.vote-turnout .n').textContent = `${P}/${E}`;

    const bar = card.querySelector('.bar');
    bar.setAttribute('aria-label', STANCES.map((s) => `${t[s]} ${s}`).join(', ') + ` of ${E} eligible`);
    for (const s of STANCES) {
      const seg = bar.querySelector(`[data-stance="${s}"]`);
      seg.style.width = E ? (100 * t[s]) / E + '%' : '0';
      seg.dataset.count = String(t[s]);
      seg.title = `${t[s]} ${s}`;
    }
    const marker = bar.querySelector('.marker');
    const need = quorumNeeded(v.rule || {}, E);
    marker.hidden = !E;
    marker.style.left = `calc(${E ? (100 * Math.min(need, E)) / E : 0}% - 1px)`;
    marker.dataset.label = `quorum ${need}`;

    card.querySelector('.legend').replaceChildren(
      ...STANCES.map((s) => h('span', { class: 'k', 'data-count': s }, h('span', { class: 'sw ' + s }), h('b', { text: String(t[s]) }), s)),
      h('span', { class: 'k' }, h('span', { class: 'sw pending' }), h('b', { text: String(E - P) }), 'not yet'));

    const [adopted, why] = forecast(v.rule || {}, t, E);
    const fc = card.querySelector('.forecast');
    fc.className = 'forecast ' + (adopted ? 'adopted' : 'rejected');
    fc.replaceChildren('If closed now: ', h('b', { text: adopted ? 'adopted' : 'rejected' }), ' — ' + why + '.');

    const chips = eligible.slice(0, STANCE_CHIPS).map((id) => {
      const s = p.stances && p.stances[id];
      const name = memberName(id);
      return h('span', {
        class: `stance ${s ? s.stance : 'pending'}${id === freshMember ? ' fresh' : ''}`,
        title: s ? `${name}: ${s.stance}${s.reason ? ' — ' + s.reason : ''}` : `${name}: not voted yet`,
      }, h('span', { class: 'av', text: initials(name) }), name);
    });
    if (E > STANCE_CHIPS) chips.push(h('span', { class: 'stance pending', text: `+${E - STANCE_CHIPS} more` }));
    card.querySelector('.stances').replaceChildren(...chips);
  }

  function tallyBar(t, E) {
    return h('div', { class: 'bar small' }, h('div', { class: 'fill' }, STANCES.map((s) => {
      const seg = h('div', { class: 'seg ' + s, title: `${t[s]} ${s}` });
      seg.style.width = E ? (100 * (t[s] || 0)) / E + '%' : '0';
      return seg;
    })));
  }

  function renderDecisions(st) {
    const closed = (st.proposals || []).filter((p) => p.outcome)
      .sort((a, b) => b.outcome.closed_seq - a.outcome.closed_seq);
    $('decisions-count').textContent = closed.length ? plural(closed.length, 'decision') : '';
    if (!closed.length) {
      $('decisions').replaceChildren(h('p', { class: 'empty', text: 'No vote has closed yet.' }));
      return;
    }
    $('decisions').replaceChildren(...closed.map((p) => {
      const o = p.outcome;
      const open = app.openRecords.has(p.id);
      return h('article', { class: 'decision', 'data-proposal': p.id },
        h('div', { class: 'result ' + o.result, text: o.result }),
        h('div', null,
          h('h3', { text: p.title }),
          h('p', { class: 'explain', text: o.explanation }),
          tallyBar(o.tally || {}, o.eligible_count),
          h('div', { class: 'meta' },
            h('span', { text: `${KINDS[p.kind] || p.kind} · version ${p.voting ? p.voting.version : p.version}` }),
            h('span', { text: `${o.participation} of ${o.eligible_count} took part` }),
            h('span', { text: `closed at #${o.closed_seq}` }),
            h('button', { class: 'link', type: 'button', 'aria-expanded': String(open), onclick: () => toggleRecord(p.id), text: open ? 'Hide record' : 'Decision record' }))),
        open ? recordPanel(p) : null);
    }));
  }

  async function toggleRecord(pid) {
    if (app.openRecords.has(pid)) {
      app.openRecords.delete(pid);
    } else {
      app.openRecords.add(pid);
      if (!app.records.has(pid)) {
        try {
          app.records.set(pid, await api(`/v1/alliances/${encodeURIComponent(app.aid)}/proposals/${encodeURIComponent(pid)}/record`));
        } catch {
          app.records.set(pid, null);
        }
      }
    }
    if (app.st) renderDecisions(app.st);
  }

  // recordPanel shows the decision record the server keeps (GET …/record),
  // or, when it cannot be had, what the proposal's own outcome says.
  function recordPanel(p) {
    const rec = app.records.get(p.id);
    const href = `/v1/alliances/${encodeURIComponent(app.aid)}/proposals/${encodeURIComponent(p.id)}/record?format=html`;
    const printable = h('p', null, h('a', { href, target: '_blank', rel: 'noopener', text: 'Open the printable record ↗' }));
    if (!rec) return h('div', { class: 'record' }, fallbackRecord(p), printable);
    const act = (a) => (a ? `${a.by || actorName(a.actor)}, ${fmtTime(a.at)} (#${a.seq})` : '');
    const parts = [];
    if (rec.versions && rec.versions.length) {
      parts.push(h('h4', { text: 'Versions' }), h('ul', null, rec.versions.map((v) => h('li', null,
        h('b', { text: 'v' + v.version }), ` — ${v.amendment_id ? 'amendment accepted by' : 'submitted by'} ${act(v)}`))));
    }
    if (rec.amendments && rec.amendments.length) {
      parts.push(h('h4', { text: 'Amendments' }), h('ul', null, rec.amendments.map((a) => h('li', null,
        h('b', { text: a.author ? a.author.name : '' }), ` proposed ${fmtTime(a.proposed && a.proposed.at)} — ${a.status}`,
        a.rationale ? h('span', { class: 'muted', text: ` (${a.rationale})` }) : null))));
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
          ? (s.history || []).map((c) => `${c.stance} (#${c.seq})`).join(' → ')
          : 'did not vote',
        s.dropped ? ' — dropped: withdrew before the close' : ''))));
    }
    const o = rec.outcome;
    if (o) {
      parts.push(h('h4', { text: 'Outcome' }), h('p', null, h('b', { text: o.result }), ` — closed by ${act(o.closed)}. ${o.explanation}`));
    }
    if (rec.events && rec.events.length) {
      parts.push(h('h4', { text: `Rests on ${plural(rec.events.length, 'event')}` }),
        h('p', { class: 'mono' }, rec.events.map((e) => h('span', { title: `${e.type} sha256 ${e.hash}`, text: `#${e.seq} ${String(e.hash).slice(0, 8)}  ` }))));
    }
    return h('div', { class: 'record' }, parts, printable);
  }

  function fallbackRecord(p) {
    const v = p.voting || {};
    const stances = (v.eligible || []).map((id) => {
      const s = p.stances && p.stances[id];
      return h('li', null, h('b', { text: memberName(id) }), s ? ` — ${s.stance}${s.reason ? ': ' + s.reason : ''} (#${s.seq})` : ' — did not vote');
    });
    return [
      h('h4', { text: 'Rule' }), h('p', { text: `${charterText(v.rule)} · ${plural((v.eligible || []).length, 'eligible member')}` }),
      h('h4', { text: 'Final stances' }), h('ul', null, stances),
    ];
  }

  function renderProposals(st) {
    const ps = [...(st.proposals || [])].map((p, i) => ({ p, i }))
      .sort((a, b) => (STATUS_ORDER[a.p.status] ?? 9) - (STATUS_ORDER[b.p.status] ?? 9) || b.i - a.i)
      .map((x) => x.p);
    $('proposals-count').textContent = ps.length ? plural(ps.length, 'proposal') : '';
    if (!ps.length) {
      $('proposals').replaceChildren(h('tbody', null, h('tr', null, h('td', { class: 'empty', text: 'No proposal has been submitted yet.' }))));
      return;
    }
    const head = h('thead', null, h('tr', null,
      h('th', { text: 'Proposal' }), h('th', { text: 'Status' }), h('th', { class: 'num', text: 'Version' }), h('th', { class: 'num', text: 'Amendments' })));
    const rows = ps.map((p) => {
      const am = p.amendments || [];
      const pending = am.filter((a) => a.status === 'proposed').length;
      return h('tr', { 'data-proposal': p.id },
        h('td', { class: 'title' }, p.title, h('span', { class: 'sub', text: `${KINDS[p.kind] || p.kind} · by ${memberName(p.author_id)}` })),
        h('td', null, h('span', { class: 'pill ' + p.status, text: p.status })),
        h('td', { class: 'num', text: 'v' + p.version }),
        h('td', { class: 'num', text: am.length ? `${am.length}${pending ? ` (${pending} pending)` : ''}` : '—' }));
    });
    $('proposals').replaceChildren(head, h('tbody', null, rows));
  }

  function renderCommitments(st) {
    const cs = st.commitments || [];
    const open = cs.filter((c) => c.status === 'open').length;
    $('commitments-count').textContent = cs.length ? `${open} open of ${cs.length}` : '';
    if (!cs.length) {
      $('commitments').replaceChildren(h('p', { class: 'empty', text: 'No commitment has been made yet.' }));
      return;
    }
    const today = new Date().toISOString().slice(0, 10);
    $('commitments').replaceChildren(...cs.map((c) => {
      const progress = c.progress || [];
      const last = progress.length ? progress[progress.length - 1] : null;
      // A fulfilled commitment shows its final value; an open one its latest report.
      const value = typeof c.value === 'number' ? c.value : (last ? last.value : 0);
      const pct = c.target ? Math.max(0, Math.min(100, (100 * value) / c.target)) : 0;
      const overdue = c.status === 'open' && c.due && c.due < today;
      const fill = h('span');
      fill.style.width = (c.status === 'fulfilled' ? 100 : pct) + '%';
      return h('div', { class: 'commitment ' + c.status, 'data-commitment': c.id },
        h('div', null,
          h('span', { class: 'desc', text: c.description }),
          h('span', { class: 'who', text: `${memberName(c.member_id)} · for “${proposalTitle(c.proposal_id)}” · due ${fmtDate(c.due)}` })),
        h('div', null,
          h('div', { class: 'progress' }, fill),
          h('div', { class: 'progress-label' },
            h('span', null, h('b', { text: fmtNum(value) }), ` / ${fmtNum(c.target)} ${c.metric}`),
            overdue ? h('span', { class: 'pill overdue', text: 'overdue' }) : h('span', { class: 'pill ' + c.status, text: c.status }))));
    }));
  }

  function renderMembers(st) {
    const ms = st.members || [];
    const active = ms.filter((m) => m.status === 'active').length;
    $('members-count').textContent = active === ms.length ? String(ms.length) : `${active} active of ${ms.length}`;
    $('members').replaceChildren(...ms.map((m) => {
      const av = h('span', { class: 'av', text: initials(m.name) });
      av.style.background = `hsl(${hue(m.id)} 42% 38%)`;
      return h('li', { class: m.status, 'data-member': m.id }, av,
        h('div', { class: 'grow' }, h('div', { class: 'nm', text: m.name }), h('div', { class: 'sc', text: m.sector })),
        m.role === 'convener' ? h('span', { class: 'pill convener', text: 'convener' }) : null,
        m.status !== 'active' ? h('span', { class: 'pill withdrawn', text: m.status }) : null);
    }));
    const obs = st.observers || [];
    $('observers').replaceChildren(...(obs.length ? [h('h3', { text: 'Observers' }), obs.map((o) => o.name).join(', ')] : []));
    const wgs = st.workgroups || [];
    $('workgroups').replaceChildren(...(wgs.length
      ? [h('h3', { text: 'Workgroups' }), ...wgs.map((w) => h('div', null, h('b', { text: w.name }), ` — ${w.aim} (${plural((w.member_ids || []).length, 'member')})`))]
      : []));
  }

  // ---- audit trail ------------------------------------------------------

  const LABELS = {
    AllianceFormed: 'Alliance formed', MemberAdmitted: 'Member admitted', MemberWithdrew: 'Member withdrew',
    ObserverAdded: 'Observer added', WorkgroupFormed: 'Workgroup formed', ProposalSubmitted: 'Proposal submitted',
    AmendmentProposed: 'Amendment proposed', AmendmentAccepted: 'Amendment accepted', AmendmentRejected: 'Amendment rejected',
    ProposalWithdrawn: 'Proposal withdrawn', VotingOpened: 'Voting opened', VoteCast: 'Vote cast',
    VotingClosed: 'Voting closed', CharterAmended: 'Charter amended', CommitmentMade: 'Commitment made',
    ProgressReported: 'Progress reported', CommitmentFulfilled: 'Commitment fulfilled', CommitmentWithdrawn: 'Commitment withdrawn',
  };

  function summary(ev) {
    const d = ev.data || {};
    const q = (s) => `“${s}”`;
    switch (ev.type) {
      case 'AllianceFormed': return `${q(d.name)} formed under ${charterText(d.charter)}`;
      case 'MemberAdmitted': return `${d.name} (${d.sector}) joined as ${d.role}`;
      case 'MemberWithdrew': return `${memberName(d.member_id)} withdrew${d.reason ? ': ' + d.reason : ''}`;
      case 'ObserverAdded': return `${d.name} joined as an observer`;
      case 'WorkgroupFormed': return `Workgroup ${q(d.name)} formed with ${plural((d.member_ids || []).length, 'member')}`;
      case 'ProposalSubmitted': return `${memberName(d.author_id)} submitted ${q(d.title)}`;
      case 'AmendmentProposed': return `${memberName(d.author_id)} proposed an amendment to ${q(proposalTitle(d.proposal_id))}`;
      case 'AmendmentAccepted': return `Amendment accepted: ${q(proposalTitle(d.proposal_id))} is now version ${d.version}`;
      case 'AmendmentRejected': return `Amendment to ${q(proposalTitle(d.proposal_id))} rejected`;
      case 'ProposalWithdrawn': return `${q(proposalTitle(d.proposal_id))} withdrawn${d.reason ? ': ' + d.reason : ''}`;
      case 'VotingOpened': return `Voting opened on ${q(proposalTitle(d.proposal_id))} version ${d.version}, ${plural((d.eligible || []).length, 'eligible member')}`;
      case 'VoteCast': return `${memberName(d.member_id)} voted ${d.stance} on ${q(proposalTitle(d.proposal_id))}`;
      case 'VotingClosed': {
        const t = d.tally || {};
        return `${q(proposalTitle(d.proposal_id))} ${d.result}: ${t.agree} agree, ${t.disagree} disagree, ${t.abstain} abstain, ${t.block} block`;
      }
      case 'CharterAmended': return `Charter now ${charterText(d.charter)}`;
      case 'CommitmentMade': return `${memberName(d.member_id)} committed to ${q(d.description)}`;
      case 'ProgressReported': return `${q(commitmentText(d.commitment_id))} at ${fmtNum(d.value)}${d.note ? ' — ' + d.note : ''}`;
      case 'CommitmentFulfilled': return `${q(commitmentText(d.commitment_id))} fulfilled`;
      case 'CommitmentWithdrawn': return `${q(commitmentText(d.commitment_id))} withdrawn`;
      default: return ev.type;
    }
  }

  // addAudit puts one event at the top of the trail and checks that it names
  // the hash of the event before it.
  function addAudit(ev, hash, live) {
    if (!ev || ev.seq <= app.lastSeq) return;
    if (app.lastSeq && ev.seq === app.lastSeq + 1 && ev.prev_hash !== app.lastHash && !app.chainBreak) app.chainBreak = ev.seq;
    if (!app.firstSeq) app.firstSeq = ev.seq;
    app.lastSeq = ev.seq;
    app.lastHash = hash;
    const list = $('audit');
    list.prepend(h('li', { class: live ? 'fresh' : null, 'data-seq': String(ev.seq), 'data-type': ev.type },
      h('span', { class: 'seq', text: '#' + ev.seq }),
      h('div', { class: 'what' }, h('div', { class: 'type ' + ev.type, text: LABELS[ev.type] || ev.type }), summary(ev)),
      h('div', { class: 'foot' },
        h('span', { text: `${actorName(ev.actor)} · ${fmtTime(ev.at)}` }),
        h('span', { class: 'hash', title: 'sha256 ' + hash, text: String(hash).slice(0, 12) }))));
    while (list.children.length > AUDIT_MAX) list.lastElementChild.remove();
    renderLive();
  }

  function renderLive() {
    const chain = $('chain');
    if (app.chainBreak) {
      chain.className = 'chain broken';
      chain.textContent = `⚠ chain broken at #${app.chainBreak}`;
    } else if (app.lastSeq) {
      chain.className = 'chain';
      chain.textContent = `✓ chain linked #${app.firstSeq}–#${app.lastSeq}`;
    }
    const head = Math.max(app.lastSeq, app.st ? app.st.seq : 0);
    const state = $('live').dataset.state;
    $('live-text').textContent = state === 'on' ? `Live · #${head}` : state === 'off' ? 'Offline — retrying' : 'Connecting…';
  }

  // ---- live events ------------------------------------------------------

  function setLive(state) {
    const el = $('live');
    el.dataset.state = state;
    el.className = 'live ' + state;
    renderLive();
  }

  function startLive() {
    stopLive();
    const es = new EventSource(`/v1/alliances/${encodeURIComponent(app.aid)}/events?from_seq=${app.lastSeq + 1}`);
    app.es = es;
    setLive('connecting');
    es.onopen = () => {
      if (app.es !== es) return;
      app.retryDelay = 1000;
      setLive('on');
    };
    es.onerror = () => {
      if (app.es !== es) return;
      if (es.readyState === EventSource.CLOSED) retryLater();
      else setLive('connecting');
    };
    for (const type of TYPES) es.addEventListener(type, (msg) => onLive(es, msg));
  }

  function stopLive() {
    clearTimeout(app.retryTimer);
    app.retryTimer = 0;
    if (app.es) {
      app.es.close();
      app.es = null;
    }
  }

  // retryLater reconnects after the browser gave up (an error answer rather
  // than a dropped connection), once the session is known to be good.
  function retryLater() {
    stopLive();
    setLive('off');
    const aid = app.aid;
    app.retryTimer = setTimeout(async () => {
      try {
        await api(`/v1/alliances/${encodeURIComponent(aid)}/audit/head`);
      } catch (err) {
        if (err.status === 401) return showSignIn('Your session has ended. Sign in again.');
        if (err.status === 403 || err.status === 404) return banner(err.message);
        if (aid === app.aid) retryLater();
        return;
      }
      if (aid !== app.aid) return;
      startLive();
      scheduleRefresh();
    }, app.retryDelay);
    app.retryDelay = Math.min(app.retryDelay * 2, 30000);
  }

  function onLive(es, msg) {
    if (app.es !== es) return;
    let entry;
    try { entry = JSON.parse(msg.data); } catch { return; }
    const ev = entry && entry.event;
    if (!ev || ev.alliance_id !== app.aid || ev.seq <= app.lastSeq) return;
    addAudit(ev, entry.hash, true);
    fold(ev);
    scheduleRefresh();
  }

  // fold moves a tally at once; the state fetched next confirms it.
  function fold(ev) {
    const st = app.st;
    if (!st || ev.type !== 'VoteCast') return;
    const p = app.idx.proposals.get(ev.data.proposal_id);
    if (!p || p.status !== 'voting') return;
    p.stances = p.stances || {};
    p.stances[ev.data.member_id] = { stance: ev.data.stance, reason: ev.data.reason, seq: ev.seq, at: ev.at };
    renderVoting(st, ev.data.member_id);
    renderLive();
  }

  function scheduleRefresh() {
    if (!app.refreshTimer) app.refreshTimer = setTimeout(refresh, REFRESH_DELAY);
  }

  async function refresh() {
    app.refreshTimer = 0;
    if (app.refreshing) {
      app.refreshAgain = true;
      return;
    }
    app.refreshing = true;
    const aid = app.aid;
    try {
      const st = await api(`/v1/alliances/${encodeURIComponent(aid)}`);
      if (aid === app.aid && (!app.st || st.seq >= app.st.seq)) render(st);
    } catch (err) {
      if (err.status === 401) showSignIn('Your session has ended. Sign in again.');
    } finally {
      app.refreshing = false;
      if (app.refreshAgain) {
        app.refreshAgain = false;
        scheduleRefresh();
      }
    }
  }

  // ---- start ------------------------------------------------------------

  function start() {
    $('signin-form').addEventListener('submit', signIn);
    $('signout').addEventListener('click', signOut);
    setInterval(() => { if (app.st && !$('alliance').hidden) renderVoting(app.st); }, 30000);
    app.me = recall();
    // Without a remembered sign-in, ask for a token rather than probe with a
    // request that can only be refused; a stale cookie still answers 401
    // below and leads here too.
    if (app.me) route();
    else showSignIn();
  }

  start();
})();
