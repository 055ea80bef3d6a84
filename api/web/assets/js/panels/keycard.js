// panels/keycard.js: "Your signing key": whether what the signed-in member
// does is signed, with which key, and creating or replacing the key. Under
// a charter that requires signatures it says so before the member acts.

import { $, h, patch } from '../dom.js';
import { app, can, myMember } from '../store.js';
import { openDialog } from '../dialog.js';
import { actionButton, actionForm } from '../form.js';
import { changed, announce } from '../bus.js';
import { keyStatus, registerKey, signaturesRequired, onKeyring } from '../signing.js';

// renderKeyCard draws the card for the state shown; it is hidden for
// anyone who is not an active member of the alliance.
export function renderKeyCard() {
  const card = $('key-card');
  const m = myMember();
  card.hidden = !m || !can.act();
  if (card.hidden) return;
  const s = keyStatus();
  const required = signaturesRequired(null);
  const key = [m.id, s.unsupported, s.inForce ? `${s.inForce.key_id}@${s.inForce.seq}` : '-', s.looked, s.here ? s.here.key_id : '-', required].join('|');
  patch($('key'), key, () => body(s, required));
}

onKeyring(() => { if (app.st) renderKeyCard(); });

function body(s, required) {
  const out = [];
  if (required && !s.here) {
    out.push(h('p', { class: 'sign-required', role: 'note', text:
      'This alliance’s charter requires signatures: create your signing key before you act. Until then the ledger refuses your proposals, amendments, votes and commitments.' }));
  }
  if (s.unsupported) {
    out.push(h('p', { class: 'muted', text: s.unsupported + ' What you do here is sent unsigned.' }));
    return out;
  }
  if (s.here) {
    out.push(h('p', { class: 'key-state signed' }, 'Your actions are signed with key ', h('code', { class: 'key-id', text: s.here.key_id }),
      ` (in force since #${s.inForce.seq}), kept in this browser, where no script can read it.`));
    out.push(replaceButton('Replace key', 'secondary'));
    return out;
  }
  if (s.inForce && !s.looked) {
    out.push(h('p', { class: 'muted', text: 'Looking for your key in this browser…' }));
    return out;
  }
  if (s.inForce) {
    out.push(h('p', { class: 'key-state elsewhere' }, 'Your key in force, ', h('code', { class: 'key-id', text: s.inForce.key_id }),
      `, registered at #${s.inForce.seq}, is not in this browser: what you do here is sent unsigned. A key made here replaces it.`));
    out.push(replaceButton('Replace it with a key from this browser', 'primary'));
    return out;
  }
  out.push(h('p', { class: 'key-state none', text: 'You have no signing key. A key of your own, kept in this browser, signs what you do so that anyone can check it was you and not the operator.' }));
  out.push(actionButton({ label: 'Create a signing key', cls: 'create-key', run: registerKey, done: registered }));
  return out;
}

function registered(out) {
  announce(`Your signing key ${out.key_id} is registered.`);
  changed();
  // The button pressed is gone with the card's old state: the card's next
  // action takes the focus rather than the page's top.
  const next = document.querySelector('#key [data-action=replace-key]');
  if (next && (document.activeElement === document.body || !document.activeElement)) next.focus();
}

function replaceButton(label, cls) {
  return h('button', { type: 'button', class: cls, 'data-action': 'replace-key', onclick: replaceDialog, text: label });
}

// replaceDialog confirms replacing the key in force with a new one.
function replaceDialog() {
  openDialog('Replace your signing key', (close) => actionForm({
    fields: [h('p', { class: 'muted', text: 'A new key is made in this browser and registered in place of the one in force. ' +
      'What the old key signed stays verifiable; from now on only the new key signs for you.' })],
    submit: 'Replace key',
    run: (_, key) => registerKey(key),
    done: (out) => { close(); registered(out); },
  }));
}
