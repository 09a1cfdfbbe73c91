import type { PolicyBody } from './schemas.ts';
import type { ConditionalAccessPolicy, ConditionalAccessUsers, ConditionalAccessApplications, SignInFrequency } from './types.ts';

const arr = (v: readonly string[] | null | undefined): string[] => [...(v ?? [])];
const READ_ONLY = new Set(['id', 'createdDateTime', 'modifiedDateTime', '@odata.context', '@odata.type', 'deletedDateTime']);

function users(u: Record<string, unknown> | null | undefined): ConditionalAccessUsers {
  const x = (u ?? {}) as Record<string, string[] | undefined>;
  return {
    ...(u ?? {}),
    includeUsers: arr(x.includeUsers),
    excludeUsers: arr(x.excludeUsers),
    includeGroups: arr(x.includeGroups),
    excludeGroups: arr(x.excludeGroups),
    includeRoles: arr(x.includeRoles),
    excludeRoles: arr(x.excludeRoles),
    includeGuestsOrExternalUsers: (u?.includeGuestsOrExternalUsers as unknown) ?? null,
    excludeGuestsOrExternalUsers: (u?.excludeGuestsOrExternalUsers as unknown) ?? null,
  };
}

function applications(a: Record<string, unknown> | null | undefined): ConditionalAccessApplications {
  const x = (a ?? {}) as Record<string, string[] | undefined>;
  return {
    ...(a ?? {}),
    includeApplications: arr(x.includeApplications),
    excludeApplications: arr(x.excludeApplications),
    includeUserActions: arr(x.includeUserActions),
    includeAuthenticationContextClassReferences: arr(x.includeAuthenticationContextClassReferences),
    applicationFilter: (a?.applicationFilter as unknown) ?? null,
  };
}

function signInFrequency(f: Record<string, unknown> | null | undefined): SignInFrequency | null {
  if (!f) return null;
  return {
    ...f,
    isEnabled: f.isEnabled === true,
    type: (f.type as SignInFrequency['type']) ?? null,
    value: (f.value as number | null | undefined) ?? null,
    authenticationType: (f.authenticationType as SignInFrequency['authenticationType']) ?? 'primaryAndSecondaryAuthentication',
    frequencyInterval: (f.frequencyInterval as SignInFrequency['frequencyInterval']) ?? 'timeBased',
  };
}

/**
 * A Graph body (create, or PATCH merged onto `base`) as a complete policy: every collection an
 * array, every absent object null (entra-spec §1.9: "empty arrays and nulls filled in"). PATCH
 * merges top-level properties and, inside `conditions`, replaces each sub-object it names.
 */
export function normalizePolicy(body: PolicyBody, base: ConditionalAccessPolicy | null, id: string, now: string): ConditionalAccessPolicy {
  const extra = Object.fromEntries(Object.entries(body).filter(([k]) => !READ_ONLY.has(k)));
  const merged = { ...(base ?? {}), ...extra } as Record<string, unknown>;
  const c = { ...(base?.conditions ?? {}), ...((body.conditions ?? {}) as Record<string, unknown>) } as Record<string, unknown>;
  const g = merged.grantControls as Record<string, unknown> | null | undefined;
  const s = merged.sessionControls as Record<string, unknown> | null | undefined;
  const p = c.platforms as Record<string, string[] | null> | null | undefined;
  const l = c.locations as Record<string, string[] | null> | null | undefined;
  return {
    ...(merged as object),
    id,
    templateId: (merged.templateId as string | null | undefined) ?? null,
    displayName: (merged.displayName as string | undefined) ?? '',
    createdDateTime: base?.createdDateTime ?? now,
    modifiedDateTime: base ? now : null,
    state: (merged.state as ConditionalAccessPolicy['state'] | undefined) ?? 'enabled',
    conditions: {
      ...c,
      users: users(c.users as Record<string, unknown> | null),
      applications: applications(c.applications as Record<string, unknown> | null),
      clientAppTypes: arr(c.clientAppTypes as string[] | null),
      platforms: p ? { ...p, includePlatforms: arr(p.includePlatforms), excludePlatforms: arr(p.excludePlatforms) } : null,
      locations: l ? { ...l, includeLocations: arr(l.includeLocations), excludeLocations: arr(l.excludeLocations) } : null,
      signInRiskLevels: arr(c.signInRiskLevels as string[] | null),
      userRiskLevels: arr(c.userRiskLevels as string[] | null),
      servicePrincipalRiskLevels: arr(c.servicePrincipalRiskLevels as string[] | null),
    },
    grantControls: g
      ? {
          ...g,
          // §1.5: with several controls the default is "require all".
          operator: ((g.operator as string | null | undefined) ?? 'AND').toUpperCase() === 'OR' ? 'OR' : 'AND',
          builtInControls: arr(g.builtInControls as string[] | null),
          customAuthenticationFactors: arr(g.customAuthenticationFactors as string[] | null),
          termsOfUse: arr(g.termsOfUse as string[] | null),
          authenticationStrength: g.authenticationStrength
            ? { id: String((g.authenticationStrength as { id: string }).id).toLowerCase() }
            : null,
        }
      : null,
    sessionControls: s ? { ...s, signInFrequency: signInFrequency(s.signInFrequency as Record<string, unknown> | null) } : null,
  };
}
