// The JSON API from staff pages: the session cookie goes by itself, the CSRF token is asked for
// once (GET /api/me) and sent as x-csrf-token on every change.

let csrf;

async function token() {
  if (!csrf) {
    const res = await fetch('/api/me', { headers: { accept: 'application/json' } });
    if (res.status === 401) {
      location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
      throw new Error('signed out');
    }
    csrf = (await res.json()).csrfToken;
  }
  return csrf;
}

/** Remembers the token the sign-in reply carried. */
export function setCsrf(value) {
  csrf = value;
}

/**
 * Calls the API; resolves with the JSON body, or rejects with an Error whose message is the
 * server's own (it says what and where).
 */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = await token();
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') || '';
  const payload = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const error = new Error(payload?.error?.message || `${res.status} ${res.statusText}`);
    error.status = res.status;
    error.code = payload?.error?.code;
    throw error;
  }
  return payload;
}
