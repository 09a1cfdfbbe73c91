import { useMemo } from 'react';
import { ApiError } from '../../api/client.ts';
import { useAuth } from '../../auth/AuthContext.tsx';

/** An API error with the server's `error.details` (lockout risk, validation failures, import reasons). */
export class DetailedApiError extends ApiError {
  readonly details: Record<string, unknown> | null;
  constructor(status: number, code: string, message: string, requestId: string | null, details: Record<string, unknown> | null) {
    super(status, code, message, requestId);
    this.details = details;
  }
}

/** `409` whose details say the lockout guard refused the change (`?confirmLockout=true` applies it anyway). */
export const isLockoutRisk = (e: unknown): boolean =>
  e instanceof DetailedApiError && e.status === 409 && e.details?.code === 'LockoutRisk';

export interface RawOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Sent as-is (not JSON) with this content type, e.g. an MDS BLOB as application/jwt. */
  rawBody?: { text: string; contentType: string };
  ifMatch?: string | null;
  signal?: AbortSignal;
}

export interface RawResponse<T> {
  body: T;
  etag: string | null;
}

/**
 * The calls this section makes need what the shared client does not expose (ETag and If-Match,
 * raw bodies, `error.details`), so they go through this small fetch wrapper with the same bearer
 * token, request ids and sign-out on 401.
 */
export function useRawApi() {
  const { token, signOut } = useAuth();
  return useMemo(() => {
    async function request<T>(path: string, o: RawOptions = {}): Promise<RawResponse<T>> {
      const headers: Record<string, string> = { accept: 'application/json', 'client-request-id': crypto.randomUUID() };
      if (token) headers.authorization = `Bearer ${token}`;
      if (o.ifMatch) headers['if-match'] = o.ifMatch;
      let body: string | undefined;
      if (o.rawBody) {
        headers['content-type'] = o.rawBody.contentType;
        body = o.rawBody.text;
      } else if (o.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(o.body);
      }
      let res: Response;
      try {
        res = await fetch(`/api/v1${path}`, {
          method: o.method ?? 'GET',
          headers,
          signal: o.signal ?? null,
          ...(body === undefined ? {} : { body }),
        });
      } catch (cause) {
        if (o.signal?.aborted) throw cause;
        throw new ApiError(0, 'NetworkError', 'The server could not be reached. Check that Latchkey is running.');
      }
      const etag = res.headers.get('etag');
      const text = res.status === 204 ? '' : await res.text();
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      if (!res.ok) {
        const e = json?.error ?? {};
        const err = new DetailedApiError(
          res.status,
          typeof e.code === 'string' ? e.code : `Http${res.status}`,
          typeof e.message === 'string' && e.message ? e.message : `The server answered ${res.status}.`,
          res.headers.get('x-request-id'),
          e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : null,
        );
        if (res.status === 401 && token) signOut(`Your session ended (${err.code}: ${err.message}). Sign in again with a new token.`);
        throw err;
      }
      return { body: json as T, etag };
    }
    const get = async <T>(path: string, signal?: AbortSignal) => (await request<T>(path, signal ? { signal } : {})).body;
    const send = async <T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
      (await request<T>(path, { method, ...(body === undefined ? {} : { body }) })).body;
    return { request, get, send };
  }, [token, signOut]);
}

export type RawApi = ReturnType<typeof useRawApi>;
