// panels/succession.js: where the alliance stands in a line of alliances:
// whether (and why) it was concluded, the alliance it succeeds and those
// that succeed it, each a link (a reader of one alliance may not be a
// party to the other: the page then says so); a convener concludes it.

import { $, h, fmtDate, patch } from '../dom.js';
import { can } from '../store.js';
import { proposalHref, link } from '../nav.js';
import { concludeDialog } from '../actions/conclude.js';

export function renderSuccession(st) {
  const key = JSON.stringify([st.id, st.conclusion, st.predecessor, (st.successors || []).map((s) => s.alliance_id), can.convene()]);
  patch($('a-succession'), key, () => lines(st));
}

function lines(st) {
  const out = [];
  if (st.conclusion) {
    out.push(h('p', { class: 'concluded-note' }, h('b', { text: 'Concluded' }), ` on ${fmtDate(st.conclusion.at)} (#${st.conclusion.seq})`,
      st.conclusion.reason ? [': ', h('q', { text: st.conclusion.reason })] : '.'));
  }
  if (st.predecessor) {
    out.push(h('p', { class: 'succession-link' }, 'Succeeds ', allianceLink(st.predecessor.alliance_id, 'alliance ' + st.predecessor.alliance_id.slice(0, 8)),
      ` as its ledger stood at #${st.predecessor.seq} (hash ${st.predecessor.hash.slice(0, 12)}…)`));
  }
  for (const s of st.successors || []) {
    out.push(h('p', { class: 'succession-link' }, 'Succeeded by ', allianceLink(s.alliance_id, s.name),
      `, formed ${fmtDate(s.formed_at)} from this ledger at #${s.seq}`));
  }
  if (can.convene()) {
    out.push(h('button', { type: 'button', class: 'ghost-dark small', id: 'conclude', onclick: concludeDialog, text: 'Conclude alliance' }));
  }
  return out;
}

function allianceLink(aid, text) {
  return h('a', { href: proposalHref(aid), onclick: link, 'data-alliance': aid, text });
}
