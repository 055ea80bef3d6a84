// actions/commitment.js: a member commits to an adopted proposal, reports
// progress on its own commitment, fulfils it (with a final value) or
// withdraws it.

import { h, today, fmtNum } from '../dom.js';
import { app, proposalTitle } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field, number } from '../form.js';
import { changed, announce } from '../bus.js';

// commitDialog asks for a commitment on an adopted proposal (pid, or one to
// choose).
export function commitDialog(pid) {
  const adopted = (app.st.proposals || []).filter((p) => p.status === 'adopted');
  openDialog('Make a commitment', (close) => actionForm({
    fields: [
      pid ? h('p', { class: 'muted', text: `Toward “${proposalTitle(pid)}”` })
        : field({ label: 'Adopted proposal', name: 'proposal_id', kind: 'select', required: true, options: adopted.map((p) => [p.id, p.title]) }),
      field({ label: 'What you will do', name: 'description', kind: 'textarea', required: true }),
      field({ label: 'Metric', name: 'metric', required: true, hint: 'What is measured, e.g. "% of sites live".' }),
      field({ label: 'Target', name: 'target', kind: 'number', required: true, attrs: { step: 'any' } }),
      field({ label: 'Due', name: 'due', kind: 'date', required: true, value: today(90) }),
    ],
    submit: 'Commit',
    run: (v, key) => write('POST', alliancePath(app.aid, 'commitments'), {
      proposal_id: pid || v.proposal_id, description: v.description, metric: v.metric, target: number(v.target, 'Target'), due: v.due,
    }, key),
    done: () => { close(); announce('Commitment recorded.'); changed(); },
  }));
}

// progressDialog reports a measured value on commitment c.
export function progressDialog(c) {
  const last = (c.progress || []).at(-1);
  openDialog('Report progress', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `“${c.description}”: ${last ? fmtNum(last.value) : 0} of ${fmtNum(c.target)} ${c.metric} so far.` }),
      field({ label: `Value now (${c.metric})`, name: 'value', kind: 'number', required: true, attrs: { step: 'any' } }),
      field({ label: 'Note', name: 'note', kind: 'textarea' }),
    ],
    submit: 'Report',
    run: (v, key) => write('POST', alliancePath(app.aid, 'commitments', c.id, 'progress'), { value: number(v.value, 'Value'), note: v.note }, key),
    done: () => { close(); announce('Progress reported.'); changed(); },
  }));
}

// fulfilDialog marks commitment c fulfilled, with a final value (else the
// last one reported stands).
export function fulfilDialog(c) {
  openDialog('Fulfil the commitment', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `“${c.description}” — target ${fmtNum(c.target)} ${c.metric}.` }),
      field({ label: `Final value (${c.metric})`, name: 'value', kind: 'number', hint: 'Leave it empty to keep the last value reported.', attrs: { step: 'any' } }),
      field({ label: 'Note', name: 'note', kind: 'textarea' }),
    ],
    submit: 'Fulfil',
    run: (v, key) => write('POST', alliancePath(app.aid, 'commitments', c.id, 'fulfil'), { note: v.note, value: number(v.value, 'Final value', true) }, key),
    done: () => { close(); announce('Commitment fulfilled.'); changed(); },
  }));
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
