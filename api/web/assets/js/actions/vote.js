// actions/vote.js: an eligible member casts or changes its vote with a
// reason; a convener opens voting (with an optional deadline) and closes it.

import { h, fmtTime, plural } from '../dom.js';
import { app } from '../store.js';
import { write, alliancePath } from '../api.js';
import { openDialog } from '../dialog.js';
import { actionForm, field } from '../form.js';
import { charterText, forecast, tallyOf } from '../rules.js';
import { changed, announce } from '../bus.js';
import { sendSigned, signNote, signaturesRequired } from '../signing.js';
import { voteStatement } from '../statement.js';

const STANCE_LABELS = [['agree', 'Agree'], ['disagree', 'Disagree'], ['abstain', 'Abstain'], ['block', 'Block']];

// voteForm is the signed-in member's ballot on proposal p, showing its
// current stance (mine) if it has one; the vote is signed when the member
// has its key in this browser.
export function voteForm(p, mine) {
  const required = signaturesRequired(p);
  const now = mine
    ? h('p', { class: 'my-stance' }, 'You voted ', h('b', { class: 'stance-word ' + mine.stance, text: mine.stance }), ` at ${fmtTime(mine.at)} (#${mine.seq})`,
      mine.reason ? [': ', h('q', { text: mine.reason })] : '', '. You may change your vote until voting closes.')
    : h('p', { class: 'my-stance', text: 'You have not voted on this proposal yet.' });
  return actionForm({
    cls: 'vote-form',
    fields: [
      now,
      field({ label: 'Your stance', name: 'stance', kind: 'radio', value: mine ? mine.stance : '', required: true, options: STANCE_LABELS,
        hint: p.voting.rule.decision_rule === 'consensus' || p.voting.rule.decision_rule === 'unanimity'
          ? 'Under this rule one block vetoes the proposal: give your reason in full.' : null }),
      field({ label: 'Reason', name: 'reason', kind: 'textarea', value: mine ? mine.reason : '', attrs: { rows: 3 } }),
      signNote(required),
    ],
    submit: mine ? 'Change vote' : 'Cast vote',
    run: (v, key) => sendSigned({
      method: 'PUT', path: alliancePath(app.aid, 'proposals', p.id, 'vote'), body: { stance: v.stance, reason: v.reason }, key, required,
      build: (hd) => voteStatement(hd, p.id, p.voting.version, v.stance, v.reason, ''),
    }),
    done: (out) => { announce(`Your vote, ${out && out.stance ? out.stance : 'cast'}, is recorded.`); changed(); },
  });
}

// localToRFC3339 turns a datetime-local value into an RFC 3339 instant.
function localToRFC3339(v) {
  if (!v) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error('The deadline is not a date and time.');
  return d.toISOString();
}

// openVotingDialog asks a convener to open voting on p, with an optional
// deadline after which the ledger closes it itself.
export function openVotingDialog(p) {
  const active = (app.st.members || []).filter((m) => m.status === 'active').length;
  openDialog('Open voting', (close) => actionForm({
    fields: [
      h('p', { class: 'muted', text: `Members vote on version ${p.version} of “${p.title}” under ${charterText(app.st.charter)}. ` +
        `The ${plural(active, 'active member')} now are the eligible ones; the text cannot change after this.` }),
      field({ label: 'Deadline', name: 'closes_at', kind: 'datetime-local', hint: 'Voting closes by itself then. Leave it empty to close it by hand.' }),
    ],
    submit: 'Open voting',
    run: (v, key) => write('POST', alliancePath(app.aid, 'proposals', p.id, 'voting'), { closes_at: localToRFC3339(v.closes_at) }, key),
    done: () => { close(); announce('Voting is open.'); changed(); },
  }));
}

// closeVotingDialog asks a convener to confirm closing the vote on p.
export function closeVotingDialog(p) {
  const E = (p.voting.eligible || []).length;
  const [adopted, why] = forecast(p.voting.rule || {}, tallyOf(p), E);
  openDialog('Close voting', (close) => actionForm({
    fields: [h('p', null, `Closing now records the outcome of “${p.title}”: `, h('b', { text: adopted ? 'adopted' : 'rejected' }), ` (${why}). No vote can change after it.`)],
    submit: 'Close voting',
    run: (_, key) => write('POST', alliancePath(app.aid, 'proposals', p.id, 'close'), {}, key),
    done: (out) => { close(); announce(`Voting closed: ${out && out.result ? out.result : 'done'}.`); changed(); },
  }));
}
