// actions/workgroup-members.js: a convener changes a workgroup's members:
// ticked active members are in it, unticked ones leave it.

import { h } from '../dom.js';
import { app } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm } from '../form.js';
import { changed, announce } from '../bus.js';

export function workgroupMembersDialog(w) {
  const now = new Set(w.member_ids || []);
  // Active members may join; one who has withdrawn is listed while it is
  // still in the workgroup, so that it can be removed.
  const members = (app.st.members || []).filter((m) => m.status === 'active' || now.has(m.id));
  openDialog(`Members of “${w.name}”`, (close) => actionForm({
    fields: [
      h('fieldset', { class: 'field checks' }, h('legend', { text: 'Members' }),
        members.map((m) => h('label', { class: 'check' },
          h('input', { type: 'checkbox', name: 'member_ids', value: m.id, checked: now.has(m.id) }),
          m.name + (m.status === 'active' ? '' : ' (withdrawn)')))),
    ],
    submit: 'Save members',
    run: (_, key) => {
      const ticked = new Set([...document.querySelectorAll('dialog input[name="member_ids"]:checked')].map((c) => c.value));
      const add = [...ticked].filter((id) => !now.has(id));
      const remove = [...now].filter((id) => !ticked.has(id));
      if (!add.length && !remove.length) throw new Error('Nothing changed: tick a member to add or untick one to remove.');
      return write('POST', alliancePath(app.aid, 'workgroups', w.id, 'members'), { add, remove }, key);
    },
    done: (out) => { close(); announce(`“${w.name}” now has ${(out && out.member_ids || []).length} members.`); changed(); },
  }), { wide: true });
}
