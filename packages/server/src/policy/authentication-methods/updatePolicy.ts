import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { badRequest } from '../../errors.ts';
import { changedProperties } from './merge.ts';
import { loadPolicy, lockPolicy, policyVersion, savePolicyHeader } from './repository.ts';
import { policyPatchSchema, type PolicyPatch } from './schemas.ts';
import { assertPolicySize, assertTargetsExist, assertVersion } from './update.ts';
import { ALL_USERS, type AuthenticationMethodsPolicy, type RegistrationCampaign } from './types.ts';

/** Rules on the registration campaign (entra-spec §7.5), as named checks like `checks.ts`. */
export const CAMPAIGN_CHECKS: ReadonlyArray<{ name: string; run(c: RegistrationCampaign): string | undefined }> = [
  {
    name: 'allUsersIsAGroup',
    run: (c) =>
      [...c.includeTargets, ...c.excludeTargets].some((t) => t.id === ALL_USERS && t.targetType !== 'group')
        ? `The target '${ALL_USERS}' must have targetType 'group'.`
        : undefined,
  },
  {
    name: 'uniqueCampaignTargets',
    run: (c) =>
      new Set(c.includeTargets.map((t) => t.id)).size !== c.includeTargets.length
        ? 'registrationCampaign includeTargets names a target more than once.'
        : undefined,
  },
];

/**
 * `PATCH /policies/authenticationMethodsPolicy` (G authenticationmethodspolicy-update): the
 * policy's own properties — `policyMigrationState` and the registration campaign. Method
 * configurations change only through their own endpoint (400 here). Returns the updated policy.
 */
export async function updateAuthenticationMethodsPolicy(
  db: Kysely<DB>,
  ctx: RequestContext,
  body: unknown,
  options: { ifMatchVersion?: number } = {},
): Promise<{ policy: AuthenticationMethodsPolicy; version: number; changed: boolean }> {
  if (body && typeof body === 'object' && 'authenticationMethodConfigurations' in body) {
    throw badRequest(
      'authenticationMethodConfigurations cannot be changed here; PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id} instead.',
    );
  }
  const parsed = policyPatchSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(
      `Invalid body: ${issue ? `/${issue.path.join('/')} ${issue.message}` : 'does not match the schema'}`,
      parsed.error.issues.slice(0, 20),
    );
  }
  return db.transaction().execute(async (trx) => {
    const version = await lockPolicy(trx);
    assertVersion(options.ifMatchVersion, version);
    const current = await loadPolicy(trx);
    const next = applyPolicyPatch(current, parsed.data);
    const campaignBefore = current.registrationEnforcement.authenticationMethodsRegistrationCampaign;
    const campaign = next.registrationEnforcement.authenticationMethodsRegistrationCampaign;
    const failure = CAMPAIGN_CHECKS.map((c) => c.run(campaign)).find((m) => m !== undefined);
    if (failure) throw badRequest(failure);
    assertPolicySize(next);
    await assertTargetsExist(
      trx,
      { includeTargets: campaignBefore.includeTargets as never, excludeTargets: campaignBefore.excludeTargets },
      { includeTargets: campaign.includeTargets as never, excludeTargets: campaign.excludeTargets },
    );

    const modifiedProperties = changedProperties(
      { policyMigrationState: current.policyMigrationState, registrationEnforcement: current.registrationEnforcement } as never,
      { policyMigrationState: next.policyMigrationState, registrationEnforcement: next.registrationEnforcement } as never,
    );
    if (modifiedProperties.length === 0) return { policy: current, version, changed: false };
    await savePolicyHeader(trx, next);
    await recordAudit(trx, ctx, {
      category: 'Policy',
      activity: 'Update authentication methods policy',
      operationType: 'Update',
      targets: [{ id: 'authenticationMethodsPolicy', displayName: current.displayName, type: 'Policy', modifiedProperties }],
      details: { policy: 'authenticationMethodsPolicy' },
    });
    return { policy: await loadPolicy(trx), version: await policyVersion(trx), changed: true };
  });
}

/** Pure: given properties replace stored ones; the campaign merges property by property, its target lists whole. */
export function applyPolicyPatch(current: AuthenticationMethodsPolicy, patch: PolicyPatch): AuthenticationMethodsPolicy {
  const next = structuredClone(current);
  if (patch.policyMigrationState !== undefined) next.policyMigrationState = patch.policyMigrationState;
  const c = patch.registrationEnforcement?.authenticationMethodsRegistrationCampaign;
  if (c) {
    const campaign = next.registrationEnforcement.authenticationMethodsRegistrationCampaign;
    for (const [key, value] of Object.entries(c)) if (value !== undefined) (campaign as unknown as Record<string, unknown>)[key] = value;
  }
  return next;
}
