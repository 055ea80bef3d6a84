// checkpoint.js: the log's checkpoints read and checked in this browser.
// A checkpoint is a C2SP signed note: the body
//
//   accord/<alliance id>\n<size>\n<base64 root>\n
//
// a blank line, then signature lines "— <key name> <base64>". The log signs
// with Ed25519 under the key name of the origin (verifier key
// name+<8 hex key id>+base64(0x01 ‖ key)); each witness cosigns with a
// cosignature/v1 (key type 0x04): an Ed25519 signature over
// "cosignature/v1\ntime <unix seconds>\n" and the body, sent as key id ‖
// 8-byte big-endian time ‖ signature.

import { concat, fromBase64, sameBytes, sha256, toHex } from './bytes.js';
import { HASH_SIZE } from './merkle.js';

const SIG_LINE = /^\u2014 (\S+) (\S+)$/;
const SIZE = /^(0|[1-9][0-9]*)$/;

// KEY_TYPES are the signature type bytes of the two kinds of key.
export const KEY_TYPES = { log: 0x01, witness: 0x04 };

// NoteError says why a checkpoint or a key cannot be read.
export class NoteError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NoteError';
  }
}

// parseCheckpoint reads a served checkpoint's text into {text, body,
// origin, size, root (32 bytes), rootB64, sigs: [{name, keyId (8 hex),
// sig (bytes after the key id)}]}. It throws a NoteError when the text is
// not three body lines, a blank line and signature lines.
export function parseCheckpoint(text) {
  const cut = text.indexOf('\n\n');
  if (cut < 0 || !text.endsWith('\n')) throw new NoteError('a checkpoint is a body, a blank line and signature lines');
  const body = text.slice(0, cut + 1);
  const [origin, sizeText, rootB64, rest] = body.split('\n');
  const root = fromBase64(rootB64 || '');
  if (rest !== '' || !origin || !SIZE.test(sizeText || '') || !root || root.length !== HASH_SIZE) {
    throw new NoteError('a checkpoint body is three lines: origin, size and the base64 of a 32-byte root');
  }
  const sigs = text.slice(cut + 2, -1).split('\n').map(parseSignatureLine);
  return { text, body, origin, size: Number(sizeText), root, rootB64, sigs };
}

// parseSignatureLine splits "— <name> <base64>" into the name, the key id
// (the first four bytes, as hex) and the signature after it.
function parseSignatureLine(line) {
  const m = SIG_LINE.exec(line);
  const raw = m && fromBase64(m[2]);
  if (!raw || raw.length <= 4) throw new NoteError(`"${line.slice(0, 80)}" is not a signature line`);
  return { name: m[1], keyId: toHex(raw.subarray(0, 4)), sig: raw.subarray(4) };
}

// parseVerifierKey reads a C2SP verifier key name+<8 hex id>+<base64(type ‖
// 32-byte key)> of the given type (KEY_TYPES) into {name, keyId, raw}. It
// rejects with a NoteError when the key is malformed, of another type, or
// its id is not the one its name, type and key compute to.
export async function parseVerifierKey(vkey, type) {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(String(vkey).trim());
  const bytes = m && fromBase64(m[3]);
  if (!bytes || bytes.length !== 33) {
    throw new NoteError(`"${String(vkey).slice(0, 80)}" is not a verifier key name+id+key`);
  }
  const [, name, keyId] = m;
  if (bytes[0] !== type) throw new NoteError(`the key ${name} is of type ${bytes[0]}, not ${type}`);
  const raw = bytes.subarray(1);
  const id = toHex((await sha256(concat(name, '\n', bytes))).subarray(0, 4));
  if (id !== keyId) throw new NoteError(`the key ${name} says its id is ${keyId}, but it computes to ${id}`);
  return { name, keyId, raw };
}

// ed25519Verify answers whether sig is key's Ed25519 signature of msg; a
// browser without WebCrypto Ed25519 makes it reject.
async function ed25519Verify(raw, sig, msg) {
  const key = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, sig, msg);
}

// logSignatureValid answers whether the checkpoint cp carries a valid
// signature of the log key (from parseVerifierKey) under the key's name.
export async function logSignatureValid(cp, logKey) {
  const line = cp.sigs.find((s) => s.name === logKey.name && s.keyId === logKey.keyId);
  if (!line || line.sig.length !== 64) return false;
  return ed25519Verify(logKey.raw, line.sig, new TextEncoder().encode(cp.body));
}

// cosignatureOf checks a signature line of cp as a witness's cosignature
// with key (from parseVerifierKey): it answers {time (a Date), valid}, or
// null when the line is not of that key or not of cosignature/v1's size.
export async function cosignatureOf(cp, line, key) {
  if (line.name !== key.name || line.keyId !== key.keyId || line.sig.length !== 8 + 64) return null;
  const unix = new DataView(line.sig.buffer, line.sig.byteOffset, 8).getBigUint64(0);
  const msg = concat(`cosignature/v1\ntime ${unix}\n`, cp.body);
  const valid = await ed25519Verify(key.raw, line.sig.subarray(8), msg);
  return { time: new Date(Number(unix) * 1000), valid };
}

// sameCheckpoint reports whether a and b name the same tree: size and root.
export function sameCheckpoint(a, b) {
  return a.size === b.size && sameBytes(a.root, b.root);
}
