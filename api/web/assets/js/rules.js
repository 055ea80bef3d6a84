// rules.js: the decision rules as docs/RULES.md states them, used only
// to say what closing a vote now would give; the server's VotingClosed is
// what counts.

export const STANCES = ['agree', 'disagree', 'block', 'abstain'];
export const RULES = { consensus: 'Consensus', unanimity: 'Unanimity', supermajority: 'Supermajority', majority: 'Majority' };
export const KINDS = { resolution: 'Resolution', charter: 'Charter', operating_agreement: 'Operating agreement', position: 'Position' };

export function frac(s, fallback) {
  const m = /^(\d+)\/(\d+)$/.exec(s || fallback || '');
  return m ? [Number(m[1]), Number(m[2])] : [0, 1];
}

export function defaultThreshold(rule) {
  return rule === 'supermajority' ? '2/3' : rule === 'consensus' ? '3/4' : rule === 'unanimity' ? '1/1' : '1/2';
}

export function hasThreshold(rule) {
  return rule === 'consensus' || rule === 'supermajority';
}

export function charterText(c) {
  if (!c) return '';
  const parts = [RULES[c.decision_rule] || c.decision_rule];
  if (hasThreshold(c.decision_rule)) parts.push('threshold ' + (c.threshold || defaultThreshold(c.decision_rule)));
  parts.push('quorum ' + (c.quorum || '1/2'));
  if (c.signatures === 'required') parts.push('signatures required');
  if (c.max_proxies > 0) parts.push(`up to ${c.max_proxies} prox${c.max_proxies === 1 ? 'y' : 'ies'} each`);
  return parts.join(' · ');
}

// charterSentence says in words when a proposal passes under charter c.
export function charterSentence(c) {
  const q = c.quorum || '1/2';
  const t = c.threshold || defaultThreshold(c.decision_rule);
  const took = `at least ${q} of the eligible members take part`;
  switch (c.decision_rule) {
    case 'unanimity': return `Adopted when ${took}, at least one agrees, and no one disagrees or blocks.`;
    case 'consensus': return `Adopted when ${took}, at least ${t} of those who agree or disagree agree, and no one blocks.`;
    case 'supermajority': return `Adopted when ${took} and at least ${t} of those who agree, disagree or block agree.`;
    case 'majority': return `Adopted when ${took} and more than half of those who agree, disagree or block agree.`;
    default: return '';
  }
}

export function tallyOf(p) {
  const t = { agree: 0, disagree: 0, abstain: 0, block: 0 };
  const eligible = (p.voting && p.voting.eligible) || [];
  for (const id of eligible) {
    const s = p.stances && p.stances[id];
    if (s && s.stance in t) t[s.stance]++;
  }
  return t;
}

export function quorumNeeded(rule, eligible) {
  const [qn, qd] = frac(rule.quorum, '1/2');
  return Math.max(1, Math.floor((qn * eligible + qd - 1) / qd));
}

function plural(n, one) {
  return `${n} ${n === 1 ? one : one + 's'}`;
}

// forecast returns [adopted, why] for tally t of E eligible under rule.
export function forecast(rule, t, E) {
  const A = t.agree, D = t.disagree, S = t.abstain, B = t.block;
  const P = A + D + S + B;
  const r = rule.decision_rule;
  const [qn, qd] = frac(rule.quorum, '1/2');
  const [tn, td] = frac(rule.threshold, defaultThreshold(r));
  if (!(P >= 1 && P * qd >= qn * E)) return [false, `quorum not met yet (${P} of ${quorumNeeded(rule, E)} needed)`];
  if (r === 'majority') {
    return 2 * A > A + D + B ? [true, `${A} of ${A + D + B} is a majority`] : [false, `${A} of ${A + D + B} is not a majority`];
  }
  if (A < 1) return [false, 'no member agrees yet'];
  if ((r === 'consensus' || r === 'unanimity') && B > 0) return [false, plural(B, 'block') + ' — one block vetoes'];
  if (r === 'unanimity') return D === 0 ? [true, 'everyone who voted agrees or abstains'] : [false, plural(D, 'member') + ' disagree'];
  const base = r === 'consensus' ? A + D : A + D + B;
  return A * td >= tn * base
    ? [true, `${A}/${base} ≥ ${tn}/${td}${r === 'consensus' ? ', no block' : ''}`]
    : [false, `${A}/${base} is below ${tn}/${td}`];
}

// vetoed reports whether a closed vote was decided by a block: under
// consensus or unanimity one block vetoes.
export function vetoed(p) {
  const o = p.outcome;
  const r = p.voting && p.voting.rule && p.voting.rule.decision_rule;
  return !!(o && o.result === 'rejected' && o.quorum_met && o.tally && o.tally.block > 0 && (r === 'consensus' || r === 'unanimity'));
}
