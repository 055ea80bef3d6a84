// actions/proposal.js: a member proposes (with a charter editor for a
// charter proposal) and amends; the author accepts or rejects amendments
// and may withdraw its proposal while it is open.

import { h } from '../dom.js';
import { app } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, actionButton, field } from '../form.js';
import { KINDS } from '../rules.js';
import { changed, announce } from '../bus.js';
import { go, proposalHref } from '../nav.js';
import { charterEditor } from './charter.js';
import { sendSigned, signNote, signaturesRequired } from '../signing.js';
import { proposeStatement, amendStatement, acceptAmendmentStatement, rejectAmendmentStatement, trimSpace } from '../statement.js';

// proposeDialog asks for a new proposal and opens it once recorded. The
// title goes as the ledger records it, trimmed, so that a signature holds.
export function proposeDialog() {
  const required = signaturesRequired(null);
  openDialog('New proposal', (close) => {
    const editor = charterEditor(app.st.charter || { decision_rule: 'consensus' });
    const kind = field({ label: 'Kind', name: 'kind', kind: 'select', value: 'resolution', options: Object.entries(KINDS) });
    const sel = kind.querySelector('select');
    const syncKind = () => {
      editor.el.hidden = sel.value !== 'charter';
      for (const c of editor.el.querySelectorAll('input, select')) c.disabled = sel.value !== 'charter' || (c.name === 'threshold' && c.closest('.field').hidden);
    };
    sel.addEventListener('change', syncKind);
    syncKind();
    return actionForm({
      fields: [
        kind,
        field({ label: 'Title', name: 'title', required: true, attrs: { maxlength: 200, autofocus: true } }),
        field({ label: 'Text', name: 'body', kind: 'textarea', required: true, attrs: { rows: 8 } }),
        editor.el,
        signNote(required),
      ],
      submit: 'Submit proposal',
      run: (v, key) => {
        const title = trimSpace(v.title);
        return sendSigned({
          method: 'POST', path: alliancePath(app.aid, 'proposals'), key, required,
          body: { kind: v.kind, title, body: v.body, ...(v.kind === 'charter' ? { charter: editor.read() } : {}) },
          build: (hd) => proposeStatement(hd, v.kind, title, v.body),
        });
      },
      done: (p) => {
        close();
        announce('Proposal submitted.');
        changed();
        if (p && p.id) go(proposalHref(app.aid, p.id));
      },
    });
  }, { wide: true });
}

// amendDialog asks for the new text of proposal p and why.
export function amendDialog(p) {
  const required = signaturesRequired(null);
  openDialog('Propose an amendment', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `An amendment gives the whole new text of “${p.title}”. If the author accepts it, it becomes version ${p.version + 1}.` }),
      field({ label: 'New text', name: 'body', kind: 'textarea', value: p.body, required: true, attrs: { rows: 10 } }),
      field({ label: 'Rationale', name: 'rationale', kind: 'textarea', required: true, hint: 'Why the text should change.' }),
      signNote(required),
    ],
    submit: 'Propose amendment',
    run: (v, key) => sendSigned({
      method: 'POST', path: alliancePath(app.aid, 'proposals', p.id, 'amendments'), body: { body: v.body, rationale: v.rationale }, key, required,
      build: (hd) => amendStatement(hd, p.id, v.body, v.rationale),
    }),
    done: () => { close(); announce('Amendment proposed.'); changed(); },
  }), { wide: true });
}

// settleButtons are the author's Accept and Reject of amendment a on p,
// each signed when the author has its key in this browser.
export function settleButtons(p, a) {
  const statements = { accept: acceptAmendmentStatement, reject: rejectAmendmentStatement };
  const run = (verb) => (key) => sendSigned({
    method: 'POST', path: alliancePath(app.aid, 'proposals', p.id, 'amendments', a.id, verb), body: {}, key,
    required: signaturesRequired(null), build: (hd) => statements[verb](hd, p.id, a.id),
  });
  const done = (msg) => () => { announce(msg); changed(); };
  return h('div', { class: 'settle' },
    actionButton({ label: 'Accept amendment', run: run('accept'), done: done('Amendment accepted.'), cls: 'accept' }),
    actionButton({ label: 'Reject amendment', run: run('reject'), done: done('Amendment rejected.'), cls: 'reject', danger: true }));
}

// withdrawDialog asks the author why it withdraws proposal p.
export function withdrawDialog(p) {
  openDialog('Withdraw the proposal', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `“${p.title}” will be closed without a vote. This cannot be undone.` }),
      field({ label: 'Reason', name: 'reason', kind: 'textarea' }),
    ],
    submit: 'Withdraw proposal',
    danger: true,
    run: (v, key) => write('POST', alliancePath(app.aid, 'proposals', p.id, 'withdraw'), { reason: v.reason }, key),
    done: () => { close(); announce('Proposal withdrawn.'); changed(); },
  }));
}
