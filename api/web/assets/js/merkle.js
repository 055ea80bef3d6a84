// merkle.js: checking in this browser that one tree of the log is a prefix
// of a later one, from an RFC 6962 consistency proof and the two roots,
// with WebCrypto's SHA-256 — so that the page holds the server to what it
// showed before instead of taking its word. An interior node hashes as
// SHA-256(0x01 ‖ left ‖ right), a leaf as SHA-256(0x00 ‖ line) (RFC 6962
// §2.1); the check follows the verification algorithm that RFC 9162
// §2.1.4.2 states for RFC 6962's proofs.

import { concat, sameBytes, sha256 } from './bytes.js';

export const HASH_SIZE = 32;

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

// ConsistencyError is a consistency proof that does not hold, with why.
export class ConsistencyError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConsistencyError';
  }
}

// leafHash answers the RFC 6962 hash of a leaf's bytes.
export function leafHash(line) {
  return sha256(concat(LEAF, line));
}

// nodeHash answers the RFC 6962 hash of an interior node.
export function nodeHash(left, right) {
  return sha256(concat(NODE, left, right));
}

const odd = (x) => x % 2 === 1;
const half = (x) => Math.floor(x / 2);

// verifyConsistency checks that the tree of m leaves with root oldRoot is a
// prefix of the tree of n leaves with root newRoot, by proof (an array of
// 32-byte Uint8Arrays as the server answers them, decoded). It resolves
// when the proof holds, and rejects with a ConsistencyError saying why when
// it does not: sizes out of order, a hash of the wrong length, a proof
// too long or too short, or one that leads to other roots.
export async function verifyConsistency(m, n, proof, oldRoot, newRoot) {
  checkInputs(m, n, proof, oldRoot, newRoot);
  if (m === n || m === 0) {
    if (proof.length !== 0) throw new ConsistencyError(`a proof from size ${m} to ${n} must be empty, not ${proof.length} hashes`);
    if (m === n && !sameBytes(oldRoot, newRoot)) throw new ConsistencyError(`size ${m} has two different roots`);
    return;
  }
  if (proof.length === 0) throw new ConsistencyError(`the proof from size ${m} to ${n} is empty`);
  // A power of two's old tree is a complete subtree of the new one: the
  // proof leaves out its root, which starts the walk.
  const path = Number.isInteger(Math.log2(m)) ? [oldRoot, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ConsistencyError(`the proof from size ${m} to ${n} has too many hashes (${proof.length})`);
    if (odd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ConsistencyError(`the proof from size ${m} to ${n} has too few hashes (${proof.length})`);
  if (!sameBytes(fr, oldRoot)) throw new ConsistencyError(`the proof does not lead to the root of size ${m}`);
  if (!sameBytes(sr, newRoot)) throw new ConsistencyError(`the proof does not lead to the root of size ${n}`);
}

// checkInputs throws a ConsistencyError unless 0 <= m <= n are whole
// numbers and every hash is 32 bytes.
function checkInputs(m, n, proof, oldRoot, newRoot) {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) {
    throw new ConsistencyError(`sizes ${m} and ${n} are not 0 <= old <= new`);
  }
  if (!Array.isArray(proof)) throw new ConsistencyError('the proof is not a list of hashes');
  for (const [what, x] of [['the old root', oldRoot], ['the new root', newRoot], ...proof.map((p, i) => [`proof hash ${i + 1}`, p])]) {
    if (!(x instanceof Uint8Array) || x.length !== HASH_SIZE) throw new ConsistencyError(`${what} is not ${HASH_SIZE} bytes`);
  }
}
