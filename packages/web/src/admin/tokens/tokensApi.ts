import type { ApiClient } from '../../api/client.ts';
import type { Page } from '../../api/types.ts';

/** Graph beta `hardwareOathTokenAuthenticationMethodDevice` as the API returns it (secretKey always null). */
export interface HardwareOathDevice {
  id: string;
  displayName: string | null;
  serialNumber: string;
  manufacturer: string | null;
  model: string | null;
  secretKey: null;
  timeIntervalInSeconds: 30 | 60;
  hashFunction: string;
  digits: 6 | 8;
  status: 'available' | 'assigned' | 'activated' | 'failedActivation';
  lastUsedDateTime: string | null;
  createdDateTime: string;
  assignedTo: { id: string; displayName: string | null } | null;
}

export interface ImportIssue {
  line: number;
  field?: string;
  serialNumber?: string;
  reason: string;
}

export interface ImportResult {
  format: 'csv' | 'pskc';
  ok: boolean;
  rows: number;
  imported: number;
  assigned: number;
  issues: ImportIssue[];
}

export const DEVICES = '/directory/authenticationMethodDevices/hardwareOathDevices';

export const tokensApi = {
  list: (api: ApiClient, signal: AbortSignal): Promise<Page<HardwareOathDevice>> =>
    api.page<HardwareOathDevice>(`${DEVICES}?$top=100`, signal),
  assign: (api: ApiClient, deviceId: string, user: string) =>
    api.post(`/users/${encodeURIComponent(user)}/authentication/hardwareOathMethods`, { device: { id: deviceId } }),
  unassign: (api: ApiClient, d: HardwareOathDevice) => api.delete(`/users/${d.assignedTo!.id}/authentication/hardwareOathMethods/${d.id}`),
  activate: (api: ApiClient, deviceId: string, verificationCode: string) =>
    api.post(`${DEVICES}/${deviceId}/activate`, { verificationCode }),
  remove: (api: ApiClient, deviceId: string) => api.delete(`${DEVICES}/${deviceId}`),
};

export interface UploadOptions {
  token: string;
  file: File;
  psk?: string;
  partial: boolean;
  /** 0–1 while the file is sent; then the server validates and imports. */
  onProgress(fraction: number): void;
}

/**
 * Uploads a token file to `POST …/hardwareOathDevices/import` with XMLHttpRequest (fetch has no
 * upload progress). Resolves with the import result, also for a refused file (400 carries the
 * per-line issues in `error.details`); rejects on other errors with the server's message.
 */
export function uploadTokens(o: UploadOptions): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const q = new URLSearchParams();
    if (o.partial) q.set('partial', 'true');
    xhr.open('POST', `/api/v1${DEVICES}/import${q.size ? `?${q}` : ''}`);
    xhr.setRequestHeader('authorization', `Bearer ${o.token}`);
    xhr.setRequestHeader('content-type', /\.xml$|\.pskc$/i.test(o.file.name) ? 'application/xml' : 'text/csv');
    xhr.setRequestHeader('client-request-id', crypto.randomUUID());
    if (o.psk) xhr.setRequestHeader('latchkey-pskc-key', o.psk);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) o.onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new Error('The server could not be reached.'));
    xhr.onload = () => {
      let body: { error?: { message?: string; details?: ImportResult } } & Partial<ImportResult> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 200) return resolve(body as ImportResult);
      const details = body.error?.details;
      if (xhr.status === 400 && details && Array.isArray(details.issues)) return resolve(details);
      reject(new Error(body.error?.message ?? `Upload failed (${xhr.status}).`));
    };
    o.onProgress(0);
    xhr.send(o.file);
  });
}
