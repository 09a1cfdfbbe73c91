import type { ApiClient } from '../../api/client.ts';
import type { HardwareOathMethod, SoftwareOathMethod } from '../../api/types.ts';

/** Graph `fido2AuthenticationMethod`; `model` is the authenticator's name from FIDO metadata, when known. */
export interface Fido2Method {
  id: string;
  displayName: string;
  createdDateTime: string;
  aaGuid: string;
  model: string | null;
  attestationLevel: 'attested' | 'notAttested';
  passkeyType: 'deviceBound' | 'synced';
  lastUsedDateTime: string | null;
}

export type TapUsabilityReason = 'EnabledByPolicy' | 'DisabledByPolicy' | 'Expired' | 'NotYetValid' | 'OneTimeUsed';

/** Graph `temporaryAccessPassAuthenticationMethod`; `temporaryAccessPass` only in the POST answer. */
export interface TapMethod {
  id: string;
  temporaryAccessPass: string | null;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  isUsable: boolean;
  methodUsabilityReason: TapUsabilityReason;
}

/** Graph `passwordAuthenticationMethod` (never the password). */
export interface PasswordMethod {
  id: string;
  createdDateTime: string;
}

/** The TAP part of the authentication methods policy the issue form shows as limits. */
export interface TapPolicy {
  state: 'enabled' | 'disabled';
  defaultLifetimeInMinutes: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  isUsableOnce: boolean;
}

export type PerUserMfaState = 'disabled' | 'enabled' | 'enforced';

/** Every method of a user, by kind; a kind that failed to load carries its error instead. */
export interface UserMethodSet {
  passkeys: Fido2Method[];
  softwareOath: SoftwareOathMethod[];
  hardwareOath: HardwareOathMethod[];
  tap: TapMethod[];
  password: PasswordMethod[];
  errors: unknown[];
}

/** The collection path segment of each deletable kind (`/users/{id}/authentication/<kind>/{methodId}`). */
export const COLLECTION = {
  passkeys: 'fido2Methods',
  softwareOath: 'softwareOathMethods',
  hardwareOath: 'hardwareOathMethods',
  tap: 'temporaryAccessPassMethods',
  password: 'passwordMethods',
} as const;

export type MethodKind = keyof typeof COLLECTION;

const id = (value: string) => encodeURIComponent(value);
const base = (userId: string) => `/users/${id(userId)}/authentication`;

/** Typed calls for a user's authentication methods (Graph `/users/{id}/authentication/…`). */
export const userMethodsApi = {
  /** All five collections at once; one failing (e.g. a permission) does not hide the others. */
  async all(api: ApiClient, userId: string, signal?: AbortSignal): Promise<UserMethodSet> {
    const kinds = Object.keys(COLLECTION) as MethodKind[];
    const results = await Promise.allSettled(
      kinds.map((k) => api.get<{ value: unknown[] }>(`${base(userId)}/${COLLECTION[k]}`, signal).then((r) => r.value)),
    );
    const set: UserMethodSet = { passkeys: [], softwareOath: [], hardwareOath: [], tap: [], password: [], errors: [] };
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') Object.assign(set, { [kinds[i]!]: r.value });
      else set.errors.push(r.reason);
    });
    if (signal?.aborted) throw signal.reason;
    return set;
  },
  remove: (api: ApiClient, userId: string, kind: MethodKind, methodId: string) =>
    api.delete(`${base(userId)}/${COLLECTION[kind]}/${id(methodId)}`),
  issueTap: (api: ApiClient, userId: string, body: { lifetimeInMinutes?: number; isUsableOnce: boolean; startDateTime?: string }) =>
    api.post<TapMethod>(`${base(userId)}/temporaryAccessPassMethods`, body),
  /** The tenant's TAP limits, or null when the caller may not read the policy. */
  async tapPolicy(api: ApiClient, signal?: AbortSignal): Promise<TapPolicy | null> {
    try {
      return await api.get<TapPolicy>(
        '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass',
        signal,
      );
    } catch (e) {
      if (signal?.aborted) throw e;
      return null;
    }
  },
  requirements: (api: ApiClient, userId: string, signal?: AbortSignal) =>
    api.get<{ perUserMfaState: PerUserMfaState }>(`${base(userId)}/requirements`, signal),
  setPerUserMfa: (api: ApiClient, userId: string, perUserMfaState: PerUserMfaState) =>
    api.patch<void>(`${base(userId)}/requirements`, { perUserMfaState }),
};

/** When a pass stops working: start + lifetime. */
export const tapEnd = (t: Pick<TapMethod, 'startDateTime' | 'lifetimeInMinutes'>) =>
  new Date(new Date(t.startDateTime).getTime() + t.lifetimeInMinutes * 60_000).toISOString();
