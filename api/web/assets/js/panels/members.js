// panels/members.js: the members with their sector, role and signing key
// in force, the observers, and (for the admin or a convener) admitting a
// member.

import { $, h, avatar, patch } from '../dom.js';
import { can } from '../store.js';
import { admitDialog } from '../actions/admit.js';

export function renderMembers(st) {
  const ms = st.members || [];
  const active = ms.filter((m) => m.status === 'active').length;
  $('members-count').textContent = active === ms.length ? String(ms.length) : `${active} active of ${ms.length}`;
  patch($('members-act'), String(can.admit()), () => (can.admit()
    ? h('button', { type: 'button', class: 'secondary small', id: 'admit', onclick: admitDialog, text: 'Admit a member' }) : null));
  $('members').replaceChildren(...ms.map((m) => h('li', { class: m.status, 'data-member': m.id }, avatar(m.id, m.name),
    h('div', { class: 'grow' }, h('div', { class: 'nm', text: m.name }), h('div', { class: 'sc', text: m.sector }),
      m.key ? h('div', { class: 'sc member-key', title: `Signing key in force since #${m.key.seq}` }, 'Signing key ', h('code', { text: m.key.key_id })) : null),
    m.role === 'convener' ? h('span', { class: 'pill convener', text: 'convener' }) : null,
    m.status !== 'active' ? h('span', { class: 'pill withdrawn', text: m.status }) : null)));
  const obs = st.observers || [];
  $('observers').replaceChildren(...(obs.length ? [h('h3', { text: 'Observers' }), obs.map((o) => o.name).join(', ')] : []));
}
