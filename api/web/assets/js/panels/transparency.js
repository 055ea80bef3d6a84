// panels/transparency.js: "Transparency": the alliance's log as this
// browser holds it to account — the head checkpoint (size and root, signed
// by the pinned log key), the largest checkpoint witnesses cosigned and
// whose witnesses they are, and whether the head extends the checkpoint
// this browser saw before, by a consistency proof verified here. A log that
// fails the check is flagged at the top of the alliance and of the card,
// with the checkpoints it contradicts shown side by side.

import { $, h, patch, fmtTime, plural } from '../dom.js';
import { app } from '../store.js';
import { survey, VERDICTS } from '../tlog.js';

const run = { aid: null, seq: -1, busy: false, again: false };

// renderTransparency surveys the log again whenever the state shown has
// moved to another seq (one survey at a time; changes meanwhile make one
// more).
export function renderTransparency(st) {
  if (run.aid !== st.id) {
    Object.assign(run, { aid: st.id, seq: -1 });
    $('tlog').dataset.verdict = '';
    $('tlog-alarm').hidden = true;
    patch($('tlog'), 'pending', () => h('p', { class: 'muted', text: 'Checking the log…' }));
  }
  if (st.seq === run.seq) return;
  run.seq = st.seq;
  check();
}

async function check() {
  if (run.busy) {
    run.again = true;
    return;
  }
  run.busy = true;
  const aid = run.aid;
  try {
    const report = await survey(aid, (app.st && app.st.id === aid && app.st.witnesses) || []);
    if (aid === run.aid) draw(report);
  } catch (err) {
    if (aid === run.aid) patch($('tlog'), 'error:' + err.message, () => h('p', { class: 'error', text: `The log cannot be checked now: ${err.message}` }));
  } finally {
    run.busy = false;
    if (run.again) {
      run.again = false;
      check();
    }
  }
}

function draw(r) {
  const el = $('tlog');
  el.dataset.verdict = r.verdict;
  $('tlog-card').classList.toggle('flagged', r.verdict === VERDICTS.flagged);
  const key = [r.verdict, r.head && r.head.text, r.seen && r.seen.rootB64, r.problems.join('|'), r.cosigned && r.cosigned.cp.text,
    r.logKey && r.logKey.served, app.st && app.st.witnesses ? app.st.witnesses.length : 0].join('\n');
  patch(el, key, () => [verdict(r), r.verdict === VERDICTS.flagged ? evidence(r) : null, facts(r)]);
  $('tlog-alarm').hidden = r.verdict !== VERDICTS.flagged;
  patch($('tlog-alarm'), key, () => alarm(r));
}

// alarm is the line at the top of the alliance that a flagged log puts
// there, above everything else, with a way to the card that says why.
function alarm(r) {
  if (r.verdict !== VERDICTS.flagged) return null;
  return [h('b', { text: 'This alliance’s log failed this browser’s check.' }), ' ', r.problems[0], ' ',
    h('button', { type: 'button', class: 'link', 'data-action': 'show-tlog', onclick: showCard, text: 'See both checkpoints' })];
}

function showCard() {
  $('tlog-card').scrollIntoView({ block: 'start' });
  $('tlog-h').focus();
}

const LABELS = { [VERDICTS.first]: 'Remembered:', [VERDICTS.same]: 'Consistent:', [VERDICTS.extends]: 'Consistent:', [VERDICTS.flagged]: 'Flagged:' };

// verdict is the card's first line: what the check found, in words.
function verdict(r) {
  const head = r.head;
  const text = {
    [VERDICTS.first]: () => `First checkpoint of this log seen in this browser: size ${head.size} is remembered, and every later one must extend it.`,
    [VERDICTS.same]: () => `The head is the checkpoint this browser saw before (size ${head.size}).`,
    [VERDICTS.extends]: () => `Size ${head.size} extends the checkpoint this browser saw before (size ${r.seen.size}): a consistency proof of ${plural(r.proofHashes, 'hash', 'hashes')}, verified in this browser.`,
    [VERDICTS.flagged]: () => 'This log failed the check: do not take its checkpoints on trust.',
  }[r.verdict]();
  const flagged = r.verdict === VERDICTS.flagged;
  return h('div', { class: 'tlog-verdict ' + r.verdict, role: flagged ? 'alert' : null },
    h('b', { text: LABELS[r.verdict] }), ' ', text,
    flagged ? h('ul', null, r.problems.map((p) => h('li', { text: p }))) : null);
}

// evidence shows, side by side, the checkpoint remembered and the one
// served now, as they were, and the cosigned one when the head does not
// extend it.
function evidence(r) {
  const seen = r.seen ? (r.seen.note || `size ${r.seen.size}\nroot ${r.seen.rootB64}\n`) : 'nothing remembered';
  const now = r.head ? r.head.text : 'no readable checkpoint';
  const figure = (caption, cls, text) => h('figure', null, h('figcaption', { text: caption }), h('pre', { class: 'note ' + cls, text }));
  return h('div', { class: 'tlog-evidence' },
    figure('Seen before by this browser', 'seen', seen),
    figure('Served now', 'now', now),
    r.cosigned && !r.cosigned.extendedByHead ? figure('Cosigned by witnesses', 'cosigned', r.cosigned.cp.text) : null);
}

// facts lists the head, the log key and the cosigned checkpoint.
function facts(r) {
  const rows = [];
  if (r.head) {
    rows.push(['Head checkpoint', h('span', { class: 'tlog-head' }, h('b', { class: 'size', text: String(r.head.size) }), ' events · root ', h('code', { class: 'root', text: r.head.rootB64 }))]);
  }
  if (r.logKey) {
    rows.push(['Log key', h('span', null, h('code', { text: r.logKey.keyId || '?' }), ` pinned in this browser ${fmtTime(r.logKey.pinnedAt)}`,
      ` · ${signedWords(r.head && r.head.signed)}`)]);
    if (r.logKey.changed) rows.push(['Pinned key', h('code', { text: r.logKey.vkey })], ['Served key', h('code', { text: r.logKey.served })]);
  }
  rows.push(['Cosigned', cosigned(r)]);
  return h('dl', { class: 'tlog-facts' }, rows.flatMap(([k, v]) => [h('dt', { text: k }), h('dd', null, v)]));
}

function cosigned(r) {
  const witnesses = (app.st && app.st.witnesses) || [];
  if (!r.cosigned) {
    return h('span', { class: 'muted', text: witnesses.length
      ? `No checkpoint cosigned yet (${plural(witnesses.length, 'witness', 'witnesses')} registered).`
      : 'No witness is registered: nobody outside the operator vouches for this log yet.' });
  }
  const { cp, cosigners, extendedByHead } = r.cosigned;
  return h('div', { class: 'tlog-cosigned' },
    h('p', null, 'Size ', h('b', { class: 'size', text: String(cp.size) }), extendedByHead ? (cp.size === r.head.size ? ' — the head itself' : ' — the head extends it') : ''),
    h('ul', { class: 'cosigners' }, cosigners.map(cosignerRow)));
}

function cosignerRow(c) {
  const party = c.witness ? partyName(c.witness.party_id) : null;
  return h('li', { 'data-witness': c.witness ? c.witness.id || c.witness.witness_id : null },
    h('span', { class: 'party', text: party ? party.name : 'an unregistered key' }),
    party ? h('span', { class: 'muted', text: ` (${party.role})` }) : null,
    ' · witness ', h('code', { text: c.name }),
    c.time ? ` · ${fmtTime(c.time.toISOString())}` : '',
    h('span', { class: c.valid ? 'ok' : c.valid === null ? 'muted' : 'bad', text: ` · ${signedWords(c.valid)}` }));
}

// signedWords says how a signature checked: true, false, or null when
// this browser cannot check Ed25519.
function signedWords(valid) {
  if (valid === null) return 'signature not checked (this browser has no WebCrypto Ed25519)';
  return valid ? 'signature verified' : 'signature does not verify';
}

// partyName names the member or observer a witness speaks for.
function partyName(id) {
  const m = app.idx && app.idx.members.get(id);
  if (m) return { name: m.name, role: m.role || 'member' };
  const o = app.idx && app.idx.observers.get(id);
  if (o) return { name: o.name, role: 'observer' };
  return { name: 'party ' + String(id).slice(0, 8), role: 'unknown' };
}
