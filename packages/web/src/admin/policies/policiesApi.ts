import type { ApiClient } from '../../api/client.ts';

/** A Conditional Access policy as the API returns it (Graph JSON; only what the list shows is typed). */
export interface CaPolicy {
  id: string;
  displayName: string;
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  modifiedDateTime: string | null;
  createdDateTime: string;
  grantControls: {
    operator: string;
    builtInControls: string[];
    authenticationStrength: { id: string; displayName?: string } | null;
  } | null;
  [k: string]: unknown;
}

export interface WhatIfResult extends CaPolicy {
  policyApplies: boolean;
  analysisReasons: string;
}

export interface TargetVerdict {
  target: { kind: string; displayName: string };
  status: string;
  reasons: string[];
}

export interface UserReport {
  id: string;
  userPrincipalName: string;
  isGlobalAdministrator: boolean;
  unreachableCount: number;
  unreachable: TargetVerdict[];
}

export interface AnalysisReport {
  userCount: number;
  targetCount: number;
  evaluatedSignatures: number;
  durationMs: number;
  lockedOutUsers: UserReport[];
  reportOnlyWouldLockOut: UserReport[];
  needsOnboarding: Array<{ id: string; userPrincipalName: string; targets: TargetVerdict[] }>;
}

export interface AnalysisJob {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  processedUsers: number;
  totalUsers: number;
  result: AnalysisReport | null;
  error: string | null;
}

const BASE = '/identity/conditionalAccess';

/** The Conditional Access calls the console makes (docs/policy/conditional-access.md). */
export const policiesApi = {
  list: async (api: ApiClient, signal?: AbortSignal) => (await api.get<{ value: CaPolicy[] }>(`${BASE}/policies`, signal)).value,
  get: (api: ApiClient, id: string, signal?: AbortSignal) => api.get<CaPolicy>(`${BASE}/policies/${encodeURIComponent(id)}`, signal),
  create: (api: ApiClient, body: unknown, confirm: boolean) =>
    api.post<CaPolicy>(`${BASE}/policies${confirm ? '?confirmLockout=true' : ''}`, body),
  update: (api: ApiClient, id: string, body: unknown, confirm: boolean) =>
    api.request<void>(`${BASE}/policies/${encodeURIComponent(id)}${confirm ? '?confirmLockout=true' : ''}`, { method: 'PATCH', body }),
  remove: (api: ApiClient, id: string, confirm: boolean) =>
    api.request<void>(`${BASE}/policies/${encodeURIComponent(id)}${confirm ? '?confirmLockout=true' : ''}`, { method: 'DELETE' }),
  whatIf: async (api: ApiClient, body: unknown) => (await api.post<{ value: WhatIfResult[] }>(`${BASE}/evaluate`, body)).value,
  startAnalysis: (api: ApiClient) => api.post<AnalysisJob>(`${BASE}/analyze?async=true`, {}),
  analysisJob: (api: ApiClient, id: string) => api.get<AnalysisJob>(`${BASE}/analyze/${encodeURIComponent(id)}`),
};

export const STATE_LABEL = { enabled: 'On', disabled: 'Off', enabledForReportingButNotEnforced: 'Report-only' } as const;
export const STATE_TONE = { enabled: 'success', disabled: 'neutral', enabledForReportingButNotEnforced: 'warning' } as const;
