import type { Page } from './types.ts';

/** The API's error body (Graph): `{"error":{"code","message"}}`. */
interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/**
 * A failed API call with the server's Graph error code and message. `status` is 0 when the
 * server could not be reached; `requestId` is the server's `x-request-id` for support.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;

  constructor(status: number, code: string, message: string, requestId: string | null = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** Prefix of every path; default `/api/v1`. */
  baseUrl?: string;
  /** The bearer token to send, or null when signed out. */
  getToken(): string | null;
  /** Called once per 401 before the error is thrown (the app signs out). */
  onUnauthorized?(error: ApiError): void;
  fetch?: typeof fetch;
}

/** The typed API client the pages use. */
export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
  /** The first page of a collection, or the page an `@odata.nextLink` names. */
  page<T>(pathOrNextLink: string, signal?: AbortSignal): Promise<Page<T>>;
}

/**
 * A fetch wrapper for `/api/v1`: bearer auth, JSON in and out, a `client-request-id` per call
 * (the server uses it as the audit correlation id), and every failure turned into an ApiError.
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl ?? '/api/v1';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function request<T>(path: string, { method = 'GET', body, signal }: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'client-request-id': crypto.randomUUID() };
    const token = options.getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(resolve(baseUrl, path), {
        method,
        headers,
        signal: signal ?? null,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new ApiError(0, 'NetworkError', 'The server could not be reached. Check that Latchkey is running.');
    }
    const requestId = res.headers.get('x-request-id');
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = toApiError(res.status, json, requestId);
      if (res.status === 401) options.onUnauthorized?.(error);
      throw error;
    }
    return json as T;
  }

  return {
    request,
    get: (path, signal) => request(path, signal ? { signal } : {}),
    post: (path, body) => request(path, { method: 'POST', body }),
    patch: (path, body) => request(path, { method: 'PATCH', body }),
    delete: (path) => request<void>(path, { method: 'DELETE' }),
    page: (pathOrNextLink, signal) => request(pathOrNextLink, signal ? { signal } : {}),
  };
}

/**
 * Paths are relative to the base. An absolute `@odata.nextLink` names the server's public URL,
 * which differs from the page's origin behind the dev proxy, so only its path and query are kept
 * (on the base's origin when the base is absolute, else on the page's).
 */
function resolve(baseUrl: string, path: string): string {
  if (/^https?:\/\//i.test(path)) {
    const u = new URL(path);
    const origin = /^https?:\/\//i.test(baseUrl) ? new URL(baseUrl).origin : '';
    return origin + u.pathname + u.search;
  }
  return baseUrl + (path.startsWith('/') ? path : `/${path}`);
}

function toApiError(status: number, json: unknown, requestId: string | null): ApiError {
  const e = (json as ErrorBody | undefined)?.error;
  const code = typeof e?.code === 'string' ? e.code : `Http${status}`;
  const message = typeof e?.message === 'string' && e.message ? e.message : `The server answered ${status}.`;
  return new ApiError(status, code, message, requestId);
}
