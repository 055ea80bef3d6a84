// actions/workgroup-progress.js: a convener, or a member of the workgroup,
// reports a measured value on its aim.

import { h, fmtNum } from '../dom.js';
import { app } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field, number } from '../form.js';
import { changed, announce } from '../bus.js';

export function workgroupProgressDialog(w) {
  const last = (w.progress || []).at(-1);
  openDialog(`Report progress on “${w.name}”`, (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `Target: ${fmtNum(w.target)} ${w.metric}. ${last ? `Last reported: ${fmtNum(last.value)}.` : 'Nothing reported yet.'}` }),
      field({ label: `Value (${w.metric})`, name: 'value', kind: 'number', required: true, attrs: { step: 'any', autofocus: true } }),
      field({ label: 'Note', name: 'note', kind: 'textarea', attrs: { rows: 3 } }),
    ],
    submit: 'Report progress',
    run: (v, key) => write('POST', alliancePath(app.aid, 'workgroups', w.id, 'progress'), { value: number(v.value, 'Value'), note: v.note }, key),
    done: () => { close(); announce(`Progress on “${w.name}” recorded.`); changed(); },
  }));
}
