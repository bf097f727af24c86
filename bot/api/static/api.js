// Requests to the daemon's own API (same origin only; the CSP allows nothing else).

const TIMEOUT_MS = 5000;

/** A failed request: `status` is 0 when the daemon did not answer at all. */
export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

async function request(path, options = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      cache: "no-store",
      credentials: "same-origin",
      signal: abort.signal,
      ...options,
    });
  } catch (error) {
    throw new ApiError("the daemon did not answer", 0, null);
  } finally {
    clearTimeout(timer);
  }
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  return { status: response.status, ok: response.ok, body };
}

/** GET a JSON document; /healthz answers 503 with a body, which is still an answer. */
export async function getJSON(path, { allow = [] } = {}) {
  const answer = await request(path);
  if (!answer.ok && !allow.includes(answer.status)) {
    const message = answer.body && answer.body.error ? answer.body.error : `HTTP ${answer.status}`;
    throw new ApiError(message, answer.status, answer.body);
  }
  return answer.body;
}

/** POST /pause or /resume for one hedge (null = all) with the bearer token; the daemon's
 *  answer whatever its status, so the page can show it. */
export async function postControl(action, hedge, token) {
  return request(`/${action}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(hedge ? { hedge } : {}),
  });
}
