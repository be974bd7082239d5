// api.js - the pages' only way to the server: GET /api/v1/... relative to
// <base href>, JSON in, ApiError out for any non-2xx answer.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

function apiUrl(path, params = {}) {
  const url = new URL('api/v1/' + path, document.baseURI);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '')
      url.searchParams.set(name, value);
  return url;
}

// Resolves to the parsed body; rejects with ApiError (or an AbortError when
// @signal fires).
export async function api(path, params, signal) {
  const res = await fetch(apiUrl(path, params), {
    signal,
    headers: {Accept: 'application/json'},
  });
  let body = null;
  try {
    body = await res.json();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
  }
  if (!res.ok) {
    const e = body && body.error;
    throw new ApiError(res.status, e ? e.code : 'http_error',
                       e ? e.message : `the server answered ${res.status}`);
  }
  return body;
}

// Every page of a paginated list, up to @max items.
export async function apiAll(path, params, signal, max = 500) {
  const items = [];
  let cursor;
  do {
    const page = await api(path, {...params, limit: 100, cursor}, signal);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}
