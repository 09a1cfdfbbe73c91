/** Calls to `/api/v1/me/*` with the My Security Info token. */
export interface MyMethod {
  '@odata.type': string;
  id: string;
  displayName?: string;
  createdDateTime?: string;
  lastUsedDateTime?: string | null;
  passkeyType?: 'deviceBound' | 'synced';
  model?: string | null;
}

export class MeError extends Error {
  readonly status: number;
  readonly code: string;
  readonly reason: string | null;
  constructor(status: number, code: string, reason: string | null, message: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
  }
}

/** True when the server wants a fresh sign-in before the change (entra-spec §7.6). */
export const needsReauth = (e: unknown): boolean => e instanceof MeError && (e.reason === 'signInTooOld' || e.reason === 'strongerSignInRequired');

export function meApi(token: string) {
  async function request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const res = await fetch(`/api/v1/me/authentication/${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    if (res.status === 204) return undefined as T;
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: { reason?: string } } };
    if (!res.ok) throw new MeError(res.status, json.error?.code ?? 'Unknown', json.error?.details?.reason ?? null, json.error?.message ?? `HTTP ${res.status}`);
    return json as T;
  }
  return {
    methods: () => request<{ value: MyMethod[] }>('methods').then((r) => r.value),
    creationOptions: () => request<{ publicKey: Record<string, unknown> }>('fido2Methods/creationOptions'),
    addPasskey: (displayName: string, publicKeyCredential: unknown) => request<MyMethod>('fido2Methods', { method: 'POST', body: { displayName, publicKeyCredential } }),
    rename: (id: string, displayName: string) => request<MyMethod>(`fido2Methods/${encodeURIComponent(id)}`, { method: 'PATCH', body: { displayName } }),
    remove: (id: string) => request<void>(`fido2Methods/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  };
}
