// actions/admit.js: the admin or a convener admits a member; the new
// member's token is shown once, with a button to copy it.

import { h, nextID } from '../dom.js';
import { app } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field } from '../form.js';
import { changed, announce } from '../bus.js';

export function admitDialog() {
  openDialog('Admit a member', (close) => {
    const box = h('div');
    box.append(actionForm({
      fields: [
        field({ label: 'Name', name: 'name', required: true, attrs: { autofocus: true } }),
        field({ label: 'Sector', name: 'sector', required: true, hint: 'e.g. health system, payer, patient group' }),
        field({ label: 'Role', name: 'role', kind: 'select', value: 'member', options: [['member', 'Member'], ['convener', 'Convener']] }),
      ],
      submit: 'Admit',
      run: (v, key) => write('POST', alliancePath(app.aid, 'members'), { name: v.name, sector: v.sector, role: v.role }, key),
      done: (cred) => {
        box.replaceChildren(tokenOnce(cred, close));
        box.querySelector('input').focus();
        announce(`${cred.name} is admitted.`);
        changed();
      },
    }));
    return box;
  });
}

// tokenOnce shows a new party's token: it is not stored anywhere, so this
// is the only time it can be seen.
function tokenOnce(cred, close) {
  const id = nextID('token');
  const input = h('input', { id, type: 'text', readonly: true, class: 'mono token-out', value: cred.token, spellcheck: 'false' });
  const status = h('p', { class: 'copied', role: 'status' });
  const copy = async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(cred.token);
      status.textContent = 'Copied.';
    } catch {
      status.textContent = document.execCommand && document.execCommand('copy') ? 'Copied.' : 'Select the token and copy it.';
    }
  };
  return h('div', { class: 'token-once' },
    h('p', null, h('b', { text: cred.name }), ` is admitted as ${cred.role}. Give them this token, over a channel you trust. `,
      h('strong', { text: 'It is shown only now.' })),
    h('label', { for: id, text: 'Token' }),
    h('div', { class: 'copy-row' }, input, h('button', { type: 'button', class: 'secondary', onclick: copy, text: 'Copy token' })),
    status,
    h('div', { class: 'form-foot' }, h('button', { type: 'button', class: 'primary', onclick: close, text: 'Done' })));
}
