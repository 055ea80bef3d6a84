// signatures.js: a member's signature shown as 21 CFR Part 11 §11.50 asks:
// the signer's printed name, when it signed, what the signature means, and
// the key it was made with; an action that could have been signed and was
// not is marked unsigned.

import { h } from './dom.js';
import { actorName } from './store.js';
import { readStatement } from './statement.js';

// SIGNABLE are the events of a member's own action, which may carry a
// signature.
export const SIGNABLE = new Set(['ProposalSubmitted', 'AmendmentProposed', 'AmendmentAccepted', 'AmendmentRejected',
  'VoteCast', 'CommitmentMade', 'ProgressReported', 'CommitmentFulfilled']);

// fmtSignedAt writes a signed-at instant in full, in UTC, to the second.
export function fmtSignedAt(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || '');
  return d.toISOString().slice(0, 19).replace('T', ' ') + ' UTC';
}

// fromRecord reads a decision record's signature ({signer, signed_at,
// meaning, key_id}).
export function fromRecord(rs) {
  return rs ? { name: rs.signer ? rs.signer.name : '', signedAt: rs.signed_at, meaning: rs.meaning, keyId: rs.key_id } : null;
}

// fromEvent reads the signature a stored event carries, or null.
export function fromEvent(ev) {
  const sig = ev && ev.data && ev.data.signature;
  if (!sig) return null;
  const st = readStatement(sig.statement);
  return { name: actorName(ev.actor), signedAt: st.signedAt, meaning: st.meaning, keyId: sig.key_id };
}

// signatureMark is a signature in words ("Signed by … · when · meaning ·
// key …"), or "Unsigned" for null.
export function signatureMark(sig) {
  if (!sig) return h('span', { class: 'sig unsigned', text: 'Unsigned' });
  return h('span', { class: 'sig signed', 'data-key-id': sig.keyId },
    h('span', { class: 'sig-tick', 'aria-hidden': 'true', text: '✓ ' }),
    `Signed by ${sig.name} · ${fmtSignedAt(sig.signedAt)} · ${sig.meaning} · key `,
    h('code', { text: sig.keyId }));
}
