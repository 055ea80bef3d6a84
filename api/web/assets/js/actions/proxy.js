// actions/proxy.js: a member grants another member its proxy, for one
// proposal still to be decided or standing (every proposal), and revokes a
// grant it gave.

import { h } from '../dom.js';
import { app, memberName } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, actionButton, field } from '../form.js';
import { changed, announce } from '../bus.js';

export function grantProxyDialog() {
  const others = (app.st.members || []).filter((m) => m.status === 'active' && m.id !== app.me.id);
  const proposals = (app.st.proposals || []).filter((p) => p.status === 'open' || p.status === 'voting');
  openDialog('Grant a proxy', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: 'Your proxy casts your stance as if you had cast it, in votes whose rule allows proxies. Your own later vote replaces it, and you may revoke the grant at any time.' }),
      field({ label: 'Proxy', name: 'proxy_id', kind: 'select', options: others.map((m) => [m.id, m.name]) }),
      field({ label: 'For', name: 'proposal_id', kind: 'select', options: [['', 'Every proposal (a standing proxy)'], ...proposals.map((p) => [p.id, p.title])] }),
    ],
    submit: 'Grant proxy',
    run: (v, key) => write('POST', alliancePath(app.aid, 'proxies'), v.proposal_id ? { proxy_id: v.proxy_id, proposal_id: v.proposal_id } : { proxy_id: v.proxy_id }, key),
    done: (out) => { close(); announce(`${memberName(out.proxy_id)} now holds your proxy.`); changed(); },
  }));
}

// revokeProxyButton takes back grant g, which the signed-in member gave.
export function revokeProxyButton(g) {
  const body = g.proposal_id ? { proxy_id: g.proxy_id, proposal_id: g.proposal_id } : { proxy_id: g.proxy_id };
  return actionButton({
    label: 'Revoke', cls: 'revoke-proxy', danger: false,
    run: (key) => write('POST', alliancePath(app.aid, 'proxies', 'revoke'), body, key),
    done: () => { announce(`Proxy of ${memberName(g.proxy_id)} revoked.`); changed(); },
  });
}
