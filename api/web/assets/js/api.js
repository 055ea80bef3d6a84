// api.js: the page's only door to the server. Reads go with the session
// cookie (which the server accepts on GET only, and which EventSource
// needs); writes go with the bearer token, kept in this tab's
// sessionStorage, and an Idempotency-Key, so that a retried write is
// recorded once.

const TOKEN = 'accord.token';
const ME = 'accord.me';
const RETRY_DELAYS = [200, 400, 800];

// HTTPError is a refusal from the server (status, code and message in its
// words), or status 0 when it could not be reached.
export class HTTPError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// session returns the token and party this tab signed in as, or nulls.
export function session() {
  try {
    return { token: sessionStorage.getItem(TOKEN), me: JSON.parse(sessionStorage.getItem(ME) || 'null') };
  } catch {
    return { token: null, me: null };
  }
}

// keep remembers the token and party for this tab; keep(null) forgets them.
export function keep(token, me) {
  try {
    if (token) {
      sessionStorage.setItem(TOKEN, token);
      sessionStorage.setItem(ME, JSON.stringify(me));
    } else {
      sessionStorage.removeItem(TOKEN);
      sessionStorage.removeItem(ME);
    }
  } catch { /* storage refused: the page works until it is reloaded */ }
}

// clock.offset is how far the server's clock runs ahead of this
// computer's, from the Date of its answers, when that is more than the
// half minute a Date header (whole seconds) and the way there blur.
const clock = { offset: 0 };

function noteClock(res) {
  const server = Date.parse(res.headers.get('Date') || '');
  if (Number.isNaN(server)) return;
  const off = server - Date.now();
  clock.offset = Math.abs(off) > 30000 ? off : 0;
}

// serverNow is the time by the server's clock, as near as this page knows
// it: a signed statement's signed-at must lie within minutes of it.
export function serverNow() {
  return new Date(Date.now() + clock.offset);
}

async function send(path, init, asText = false) {
  let res;
  try {
    res = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch (err) {
    throw new HTTPError(0, 'unreachable', 'accord cannot be reached: ' + (err.message || 'network error'));
  }
  noteClock(res);
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!res.ok) {
    const e = (body && body.error) || {};
    throw new HTTPError(res.status, e.code || 'http', e.message || `${res.status} ${res.statusText}`);
  }
  return asText ? text : body;
}

// get reads a route with the session cookie. It throws HTTPError.
export function get(path) {
  return send(path, { headers: { Accept: 'application/json' } });
}

// getText reads a text/plain route (a checkpoint, a key) with the session
// cookie and answers its text. It throws HTTPError.
export function getText(path) {
  return send(path, { headers: { Accept: 'text/plain, application/json' } }, true);
}

// startSession signs in with token: the server sets the cookie and answers
// whose token it is. It throws HTTPError (401 for a bad token).
export async function startSession(token) {
  const me = await send('/v1/session', { method: 'POST', headers: { Accept: 'application/json', Authorization: 'Bearer ' + token } });
  keep(token, me);
  return me;
}

// endSession clears the cookie and forgets the token; it never throws.
export async function endSession() {
  keep(null);
  try { await send('/v1/session', { method: 'DELETE' }); } catch { /* the cookie is gone either way */ }
}

// retryable reports whether a write's outcome is unknown, so that sending it
// again with the same key is the way to learn it.
export function retryable(err) {
  return err instanceof HTTPError && (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// write sends a command with the bearer token and key as Idempotency-Key; a
// write whose answer was lost or that met a 502/503/504 is sent again with
// the same key (three times at most), so it is recorded once. It throws
// HTTPError with the server's words when refused.
export async function write(method, path, body, key) {
  const { token } = session();
  if (!token) throw new HTTPError(401, 'unauthorized', 'Sign in again to act: this tab no longer holds your token.');
  const init = {
    method,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', Authorization: 'Bearer ' + token, 'Idempotency-Key': key },
    body: JSON.stringify(body || {}),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(path, init);
    } catch (err) {
      if (!retryable(err) || attempt >= RETRY_DELAYS.length) throw err;
      await sleep(RETRY_DELAYS[attempt]);
    }
  }
}

// alliancePath is /v1/alliances/{aid} followed by the escaped parts.
export function alliancePath(aid, ...parts) {
  return ['/v1/alliances', aid, ...parts].map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');
}
