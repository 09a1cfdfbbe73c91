import { MeError } from '../api.ts';
import type { HardwareOathMethod, SoftwareOathMethod } from '../../api/types.ts';

/** `/api/v1/me/authentication/{software,hardware}OathMethods` with the My Security Info token. */
export type { HardwareOathMethod, SoftwareOathMethod };

export interface Enrolment {
  method: SoftwareOathMethod;
  secretKey: string;
  otpauthUri: string;
  qrCodeSvg: string;
}

export function oathApi(token: string) {
  async function request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const res = await fetch(`/api/v1/me/authentication/${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    if (res.status === 204) return undefined as T;
    const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: { reason?: string } } };
    if (!res.ok)
      throw new MeError(
        res.status,
        json.error?.code ?? 'Unknown',
        json.error?.details?.reason ?? null,
        json.error?.message ?? `HTTP ${res.status}`,
      );
    return json as T;
  }
  return {
    apps: () => request<{ value: SoftwareOathMethod[] }>('softwareOathMethods').then((r) => r.value),
    tokens: () => request<{ value: HardwareOathMethod[] }>('hardwareOathMethods').then((r) => r.value),
    enrol: () => request<Enrolment>('softwareOathMethods', { method: 'POST', body: {} }),
    activateApp: (id: string, verificationCode: string) =>
      request<void>(`softwareOathMethods/${encodeURIComponent(id)}/activate`, { method: 'POST', body: { verificationCode } }),
    removeApp: (id: string) => request<void>(`softwareOathMethods/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    activateToken: (serialNumber: string, verificationCode: string, displayName?: string) =>
      request<void>('hardwareOathMethods/activate', {
        method: 'POST',
        body: { serialNumber, verificationCode, ...(displayName ? { displayName } : {}) },
      }),
  };
}
