// signing.js: the signed-in member's key in force, and signing what it
// does with it. The page signs with this browser's key only when it is the
// key the ledger has in force for the member (members[].key in the state,
// or the registration just answered); anything else would be refused. A
// signed action sends the statement of exactly the values it sends, under
// its Idempotency-Key as the statement's command.

import { h } from './dom.js';
import { app, myMember } from './store.js';
import { write, alliancePath, serverNow, retryable, HTTPError } from './api.js';
import { keyFor, recordID, createKey, forgetKey, forgetOthers, signText, supported } from './keys.js';

const ring = {
  id: '', // the record id of the key in force, '' when none
  lookup: Promise.resolve(null),
  rec: null, // this browser's key in force, once looked up
  looked: false,
  registered: null, // {alliance_id, member_id, key_id, seq}: the last registration answered
  unsupported: null, // why this browser cannot sign, '' when it can
  drafts: new Map(), // Idempotency-Key → a key made for that registration
};
const listeners = [];

// onKeyring calls fn whenever what the page knows of the key changes.
export function onKeyring(fn) {
  listeners.push(fn);
}

function notify() {
  for (const fn of listeners) fn();
  renderNotes();
}

// keyInForce is the member's key in force ({key_id, seq, …}), or null.
export function keyInForce() {
  const m = myMember();
  if (!m) return null;
  const r = ring.registered;
  const mine = r && r.alliance_id === app.aid && r.member_id === m.id;
  if (mine && (!m.key || m.key.seq < r.seq)) return r;
  return m.key || null;
}

// keyStatus says where signing stands: {unsupported, inForce, here, looked}
// where here is this browser's key in force (null when it has none) and
// looked whether that was looked up yet.
export function keyStatus() {
  syncKeyring();
  return { unsupported: ring.unsupported, inForce: keyInForce(), here: ring.rec, looked: ring.looked };
}

// syncKeyring looks this browser's key in force up when the key in force
// changed; it answers (a promise of) that key record, or null.
export function syncKeyring() {
  if (ring.unsupported === null) {
    ring.unsupported = '';
    supported().then((why) => { ring.unsupported = why; notify(); });
  }
  const m = myMember();
  const k = keyInForce();
  const id = m && k ? recordID(app.aid, m.id, k.key_id) : '';
  if (id === ring.id) return ring.lookup;
  Object.assign(ring, { id, rec: null, looked: !id });
  ring.lookup = id ? keyFor(id).catch(() => null) : Promise.resolve(null);
  ring.lookup.then((rec) => {
    if (ring.id !== id) return;
    Object.assign(ring, { rec, looked: true });
    notify();
  });
  return ring.lookup;
}

// signaturesRequired reports whether the ledger refuses an unsigned action:
// a vote on proposal p when its voting rule requires signatures, any other
// action when the charter in force does.
export function signaturesRequired(p) {
  const rule = p && p.voting ? p.voting.rule : app.st && app.st.charter;
  return !!rule && rule.signatures === 'required';
}

// sendSigned writes a member's action as write does, signed with this
// browser's key in force when it has one: build(header) answers the
// statement of the values in body. Without a key the action goes unsigned
// and the ledger judges it; where it must be signed, its refusal says how
// to get a key. It throws HTTPError.
export async function sendSigned({ method, path, body, key, build, required }) {
  const rec = await syncKeyring();
  if (!rec) {
    try {
      return await write(method, path, body, key);
    } catch (err) {
      if (err instanceof HTTPError && err.status === 403 && required) {
        throw new HTTPError(403, err.code, `${err.message}. Create your signing key (under “Your signing key”) and try again.`);
      }
      throw err;
    }
  }
  const header = { allianceID: app.aid, memberID: app.me.id, signedAt: serverNow(), commandID: key };
  const statement = await build(header);
  const sig = await signText(rec.private_key, statement);
  return write(method, path, { ...body, signature: { statement, sig } }, key);
}

// registerKey makes a new key in this browser and registers it as the
// member's key in force, replacing any before it; key is the submission's
// Idempotency-Key, and a retry of it sends the same key again. It answers
// the registration as the ledger recorded it, and throws HTTPError.
export async function registerKey(key) {
  const m = myMember();
  if (!m) throw new HTTPError(403, 'forbidden', 'Only a member of this alliance has a signing key here.');
  const why = await supported();
  if (why) throw new Error(why);
  const aid = app.aid;
  let draft = ring.drafts.get(key);
  if (!draft) {
    draft = await createKey(aid, m.id);
    ring.drafts.set(key, draft);
  }
  let out;
  try {
    out = await write('PUT', alliancePath(aid, 'members', m.id, 'key'), draft.registration, key);
  } catch (err) {
    // Refused, the key was never registered: it goes. Unanswered, it may
    // have been: it stays for the retry, which sends it again.
    if (!retryable(err)) {
      ring.drafts.delete(key);
      await forgetKey(draft.record.id).catch(() => {});
    }
    throw err;
  }
  ring.drafts.delete(key);
  ring.registered = { alliance_id: aid, member_id: m.id, key_id: out.key_id, public_key: out.public_key, seq: out.seq };
  await forgetOthers(aid, m.id, out.key_id).catch(() => {});
  syncKeyring();
  await ring.lookup;
  return out;
}

// signNote is a line for an action's form saying whether what it sends is
// signed; required says whether the ledger refuses it unsigned. Every note
// follows the key as it changes.
export function signNote(required) {
  const el = h('p', { class: 'sign-note', 'data-required': required ? 'true' : 'false' });
  fillNote(el);
  return el;
}

function fillNote(el) {
  if (!myMember()) return el.replaceChildren();
  const required = el.dataset.required === 'true';
  const { inForce, here, looked } = keyStatus();
  let cls = 'unsigned';
  let text = 'Sent unsigned: you have no signing key in this browser.';
  if (here) {
    cls = 'signed';
    text = `Signed with your key ${here.key_id}, kept in this browser.`;
  } else if (inForce && !looked) {
    text = 'Looking for your signing key in this browser…';
  } else if (inForce) {
    text = `Sent unsigned: your key in force, ${inForce.key_id}, is not in this browser.`;
  }
  if (!here && required) {
    cls = 'required';
    text = 'Signing is required here: create your signing key (under “Your signing key”) before you act.';
  }
  el.className = 'sign-note ' + cls;
  el.textContent = text;
  return el;
}

function renderNotes() {
  for (const el of document.querySelectorAll('.sign-note')) fillNote(el);
}
