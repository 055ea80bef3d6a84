// actions/proxy-vote.js: a member who holds another member's proxy casts
// that member's stance on a proposal being voted on, as its proxy: one
// ballot per grantor, when the vote's rule allows proxies and both are
// eligible. The vote is signed with this browser's key where it has one,
// its statement naming the grantor.

import { h, fmtTime } from '../dom.js';
import { app, memberName, myMember } from '../store.js';
import { alliancePath } from '../api.js';
import { actionForm, field } from '../form.js';
import { changed, announce } from '../bus.js';
import { sendSigned, signNote, signaturesRequired } from '../signing.js';
import { voteStatement } from '../statement.js';

const STANCE_LABELS = [['agree', 'Agree'], ['disagree', 'Disagree'], ['abstain', 'Abstain'], ['block', 'Block']];

// grantorsFor returns the members whose stance on p the signed-in member
// may cast as their proxy now, in the order their grants were made.
export function grantorsFor(p) {
  const me = myMember();
  if (!me || p.status !== 'voting' || !p.voting || ((p.voting.rule || {}).max_proxies || 0) < 1) return [];
  const eligible = new Set(p.voting.eligible || []);
  if (!eligible.has(me.id)) return [];
  const out = [];
  for (const g of app.st.proxies || []) {
    if (g.proxy_id === me.id && (g.proposal_id === p.id || g.proposal_id === '') && eligible.has(g.grantor_id) && !out.includes(g.grantor_id)) {
      out.push(g.grantor_id);
    }
  }
  return out;
}

// proxyBallotsKey is what the ballots show, so that they are rebuilt only
// when that changes.
export function proxyBallotsKey(p) {
  const st = (id) => (p.stances && p.stances[id]) || {};
  return JSON.stringify([p.id, grantorsFor(p).map((id) => [id, st(id).seq || 0, st(id).cast_by || ''])]);
}

// proxyBallots returns a ballot for each member whose proxy the signed-in
// member holds on p, or null when there is none.
export function proxyBallots(p) {
  const grantors = grantorsFor(p);
  if (!grantors.length) return null;
  return h('section', { class: 'proxy-ballots', 'aria-labelledby': 'proxy-h' },
    h('h3', { id: 'proxy-h', text: 'As a proxy' }),
    grantors.map((id) => ballot(p, id)));
}

function ballot(p, grantor) {
  const name = memberName(grantor);
  const now = p.stances && p.stances[grantor];
  const required = signaturesRequired(p);
  const said = now
    ? h('p', { class: 'my-stance' }, `${name}'s stance now: `, h('b', { class: 'stance-word ' + now.stance, text: now.stance }),
      ` (${now.cast_by ? 'cast by ' + memberName(now.cast_by) : 'their own'}, ${fmtTime(now.at)}, #${now.seq}).`)
    : h('p', { class: 'my-stance', text: `${name} has not voted yet.` });
  return h('div', { class: 'ballot proxy-ballot', 'data-grantor': grantor }, h('h4', { text: `Vote for ${name}` }), actionForm({
    cls: 'vote-form',
    fields: [
      said,
      field({ label: `Stance for ${name}`, name: 'stance', kind: 'radio', required: true, options: STANCE_LABELS }),
      field({ label: 'Reason', name: 'reason', kind: 'textarea', attrs: { rows: 2 } }),
      signNote(required),
    ],
    submit: `Cast for ${name}`,
    run: (v, key) => sendSigned({
      method: 'PUT', path: alliancePath(app.aid, 'proposals', p.id, 'vote'), body: { stance: v.stance, reason: v.reason, on_behalf_of: grantor }, key, required,
      build: (hd) => voteStatement(hd, p.id, p.voting.version, v.stance, v.reason, grantor),
    }),
    done: (out) => { announce(`${name}'s stance, ${out && out.stance ? out.stance : 'cast'}, is recorded.`); changed(); },
  }));
}
