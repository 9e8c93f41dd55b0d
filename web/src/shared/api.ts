/**
 * The one way the web apps talk to the API: JSON in and out, bearer token per app, and every refusal turned
 * into an ApiError carrying the server's machine-readable code, its message and (when it names one) the field.
 */

/** Each app keeps its own session, so a person, a terminal and a staff member can be signed in side by side. */
export type AppName = 'person' | 'terminal' | 'console' | 'institution';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The request field the server blamed (`idNumber`, `bill.items.0.quantity`, …), when it named one. */
  get field(): string | undefined {
    const f = this.details.field;
    return typeof f === 'string' ? f : undefined;
  }
}

/** The app's language (what the language menu stored; zh-CN by default), read per call so a switch applies at once. */
function currentLanguage(): string {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('yibao.language');
  return stored === 'en' ? 'en' : 'zh-CN';
}

const storageKey = (app: AppName) => `yibao.${app}.token`;

export const session = {
  token(app: AppName): string | null {
    return sessionStorage.getItem(storageKey(app));
  },
  set(app: AppName, token: string): void {
    sessionStorage.setItem(storageKey(app), token);
  },
  clear(app: AppName): void {
    sessionStorage.removeItem(storageKey(app));
  },
};

/** Listeners told when a call comes back 401, so the app can return to its login screen. */
const signedOutListeners = new Set<(app: AppName) => void>();
export function onSignedOut(listener: (app: AppName) => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** A JSON body, or a Blob/File sent raw with its own type (ID photo upload). */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** How to read the answer; JSON by default. */
  as?: 'json' | 'text' | 'blob';
}

/** Calls the API as `app`'s signed-in user. Throws ApiError for every non-2xx answer. */
export async function api<T = unknown>(app: AppName, path: string, opts: RequestOptions = {}): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(opts.query ?? {}))
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  // The language chosen in the app's menu: the server renders its texts (inbox, refusals, explanations) in it.
  const headers: Record<string, string> = { 'accept-language': currentLanguage(), ...opts.headers };
  const token = session.token(app);
  if (token) headers.authorization = `Bearer ${token}`;
  let body: BodyInit | undefined;
  if (opts.body instanceof Blob) {
    body = opts.body;
    headers['content-type'] = opts.body.type || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(url, { method: opts.method ?? (body ? 'POST' : 'GET'), headers, body });
  } catch {
    throw new ApiError(
      0,
      'network_error',
      'The server cannot be reached; check the connection and try again',
    );
  }
  if (!res.ok) {
    const payload = (await res.json().catch(() => null)) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    } | null;
    const e = payload?.error;
    if (res.status === 401 && token) {
      session.clear(app);
      for (const l of signedOutListeners) l(app);
    }
    throw new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? res.statusText,
      e?.details ?? {},
    );
  }
  if (opts.as === 'text') return (await res.text()) as T;
  if (opts.as === 'blob') return (await res.blob()) as T;
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A fresh idempotency key for one user action; reuse it when retrying that same action. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
