// panels/proxies.js: the proxy grants in force, who may cast whose stance,
// for one proposal or standing. A member grants a proxy here where the
// charter allows proxies, and revokes the grants it gave.

import { $, h, patch } from '../dom.js';
import { app, memberName, proposalTitle, can } from '../store.js';
import { grantProxyDialog, revokeProxyButton } from '../actions/proxy.js';

// maxProxies is how many members one member may cast for on a proposal
// under charter c (0 when it says nothing).
export function maxProxies(c) {
  return (c && c.max_proxies) || 0;
}

export function renderProxies(st) {
  const grants = st.proxies || [];
  const allowed = maxProxies(st.charter) >= 1;
  $('proxies-count').textContent = grants.length ? String(grants.length) : '';
  patch($('proxies-act'), String(can.act() && allowed), () => (can.act() && allowed
    ? h('button', { type: 'button', class: 'secondary small', id: 'grant-proxy', onclick: grantProxyDialog, text: 'Grant a proxy' }) : null));
  const key = JSON.stringify([can.act(), app.me && app.me.id, allowed, grants.map((g) => [g.grantor_id, g.proxy_id, g.proposal_id, g.seq]),
    grants.map((g) => [memberName(g.grantor_id), memberName(g.proxy_id), g.proposal_id && proposalTitle(g.proposal_id)])]);
  patch($('proxies'), key, () => [
    h('p', { class: 'muted small-note', text: allowed
      ? `The charter lets a member cast for up to ${maxProxies(st.charter)} other${maxProxies(st.charter) === 1 ? '' : 's'} on a proposal.`
      : 'The charter in force allows no proxies: a grant counts only in votes whose rule allows them.' }),
    grants.length ? h('ul', { class: 'proxy-list' }, grants.map(grant)) : h('p', { class: 'empty', text: 'No proxy is in force.' }),
  ]);
}

function grant(g) {
  const mine = can.act() && can.isMe(g.grantor_id);
  return h('li', { 'data-grant': `${g.grantor_id}|${g.proxy_id}|${g.proposal_id}` },
    h('span', { class: 'grow' }, h('b', { text: memberName(g.proxy_id) }), ' casts for ', h('b', { text: memberName(g.grantor_id) }),
      h('span', { class: 'meta', text: g.proposal_id ? ` on “${proposalTitle(g.proposal_id)}”` : ' on every proposal (standing)' })),
    mine ? revokeProxyButton(g) : null);
}
