// actions/workgroup.js: a convener forms a workgroup of members toward a
// measurable aim.

import { h, today } from '../dom.js';
import { app } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field, number } from '../form.js';
import { changed, announce } from '../bus.js';

export function workgroupDialog() {
  const members = (app.st.members || []).filter((m) => m.status === 'active');
  openDialog('Form a workgroup', (close) => actionForm({
    fields: [
      field({ label: 'Name', name: 'name', required: true, attrs: { autofocus: true } }),
      field({ label: 'Aim', name: 'aim', kind: 'textarea', required: true }),
      field({ label: 'Metric', name: 'metric', required: true, hint: 'What is measured, e.g. "pilot sites live".' }),
      field({ label: 'Target', name: 'target', kind: 'number', required: true, attrs: { step: 'any' } }),
      field({ label: 'Due', name: 'due', kind: 'date', required: true, value: today(180) }),
      h('fieldset', { class: 'field checks' }, h('legend', { text: 'Members' }),
        members.map((m) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'member_ids', value: m.id }), m.name))),
    ],
    submit: 'Form workgroup',
    run: (v, key) => write('POST', alliancePath(app.aid, 'workgroups'), {
      name: v.name, aim: v.aim, metric: v.metric, target: number(v.target, 'Target'), due: v.due,
      member_ids: [...document.querySelectorAll('dialog input[name="member_ids"]:checked')].map((c) => c.value),
    }, key),
    done: () => { close(); announce('Workgroup formed.'); changed(); },
  }), { wide: true });
}
