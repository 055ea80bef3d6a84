// actions/workgroup-commit.js: a member of an open workgroup commits to a
// measurable target toward its aim, signed where this browser holds the
// member's key.

import { h, today } from '../dom.js';
import { app } from '../store.js';
import { alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field, number } from '../form.js';
import { changed, announce } from '../bus.js';
import { sendSigned, signNote, signaturesRequired } from '../signing.js';
import { commitStatement, trimSpace } from '../statement.js';

export function commitTowardDialog(w) {
  const required = signaturesRequired(null);
  openDialog(`Commit toward “${w.name}”`, (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `Its aim: ${w.aim}` }),
      field({ label: 'What you will do', name: 'description', kind: 'textarea', required: true, attrs: { autofocus: true } }),
      field({ label: 'Metric', name: 'metric', required: true, value: w.metric }),
      field({ label: 'Target', name: 'target', kind: 'number', required: true, attrs: { step: 'any' } }),
      field({ label: 'Due', name: 'due', kind: 'date', required: true, value: w.due || today(90) }),
      signNote(required),
    ],
    submit: 'Commit',
    run: (v, key) => {
      const body = { workgroup_id: w.id, description: v.description, metric: trimSpace(v.metric), target: number(v.target, 'Target'), due: v.due };
      return sendSigned({
        method: 'POST', path: alliancePath(app.aid, 'commitments'), body, key, required,
        build: (hd) => commitStatement(hd, '', w.id, body.description, body.metric, body.target, body.due),
      });
    },
    done: () => { close(); announce('Commitment recorded.'); changed(); },
  }), { wide: true });
}
