// panels/proposals.js: every proposal, newest first within its status,
// filtered by status or words of its title, shown a page at a time so an
// alliance of thousands renders as fast as one of ten.

import { $, h, plural, patch } from '../dom.js';
import { app, memberName, pendingAmendments } from '../store.js';
import { KINDS } from '../rules.js';
import { proposalHref, link } from '../nav.js';

const PAGE = 25;
const STATUS_ORDER = { voting: 0, open: 1, adopted: 2, rejected: 3, withdrawn: 4 };
const FILTERS = [['all', 'All'], ['open', 'Open'], ['voting', 'Voting'], ['decided', 'Decided'], ['withdrawn', 'Withdrawn']];

const view = { filter: 'all', words: '', shown: PAGE, built: false };

function matches(p) {
  if (view.filter === 'decided' ? !(p.status === 'adopted' || p.status === 'rejected') : view.filter !== 'all' && p.status !== view.filter) return false;
  return !view.words || p.title.toLowerCase().includes(view.words);
}

// build makes the filter controls once; they outlive every render.
function build() {
  const search = h('input', { type: 'search', id: 'proposal-search', placeholder: 'Find by title', 'aria-label': 'Find proposals by title' });
  search.addEventListener('input', () => {
    view.words = search.value.trim().toLowerCase();
    view.shown = PAGE;
    if (app.st) renderProposals(app.st);
  });
  const select = h('select', { id: 'proposal-filter', 'aria-label': 'Show proposals' }, FILTERS.map(([v, l]) => h('option', { value: v, text: l })));
  select.addEventListener('change', () => {
    view.filter = select.value;
    view.shown = PAGE;
    if (app.st) renderProposals(app.st);
  });
  $('proposals-tools').replaceChildren(select, search);
  view.built = true;
}

export function renderProposals(st) {
  if (!view.built) build();
  const all = st.proposals || [];
  const ps = all.map((p, i) => ({ p, i })).filter((x) => matches(x.p))
    .sort((a, b) => (STATUS_ORDER[a.p.status] ?? 9) - (STATUS_ORDER[b.p.status] ?? 9) || b.i - a.i)
    .map((x) => x.p);
  $('proposals-count').textContent = all.length ? plural(all.length, 'proposal') : '';
  const list = $('proposals');
  const shown = ps.slice(0, view.shown);
  const key = JSON.stringify([all.length, shown.map((p) => [p.id, p.title, p.status, p.version, (p.amendments || []).map((a) => a.status).join()])]);
  patch(list, key, () => (shown.length ? shown.map(row)
    : h('li', { class: 'empty', text: all.length ? 'No proposal matches.' : 'No proposal has been submitted yet.' })));
  const more = $('proposals-more');
  const left = ps.length - Math.min(view.shown, ps.length);
  more.hidden = left <= 0;
  more.textContent = `Show ${Math.min(PAGE, left)} more (${left} not shown)`;
}

function row(p) {
  const am = p.amendments || [];
  const pending = pendingAmendments(p).length;
  return h('li', { 'data-proposal': p.id },
    h('div', { class: 'p-main' },
      h('a', { class: 'p-title', href: proposalHref(app.aid, p.id), onclick: link, text: p.title }),
      h('span', { class: 'sub', text: `${KINDS[p.kind] || p.kind} · by ${memberName(p.author_id)}` })),
    h('div', { class: 'p-facts' },
      h('span', { class: 'pill ' + p.status, text: p.status }),
      h('span', { class: 'tag', text: 'v' + p.version }),
      am.length ? h('span', { class: 'tag', text: `${plural(am.length, 'amendment')}${pending ? `, ${pending} pending` : ''}` }) : null));
}

// showMore reveals the next page of the list.
export function showMore() {
  view.shown += PAGE;
  if (app.st) renderProposals(app.st);
}
