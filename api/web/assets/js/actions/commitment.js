// actions/commitment.js: a member commits to an adopted proposal, reports
// progress on its own commitment, fulfils it (with a final value) or
// withdraws it.

import { h, today, fmtNum } from '../dom.js';
import { app, proposalTitle } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field, number } from '../form.js';
import { changed, announce } from '../bus.js';
import { sendSigned, signNote, signaturesRequired } from '../signing.js';
import { commitStatement, reportProgressStatement, fulfilStatement, trimSpace } from '../statement.js';

// commitDialog asks for a commitment on an adopted proposal (pid, or one to
// choose). The metric goes as the ledger records it, trimmed, so that a
// signature holds.
export function commitDialog(pid) {
  const adopted = (app.st.proposals || []).filter((p) => p.status === 'adopted');
  const required = signaturesRequired(null);
  openDialog('Make a commitment', (close) => actionForm({
    fields: [
      pid ? h('p', { class: 'muted', text: `Toward “${proposalTitle(pid)}”` })
        : field({ label: 'Adopted proposal', name: 'proposal_id', kind: 'select', required: true, options: adopted.map((p) => [p.id, p.title]) }),
      field({ label: 'What you will do', name: 'description', kind: 'textarea', required: true }),
      field({ label: 'Metric', name: 'metric', required: true, hint: 'What is measured, e.g. "% of sites live".' }),
      field({ label: 'Target', name: 'target', kind: 'number', required: true, attrs: { step: 'any' } }),
      field({ label: 'Due', name: 'due', kind: 'date', required: true, value: today(90) }),
      signNote(required),
    ],
    submit: 'Commit',
    run: (v, key) => {
      const body = {
        proposal_id: pid || v.proposal_id, description: v.description, metric: trimSpace(v.metric), target: number(v.target, 'Target'), due: v.due,
      };
      return sendSigned({
        method: 'POST', path: alliancePath(app.aid, 'commitments'), body, key, required,
        build: (hd) => commitStatement(hd, body.proposal_id, '', body.description, body.metric, body.target, body.due),
      });
    },
    done: () => { close(); announce('Commitment recorded.'); changed(); },
  }));
}

// progressDialog reports a measured value on commitment c.
export function progressDialog(c) {
  const last = (c.progress || []).at(-1);
  const required = signaturesRequired(null);
  openDialog('Report progress', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `“${c.description}”: ${last ? fmtNum(last.value) : 0} of ${fmtNum(c.target)} ${c.metric} so far.` }),
      field({ label: `Value now (${c.metric})`, name: 'value', kind: 'number', required: true, attrs: { step: 'any' } }),
      field({ label: 'Note', name: 'note', kind: 'textarea' }),
      signNote(required),
    ],
    submit: 'Report',
    run: (v, key) => {
      const body = { value: number(v.value, 'Value'), note: v.note };
      return sendSigned({
        method: 'POST', path: alliancePath(app.aid, 'commitments', c.id, 'progress'), body, key, required,
        build: (hd) => reportProgressStatement(hd, c.id, body.value, body.note),
      });
    },
    done: () => { close(); announce('Progress reported.'); changed(); },
  }));
}

// fulfilDialog marks commitment c fulfilled, with a final value (else the
// last one reported stands, and the statement attests that one, as the
// ledger records it).
export function fulfilDialog(c) {
  const required = signaturesRequired(null);
  openDialog('Fulfil the commitment', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `“${c.description}” — target ${fmtNum(c.target)} ${c.metric}.` }),
      field({ label: `Final value (${c.metric})`, name: 'value', kind: 'number', hint: 'Leave it empty to keep the last value reported.', attrs: { step: 'any' } }),
      field({ label: 'Note', name: 'note', kind: 'textarea' }),
      signNote(required),
    ],
    submit: 'Fulfil',
    run: (v, key) => {
      const body = { note: v.note, value: number(v.value, 'Final value', true) };
      return sendSigned({
        method: 'POST', path: alliancePath(app.aid, 'commitments', c.id, 'fulfil'), body, key, required,
        build: (hd) => fulfilStatement(hd, c.id, body.value ?? latestValue(c.id), body.note),
      });
    },
    done: () => { close(); announce('Commitment fulfilled.'); changed(); },
  }));
}

// latestValue is the last value reported on commitment id as the state
// shown knows it, or 0: what the ledger records as a fulfilment's final
// value when none is given.
function latestValue(id) {
  const c = app.idx.commitments.get(id);
  const last = c && (c.progress || []).at(-1);
  return last ? last.value : 0;
}

// withdrawCommitmentDialog takes commitment c back.
export function withdrawCommitmentDialog(c) {
  openDialog('Withdraw the commitment', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `“${c.description}” will show as withdrawn. This cannot be undone.` }),
      field({ label: 'Why', name: 'note', kind: 'textarea' }),
    ],
    submit: 'Withdraw commitment',
    danger: true,
    run: (v, key) => write('POST', alliancePath(app.aid, 'commitments', c.id, 'withdraw'), { note: v.note }, key),
    done: () => { close(); announce('Commitment withdrawn.'); changed(); },
  }));
}
