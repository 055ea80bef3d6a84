// keys.js: a member's signing keys in this browser. Each is a WebCrypto
// Ed25519 key pair made non-extractable: the private key can sign, but no
// script (this page's included) can read its bytes. The CryptoKey itself is
// kept in IndexedDB (stored as the object, structured-cloned, never as
// bytes), one record per alliance, member and key id.

import { keyID, keyRegistrationStatement } from './statement.js';

const DB_NAME = 'accord-keys';
const STORE = 'keys';
const ED25519 = { name: 'Ed25519' };

let dbOpen = null;
let support = null;

// supported answers (a promise of) why this browser cannot make a
// non-extractable Ed25519 key, or '' when it can.
export function supported() {
  if (!support) support = probe();
  return support;
}

async function probe() {
  if (!window.isSecureContext || !globalThis.crypto || !crypto.subtle) {
    return 'This page is not served over HTTPS (or from this computer), so the browser offers no WebCrypto to sign with.';
  }
  if (!globalThis.indexedDB) return 'This browser keeps no IndexedDB here (a private window may not), so it cannot keep a key.';
  try {
    await crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']);
    return '';
  } catch {
    return 'This browser cannot make Ed25519 keys (WebCrypto Ed25519 needs a recent browser).';
  }
}

function openDB() {
  if (!dbOpen) {
    dbOpen = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('The key store is held by another tab of an older page: close it and try again.'));
    });
    dbOpen.catch(() => { dbOpen = null; });
  }
  return dbOpen;
}

// run performs fn(store) in one transaction and answers what the request
// fn returns (if any) once the transaction is done; it rejects with the
// browser's error.
async function run(mode, fn) {
  const db = await openDB();
  return new Promise((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = fn(t.objectStore(STORE));
    t.oncomplete = () => resolve(req ? req.result : undefined);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new Error('The key store refused the change.'));
  });
}

// recordID names the record of a member's key in this browser.
export function recordID(allianceID, memberID, keyId) {
  return `${allianceID}/${memberID}/${keyId}`;
}

// keyFor answers the stored key record ({id, alliance_id, member_id, key_id,
// public_key, private_key, created_at}) with that id, or null.
export async function keyFor(id) {
  return (await run('readonly', (s) => s.get(id))) || null;
}

const base64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

// signText answers the standard base64 of privateKey's Ed25519 signature of
// text's UTF-8 bytes.
export async function signText(privateKey, text) {
  return base64(await crypto.subtle.sign(ED25519, privateKey, new TextEncoder().encode(text)));
}

// createKey makes a new non-extractable key pair for a member, keeps it in
// this browser, and answers its record with the registration to send:
// {record, registration: {public_key, proof}}. It rejects when the browser
// cannot make or keep it.
export async function createKey(allianceID, memberID) {
  const pair = await crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']);
  const raw = await crypto.subtle.exportKey('raw', pair.publicKey);
  const publicKey = base64(raw);
  const keyId = await keyID(raw);
  const record = {
    id: recordID(allianceID, memberID, keyId), alliance_id: allianceID, member_id: memberID, key_id: keyId,
    public_key: publicKey, private_key: pair.privateKey, created_at: new Date().toISOString(),
  };
  // Kept before it is registered, so that a key the ledger may have
  // recorded is never lost with an answer that went astray.
  await run('readwrite', (s) => s.put(record));
  const proof = await signText(pair.privateKey, keyRegistrationStatement(allianceID, memberID, publicKey));
  return { record, registration: { public_key: publicKey, proof } };
}

// forgetKey deletes the key record with that id from this browser.
export async function forgetKey(id) {
  await run('readwrite', (s) => s.delete(id));
}

// forgetOthers deletes the member's keys in this browser but keepKeyId:
// a key replaced can sign nothing the ledger would accept.
export async function forgetOthers(allianceID, memberID, keepKeyId) {
  const prefix = recordID(allianceID, memberID, '');
  const keep = recordID(allianceID, memberID, keepKeyId);
  const range = IDBKeyRange.bound(prefix, prefix + '\uffff');
  const ids = await run('readonly', (s) => s.getAllKeys(range));
  const gone = (ids || []).filter((id) => id !== keep);
  if (gone.length) await run('readwrite', (s) => { for (const id of gone) s.delete(id); });
}
