// statement.js: the text a member signs, built exactly as the ledger builds
// it to check a signature (docs/VERIFYING.md §9): the header lines, then the
// action's fields in their order; a free text as sha256:<hex> of its UTF-8
// bytes, a number as the shortest decimal that parses back to it, signed-at
// as RFC 3339 in UTC. Each builder takes the values as the ledger records
// them and answers (a promise of) the statement's text. A test compares
// every builder, byte for byte, with the ledger's own.

export const STATEMENT_VERSION = 'accord-statement/v1';
export const KEY_STATEMENT_VERSION = 'accord-key/v1';

// MEANINGS are what a signature on a vote of each stance means.
const MEANINGS = { agree: 'approval', disagree: 'objection', abstain: 'abstention', block: 'block' };

// meaningOfStance returns the meaning of a vote with that stance, or '' for
// an unknown stance.
export function meaningOfStance(stance) {
  return MEANINGS[stance] || '';
}

// formatSignedAt writes an instant (a Date) as RFC 3339 in UTC with as many
// fractional digits as it needs, none when it falls on a whole second.
export function formatSignedAt(date) {
  const iso = date.toISOString(); // always .sss
  const [whole, frac] = iso.slice(0, -1).split('.');
  const digits = (frac || '').replace(/0+$/, '');
  return whole + (digits ? '.' + digits : '') + 'Z';
}

// formatNumber writes a finite number as the shortest decimal that parses
// back to it, in plain notation (never an exponent), as the ledger does.
export function formatNumber(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${v} is not a finite number`);
  if (Object.is(v, -0)) return '-0';
  const s = String(v); // the shortest digits, in exponent form past 1e21 or under 1e-6
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, whole, frac = '', exp] = m;
  const digits = whole + frac;
  const point = whole.length + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

// SPACE is what the ledger trims from a title or a metric: Unicode white
// space as Go's unicode.IsSpace knows it (JavaScript's trim differs: it
// trims U+FEFF and keeps U+0085).
const SPACE = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const EDGES = new RegExp(`^${SPACE}+|${SPACE}+$`, 'g');

// trimSpace returns s without surrounding white space, as the ledger
// records a title or a metric.
export function trimSpace(s) {
  return String(s).replace(EDGES, '');
}

const hex = (bytes) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

// textDigest returns how a statement writes a free text: "sha256:" and the
// lowercase hex SHA-256 of its UTF-8 bytes.
export async function textDigest(text) {
  return 'sha256:' + hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

// keyID returns the id of a raw 32-byte Ed25519 public key: the first 16
// hex digits of its SHA-256.
export async function keyID(raw) {
  return hex(await crypto.subtle.digest('SHA-256', raw)).slice(0, 16);
}

// keyRegistrationStatement is the text a member signs with a new key to
// prove it holds it.
export function keyRegistrationStatement(allianceID, memberID, publicKey) {
  return `${KEY_STATEMENT_VERSION}\nalliance ${allianceID}\nmember ${memberID}\nkey ${publicKey}\n`;
}

// statementText joins a statement's lines: the header h ({allianceID,
// memberID, signedAt (a Date), commandID}), action and meaning, then fields
// ([name, value] pairs), every line ending in "\n".
export function statementText(h, action, meaning, fields) {
  const lines = [
    STATEMENT_VERSION,
    `alliance ${h.allianceID}`,
    `member ${h.memberID}`,
    `action ${action}`,
    `meaning ${meaning}`,
    `signed-at ${formatSignedAt(h.signedAt)}`,
    `command ${h.commandID}`,
    ...fields.map(([name, value]) => `${name} ${value}`),
  ];
  return lines.join('\n') + '\n';
}

const text = async (name, s) => [name, await textDigest(s)];
const num = (name, v) => [name, formatNumber(v)];

// voteStatement is the statement of a vote on version of a proposal;
// forMember is the grantor when the signer casts it as its proxy, else ''.
export async function voteStatement(h, proposalID, version, stance, reason, forMember) {
  const fields = [['proposal', proposalID], ['version', String(version)], ['stance', stance], await text('reason', reason)];
  if (forMember) fields.push(['for', forMember]);
  return statementText(h, 'vote', meaningOfStance(stance), fields);
}

// proposeStatement is the statement of submitting a proposal; title as
// recorded (trimmed).
export async function proposeStatement(h, kind, title, body) {
  return statementText(h, 'propose', 'authorship', [['kind', kind], await text('title', title), await text('body', body)]);
}

// amendStatement is the statement of proposing an amendment.
export async function amendStatement(h, proposalID, body, rationale) {
  return statementText(h, 'amend', 'authorship', [['proposal', proposalID], await text('body', body), await text('rationale', rationale)]);
}

// acceptAmendmentStatement is the statement of accepting an amendment.
export async function acceptAmendmentStatement(h, proposalID, amendmentID) {
  return statementText(h, 'accept-amendment', 'acceptance', [['proposal', proposalID], ['amendment', amendmentID]]);
}

// rejectAmendmentStatement is the statement of rejecting an amendment.
export async function rejectAmendmentStatement(h, proposalID, amendmentID) {
  return statementText(h, 'reject-amendment', 'rejection', [['proposal', proposalID], ['amendment', amendmentID]]);
}

// commitStatement is the statement of a commitment on proposalID or, when
// that is '', toward workgroupID; metric as recorded (trimmed).
export async function commitStatement(h, proposalID, workgroupID, description, metric, target, due) {
  const on = proposalID ? ['proposal', proposalID] : ['workgroup', workgroupID];
  return statementText(h, 'commit', 'commitment',
    [on, await text('description', description), await text('metric', metric), num('target', target), ['due', due]]);
}

// reportProgressStatement is the statement of reporting progress on a
// commitment.
export async function reportProgressStatement(h, commitmentID, value, note) {
  return statementText(h, 'report-progress', 'report', [['commitment', commitmentID], num('value', value), await text('note', note)]);
}

// fulfilStatement is the statement of attesting that a commitment is met,
// with the final value the ledger records.
export async function fulfilStatement(h, commitmentID, value, note) {
  return statementText(h, 'fulfil', 'attestation', [['commitment', commitmentID], num('value', value), await text('note', note)]);
}

// readStatement reads the header of a stored statement's text: its action,
// meaning and signed-at (a string), each '' when missing.
export function readStatement(statement) {
  const names = { action: 'action', meaning: 'meaning', 'signed-at': 'signedAt' };
  const out = { action: '', meaning: '', signedAt: '' };
  for (const line of String(statement || '').split('\n')) {
    const at = line.indexOf(' ');
    const name = at < 0 ? line : line.slice(0, at);
    if (name === 'command') break; // the header ends there; the fields follow
    if (Object.hasOwn(names, name)) out[names[name]] = line.slice(at + 1);
  }
  return out;
}
