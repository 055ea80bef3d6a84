// bytes.js: the byte handling the transparency checks need — canonical
// base64, hex, comparison and concatenation of Uint8Arrays.

// fromBase64 decodes standard padded base64, and answers null for any text
// that is not the one canonical spelling of its bytes (as the ledger
// refuses it too), so that each value has one form.
export function fromBase64(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  let bin;
  try { bin = atob(text); } catch { return null; }
  const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return toBase64(out) === text ? out : null;
}

// toBase64 encodes bytes as standard padded base64.
export function toBase64(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

// toHex writes bytes as lowercase hex.
export function toHex(bytes) {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// sameBytes reports whether a and b hold the same bytes.
export function sameBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

// concat joins Uint8Arrays (and strings, as UTF-8) into one.
export function concat(...parts) {
  const enc = new TextEncoder();
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

// sha256 answers (a promise of) the SHA-256 of bytes, by WebCrypto.
export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}
