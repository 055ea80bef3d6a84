// actions/workgroup-close.js: a convener closes a workgroup as met, missed
// or dissolved; it then takes no change, report or commitment.

import { h, fmtNum } from '../dom.js';
import { app } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field } from '../form.js';
import { changed, announce } from '../bus.js';

const OUTCOMES = [['met', 'Met'], ['missed', 'Missed'], ['dissolved', 'Dissolved']];

export function closeWorkgroupDialog(w) {
  const last = (w.progress || []).at(-1);
  openDialog(`Close “${w.name}”`, (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `${last ? `Last reported: ${fmtNum(last.value)}` : 'Nothing reported'} of ${fmtNum(w.target)} ${w.metric}. Once closed, it takes no change, report or new commitment; the commitments made toward it stay their members'.` }),
      field({ label: 'Outcome', name: 'outcome', kind: 'radio', required: true, options: OUTCOMES }),
      field({ label: 'Note', name: 'note', kind: 'textarea', attrs: { rows: 3 } }),
    ],
    submit: 'Close workgroup',
    run: (v, key) => write('POST', alliancePath(app.aid, 'workgroups', w.id, 'close'), { outcome: v.outcome, note: v.note }, key),
    done: (out) => { close(); announce(`“${w.name}” closed as ${out && out.status ? out.status : 'asked'}.`); changed(); },
  }));
}
