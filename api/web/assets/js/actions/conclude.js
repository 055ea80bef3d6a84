// actions/conclude.js: a convener concludes the alliance, with a reason. It
// is refused while a vote is open; after it the alliance takes no command
// and stays readable.

import { h } from '../dom.js';
import { app } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field } from '../form.js';
import { changed, announce } from '../bus.js';

export function concludeDialog() {
  const open = (app.st.proposals || []).filter((p) => p.status === 'voting');
  openDialog('Conclude the alliance', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `After this, ${app.st.name} takes no proposal, vote, commitment or any other command, from anyone; everything stays readable. A successor can be formed that records where this ledger ends.` }),
      open.length ? h('p', { class: 'error-note', text: `Voting is open on “${open[0].title}”: close it first.` }) : null,
      field({ label: 'Reason', name: 'reason', kind: 'textarea', required: true, attrs: { rows: 3, autofocus: true } }),
    ],
    submit: 'Conclude alliance',
    danger: true,
    run: (v, key) => write('POST', alliancePath(app.aid, 'conclude'), { reason: v.reason }, key),
    done: () => { close(); announce('The alliance is concluded.'); changed(); },
  }));
}
