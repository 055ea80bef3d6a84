// panels/voting.js: a live tally per proposal in voting: the bar with its
// quorum marker, the legend, what closing now would give, and who has
// voted. Cards are updated in place, so the bars move rather than jump.

import { $, h, plural, fmtIn, initials } from '../dom.js';
import { app, memberName } from '../store.js';
import { STANCES, KINDS, charterText, tallyOf, quorumNeeded, forecast } from '../rules.js';
import { proposalHref, link } from '../nav.js';

const STANCE_CHIPS = 36;

export function renderVoting(st, freshMember) {
  const list = $('voting');
  const voting = (st.proposals || []).filter((p) => p.status === 'voting' && p.voting);
  $('voting-count').textContent = voting.length ? plural(voting.length, 'proposal') : '';
  if (!voting.length) {
    list.replaceChildren(h('p', { class: 'empty', text: 'No proposal is being voted on right now.' }));
    return;
  }
  const keep = new Set(voting.map((p) => p.id));
  for (const el of [...list.children]) if (!keep.has(el.dataset.proposal)) el.remove();
  voting.forEach((p, i) => {
    let card = [...list.children].find((el) => el.dataset.proposal === p.id);
    if (!card) {
      card = voteCard(p, true);
      list.insertBefore(card, list.children[i] || null);
      void card.offsetWidth; // start the bars at 0 so they grow in
    } else if (list.children[i] !== card) {
      list.insertBefore(card, list.children[i]);
    }
    updateVoteCard(card, p, freshMember);
  });
}

// voteCard builds an empty tally card; linked, its title opens the proposal.
export function voteCard(p, linked) {
  const segs = STANCES.map((s) => h('div', { class: 'seg ' + s, 'data-stance': s }));
  const title = linked
    ? h('h3', { class: 'vote-title' }, h('a', { href: proposalHref(app.aid, p.id), onclick: link }))
    : h('h3', { class: 'vote-title' });
  return h('article', { class: 'vote', 'data-proposal': p.id },
    h('div', { class: 'vote-head' },
      h('div', null, title, h('div', { class: 'vote-sub' })),
      h('div', { class: 'vote-turnout' }, h('div', { class: 'n' }), h('div', { class: 'l', text: 'have voted' }))),
    h('div', { class: 'bar', role: 'img' }, h('div', { class: 'fill' }, segs), h('div', { class: 'marker' })),
    h('div', { class: 'legend' }),
    h('div', { class: 'forecast' }),
    h('div', { class: 'stances' }));
}

export function updateVoteCard(card, p, freshMember) {
  const v = p.voting;
  const eligible = v.eligible || [];
  const E = eligible.length;
  const t = tallyOf(p);
  const P = t.agree + t.disagree + t.abstain + t.block;
  const title = card.querySelector('.vote-title a') || card.querySelector('.vote-title');
  title.textContent = p.title;
  const facts = [`${KINDS[p.kind] || p.kind}`, `version ${v.version}`, charterText(v.rule)];
  if (v.closes_at) facts.push(fmtIn(v.closes_at));
  card.querySelector('.vote-sub').replaceChildren(h('span', { class: 'pill voting', text: 'voting' }), h('span', { text: facts.join(' · ') }));
  card.querySelector('.vote-turnout .n').textContent = `${P}/${E}`;
  updateBar(card.querySelector('.bar'), t, E, v.rule || {});
  card.querySelector('.legend').replaceChildren(
    ...STANCES.map((s) => h('span', { class: 'k', 'data-count': s }, h('span', { class: 'sw ' + s }), h('b', { text: String(t[s]) }), s)),
    h('span', { class: 'k' }, h('span', { class: 'sw pending' }), h('b', { text: String(E - P) }), 'not yet'));
  const [adopted, why] = forecast(v.rule || {}, t, E);
  const fc = card.querySelector('.forecast');
  fc.className = 'forecast ' + (adopted ? 'adopted' : 'rejected');
  fc.replaceChildren('If closed now: ', h('b', { text: adopted ? 'adopted' : 'rejected' }), ' — ' + why + '.');
  card.querySelector('.stances').replaceChildren(...chips(p, eligible, freshMember));
}

function updateBar(bar, t, E, rule) {
  bar.setAttribute('aria-label', STANCES.map((s) => `${t[s]} ${s}`).join(', ') + ` of ${E} eligible`);
  for (const s of STANCES) {
    const seg = bar.querySelector(`[data-stance="${s}"]`);
    seg.style.width = E ? (100 * t[s]) / E + '%' : '0';
    seg.dataset.count = String(t[s]);
  }
  const marker = bar.querySelector('.marker');
  const need = quorumNeeded(rule, E);
  marker.hidden = !E;
  marker.style.left = `calc(${E ? (100 * Math.min(need, E)) / E : 0}% - 1px)`;
  marker.dataset.label = `quorum ${need}`;
}

function chips(p, eligible, freshMember) {
  const out = eligible.slice(0, STANCE_CHIPS).map((id) => {
    const s = p.stances && p.stances[id];
    const name = memberName(id);
    return h('span', {
      class: `stance ${s ? s.stance : 'pending'}${id === freshMember ? ' fresh' : ''}`,
      'data-member': id,
      title: s ? `${name}: ${s.stance}${s.reason ? ' — ' + s.reason : ''}` : `${name}: not voted yet`,
    }, h('span', { class: 'av', 'aria-hidden': 'true', text: initials(name) }), name,
    h('span', { class: 'sr', text: s ? `: ${s.stance}` : ': not voted yet' }));
  });
  if (eligible.length > STANCE_CHIPS) out.push(h('span', { class: 'stance pending', text: `+${eligible.length - STANCE_CHIPS} more` }));
  return out;
}

// tallyBar is the small closed-vote bar of a decision.
export function tallyBar(t, E) {
  return h('div', { class: 'bar small', role: 'img', 'aria-label': STANCES.map((s) => `${t[s] || 0} ${s}`).join(', ') + ` of ${E} eligible` },
    h('div', { class: 'fill' }, STANCES.map((s) => {
      const seg = h('div', { class: 'seg ' + s });
      seg.style.width = E ? (100 * (t[s] || 0)) / E + '%' : '0';
      return seg;
    })));
}
