// tlog.js: holding an alliance's transparency log to what this browser was
// shown before. The browser remembers (localStorage, per alliance) the log's
// verifier key from its first sight and the last checkpoint it accepted;
// each survey fetches the head checkpoint, checks the log's signature on
// it with the pinned key, and checks by a consistency proof, verified here,
// that it extends the checkpoint remembered. A checkpoint that does not
// (another root for the same size, a smaller tree, a proof that fails) is
// never remembered in its place: the survey flags it and keeps both.

import { get, getText, alliancePath } from './api.js';
import { fromBase64 } from './bytes.js';
import { KEY_TYPES, NoteError, cosignatureOf, logSignatureValid, parseCheckpoint, parseVerifierKey, sameCheckpoint } from './checkpoint.js';
import { verifyConsistency } from './merkle.js';

// VERDICTS are the outcomes of a survey against what was seen before.
export const VERDICTS = { first: 'first', same: 'same', extends: 'extends', flagged: 'flagged' };

const seenKey = (aid) => `accord.tlog.${aid}`;
const pinKey = (aid) => `accord.tlog-key.${aid}`;

function load(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}

function store(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* storage refused: nothing is remembered */ }
}

// remembered answers the checkpoint this browser last accepted for aid,
// {size, root (bytes), rootB64, note}, or null when it holds none readable.
function remembered(aid) {
  const r = load(seenKey(aid));
  const root = r && fromBase64(r.root);
  if (!r || !Number.isSafeInteger(r.size) || r.size < 1 || !root || root.length !== 32) return null;
  return { size: r.size, root, rootB64: r.root, note: typeof r.note === 'string' ? r.note : '' };
}

// remember keeps cp as the checkpoint seen last, unless another tab has
// meanwhile remembered a larger one.
function remember(aid, cp) {
  const now = remembered(aid);
  if (now && now.size > cp.size) return;
  store(seenKey(aid), { size: cp.size, root: cp.rootB64, note: cp.text });
}

// survey checks the alliance's log as served now against what this browser
// saw before, with witnesses the alliance's registered witnesses. It
// answers a report {verdict, problems: [words], head, seen, proofHashes,
// logKey: {vkey (pinned), served, pinnedAt, changed, keyId}, cosigned:
// {cp, cosigners, extendedByHead} or null}. It throws HTTPError when the
// server cannot answer.
export async function survey(aid, witnesses) {
  // What was seen and what was cosigned are read before the head is
  // fetched, so that an honest head is never older than either.
  const seen = remembered(aid);
  const [vkeyText, cosignedText] = await Promise.all([
    getText(alliancePath(aid, 'log-key')),
    witnesses.length ? getText(alliancePath(aid, 'checkpoint', 'cosigned')).catch(noneYet) : null,
  ]);
  const headText = await getText(alliancePath(aid, 'checkpoint'));
  const report = { verdict: VERDICTS.first, problems: [], seen, head: null, proofHashes: 0, cosigned: null };
  const logKey = await pinnedLogKey(aid, vkeyText.trim(), report);
  report.head = await openCheckpoint(aid, headText, logKey, report, 'The head checkpoint');
  if (!report.head) return flagged(report);
  await compareWithSeen(aid, report);
  if (cosignedText) report.cosigned = await cosignedReport(aid, cosignedText, logKey, witnesses, report);
  if (report.problems.length) return flagged(report);
  remember(aid, report.head);
  return report;
}

function noneYet(err) {
  if (err.status === 404) return null;
  throw err;
}

function flagged(report) {
  report.verdict = VERDICTS.flagged;
  return report;
}

// pinnedLogKey pins the served log key on first sight and answers the key
// pinned (parsed), noting in report a key that changed or cannot be read.
async function pinnedLogKey(aid, served, report) {
  const stored = load(pinKey(aid));
  const pinned = stored && typeof stored.vkey === 'string' ? stored : null;
  if (!pinned) store(pinKey(aid), { vkey: served, at: new Date().toISOString() });
  const vkey = pinned ? pinned.vkey : served;
  report.logKey = { vkey, served, pinnedAt: pinned ? pinned.at : new Date().toISOString(), changed: vkey !== served };
  if (report.logKey.changed) report.problems.push('The log key served now is not the one this browser pinned when it first saw this alliance.');
  try {
    const key = await parseVerifierKey(vkey, KEY_TYPES.log);
    if (key.name !== `accord/${aid}`) throw new NoteError(`the log key is named ${key.name}, not accord/${aid}`);
    report.logKey.keyId = key.keyId;
    return key;
  } catch (err) {
    report.problems.push(`The log key cannot be used: ${err.message}.`);
    return null;
  }
}

// openCheckpoint parses a served checkpoint and checks its origin and the
// log's signature; it answers it (with signed set), or null when it cannot
// be read, noting each problem in report under the name what.
async function openCheckpoint(aid, text, logKey, report, what) {
  let cp;
  try {
    cp = parseCheckpoint(text);
  } catch (err) {
    report.problems.push(`${what} cannot be read: ${err.message}.`);
    return null;
  }
  if (cp.origin !== `accord/${aid}`) report.problems.push(`${what} is of the log ${cp.origin}, not of this alliance.`);
  // null: this browser has no WebCrypto Ed25519 to check with, which says
  // nothing against the log.
  cp.signed = logKey ? await logSignatureValid(cp, logKey).catch(() => null) : false;
  if (cp.signed === false) report.problems.push(`${what} (size ${cp.size}) does not carry a valid signature of the pinned log key.`);
  return cp;
}

// compareWithSeen sets the report's verdict from the head against the
// checkpoint seen before: first, same, extends (by a proof verified here),
// or a problem noted.
async function compareWithSeen(aid, report) {
  const { seen, head } = report;
  if (!seen) return;
  if (seen.size === head.size) {
    if (sameCheckpoint(seen, head)) report.verdict = VERDICTS.same;
    else report.problems.push(`The log now has another root for size ${head.size} than the one this browser saw.`);
    return;
  }
  if (seen.size > head.size) {
    report.problems.push(`The log now has ${head.size} events, fewer than the ${seen.size} this browser saw.`);
    return;
  }
  const why = await extendsBy(aid, seen, head, report);
  if (why) report.problems.push(`The head checkpoint (size ${head.size}) does not extend the one this browser saw (size ${seen.size}): ${why}.`);
  else report.verdict = VERDICTS.extends;
}

// extendsBy fetches the consistency proof from older to newer and verifies
// it against both roots; it answers '' when it holds, else why not.
async function extendsBy(aid, older, newer, report) {
  const proof = await get(`${alliancePath(aid, 'proofs', 'consistency')}?from=${older.size}&to=${newer.size}`);
  const hashes = (proof && Array.isArray(proof.hashes) ? proof.hashes : []).map(fromBase64);
  if (!proof || proof.from !== older.size || proof.to !== newer.size || hashes.some((x) => !x)) return 'the server answered no proof of these sizes';
  report.proofHashes = hashes.length;
  try {
    await verifyConsistency(older.size, newer.size, hashes, older.root, newer.root);
    return '';
  } catch (err) {
    return err.message;
  }
}

// cosignedReport reads the largest cosigned checkpoint: who cosigned it
// (each line matched to a registered witness by key name and key id, and
// verified), and whether the head extends it.
async function cosignedReport(aid, text, logKey, witnesses, report) {
  const cp = await openCheckpoint(aid, text, logKey, report, 'The cosigned checkpoint');
  if (!cp) return null;
  const cosigners = [];
  for (const line of cp.sigs) {
    if (logKey && line.name === logKey.name) continue;
    const c = await cosigner(cp, line, witnesses);
    if (c.witness && c.valid === false) report.problems.push(`The cosignature of ${c.name} on the checkpoint of size ${cp.size} does not verify.`);
    cosigners.push(c);
  }
  const head = report.head;
  const extendedByHead = await headExtends(aid, cp, head);
  if (!extendedByHead) report.problems.push(`The head checkpoint (size ${head.size}) does not extend the cosigned one (size ${cp.size}).`);
  return { cp, cosigners, extendedByHead };
}

// headExtends answers whether head is cp or extends it by a proof verified
// here.
async function headExtends(aid, cp, head) {
  if (cp.size >= head.size) return sameCheckpoint(cp, head);
  return (await extendsBy(aid, cp, head, {})) === '';
}

// cosigner answers who made one cosignature line: {name, keyId, witness
// (the registered entry, or null), time, valid (null when this browser
// cannot check Ed25519)}.
async function cosigner(cp, line, witnesses) {
  for (const w of witnesses) {
    const key = await parseVerifierKey(w.vkey, KEY_TYPES.witness).catch(() => null);
    if (!key || key.name !== line.name || key.keyId !== line.keyId) continue;
    const c = await cosignatureOf(cp, line, key).catch(() => ({ time: null, valid: null }));
    return { name: line.name, keyId: line.keyId, witness: w, time: c ? c.time : null, valid: c ? c.valid : false };
  }
  return { name: line.name, keyId: line.keyId, witness: null, time: null, valid: false };
}
