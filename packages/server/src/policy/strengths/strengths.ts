import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { ApiError, badRequest, conflict, notFound } from '../../errors.ts';
import { BUILT_IN_STRENGTHS, builtInStrength } from './builtins.ts';
import { assertValidStrength, combinationConfigurationProblem } from './checks.ts';
import { SINGLE_FACTOR, validCombination } from './modes.ts';
import {
  countCustomStrengths,
  deleteStrength,
  findCustomStrength,
  insertStrength,
  listCustomStrengths,
  strengthNameTaken,
  updateStrength,
} from './repository.ts';
import { listPolicies, lockAndBumpGeneration, policiesUsingStrength } from '../conditional-access/repository.ts';
import { guardLockout } from '../analysis/guard.ts';
import type { AuthenticationStrength, Fido2CombinationConfiguration } from './types.ts';
import type { ConditionalAccessPolicy } from '../conditional-access/types.ts';
import { isGuid } from '../../odata/filter.ts';

/** At most 15 custom strengths per tenant (entra-spec §2.1, AS-ADV). */
export const MAX_CUSTOM_STRENGTHS = 15;

/** Built-ins then custom strengths; `policyType` filters (`$filter=policyType eq 'builtIn'`). */
export async function listStrengths(db: Kysely<DB>, policyType?: 'builtIn' | 'custom'): Promise<AuthenticationStrength[]> {
  const all = [...BUILT_IN_STRENGTHS, ...(await listCustomStrengths(db))];
  return policyType ? all.filter((s) => s.policyType === policyType) : all;
}

export async function getStrength(db: Kysely<DB>, id: string): Promise<AuthenticationStrength> {
  const found = builtInStrength(id) ?? (isGuid(id) ? await findCustomStrength(db, id.toLowerCase()) : undefined);
  if (!found) throw notFound('authenticationStrengthPolicy', id);
  return found;
}

export interface StrengthCreate {
  displayName: string;
  description?: string | null | undefined;
  allowedCombinations: string[];
  combinationConfigurations?: Array<{ '@odata.type'?: string; allowedAAGUIDs?: string[]; appliesToCombinations?: string[] }> | undefined;
}

/** POST: validates against the valid combinations (§2.2), caps at 15, names unique; audited. */
export async function createStrength(db: Kysely<DB>, ctx: RequestContext, input: StrengthCreate): Promise<AuthenticationStrength> {
  assertValidStrength(input);
  const now = new Date().toISOString();
  const combos = input.allowedCombinations.map((c) => validCombination(c)!);
  const strength: AuthenticationStrength = {
    '@odata.type': '#microsoft.graph.authenticationStrengthPolicy',
    id: randomUUID(),
    createdDateTime: now,
    modifiedDateTime: now,
    displayName: input.displayName.trim(),
    description: input.description ?? null,
    policyType: 'custom',
    requirementsSatisfied: requirementsOf(combos),
    allowedCombinations: combos,
    combinationConfigurations: (input.combinationConfigurations ?? []).map(fido2Config),
  };
  return db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    if ((await countCustomStrengths(trx)) >= MAX_CUSTOM_STRENGTHS)
      throw badRequest(`A tenant can have at most ${MAX_CUSTOM_STRENGTHS} custom authentication strengths.`);
    if (
      BUILT_IN_STRENGTHS.some((b) => b.displayName.toLowerCase() === strength.displayName.toLowerCase()) ||
      (await strengthNameTaken(trx, strength.displayName))
    )
      throw conflict(`An authentication strength named '${strength.displayName}' already exists.`);
    await insertStrength(trx, strength);
    await audit(trx, ctx, 'Add authentication strength policy', 'Add', strength);
    return strength;
  });
}

/** PATCH displayName/description, or (`updateAllowedCombinations`) the combinations. Built-ins are read-only. */
export async function updateCustomStrength(
  db: Kysely<DB>,
  ctx: RequestContext,
  id: string,
  patch: { displayName?: string | undefined; description?: string | null | undefined; allowedCombinations?: string[] | undefined },
  confirmLockout = false,
): Promise<AuthenticationStrength> {
  return db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const before = await loadCustom(trx, id);
    const next: AuthenticationStrength = { ...before, modifiedDateTime: new Date().toISOString() };
    if (patch.displayName !== undefined) next.displayName = patch.displayName.trim();
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.allowedCombinations !== undefined) {
      assertValidStrength({ ...next, allowedCombinations: patch.allowedCombinations });
      next.allowedCombinations = patch.allowedCombinations.map((c) => validCombination(c)!);
      next.requirementsSatisfied = requirementsOf(next.allowedCombinations);
      if (next.combinationConfigurations.length && !next.allowedCombinations.includes('fido2'))
        throw badRequest('Remove the fido2 combination configuration before removing fido2 from allowedCombinations.');
    }
    assertValidStrength(next);
    if (await strengthNameTaken(trx, next.displayName, next.id))
      throw conflict(`An authentication strength named '${next.displayName}' already exists.`);
    if (patch.allowedCombinations !== undefined) await guardStrengthChange(trx, ctx, next, confirmLockout);
    await updateStrength(trx, next);
    await audit(trx, ctx, 'Update authentication strength policy', 'Update', next);
    return next;
  });
}

/** DELETE: built-ins never; a strength a CA policy references cannot be deleted (§2.1). */
export async function deleteCustomStrength(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const s = await loadCustom(trx, id);
    const users = await policiesUsingStrength(trx, s.id);
    if (users.length)
      throw conflict(
        `Authentication strength '${s.displayName}' is used by Conditional Access policies (${users.map((p) => p.displayName).join(', ')}) and cannot be deleted.`,
      );
    await deleteStrength(trx, s.id);
    await audit(trx, ctx, 'Delete authentication strength policy', 'Delete', s);
  });
}

/** `GET …/{id}/usage` (Graph `authenticationStrengthUsage`): referencing policies under `mfa` or `none`. */
export async function strengthUsage(
  db: Kysely<DB>,
  id: string,
): Promise<{ mfa: ConditionalAccessPolicy[]; none: ConditionalAccessPolicy[] }> {
  const s = await getStrength(db, id);
  const policies = await policiesUsingStrength(db, s.id);
  return s.requirementsSatisfied === 'mfa' ? { mfa: policies, none: [] } : { mfa: [], none: policies };
}

/** `POST …/{id}/combinationConfigurations`: custom strengths only (§2.4). */
export async function addCombinationConfiguration(
  db: Kysely<DB>,
  ctx: RequestContext,
  id: string,
  input: { '@odata.type'?: string; allowedAAGUIDs?: string[]; appliesToCombinations?: string[] },
  confirmLockout = false,
): Promise<Fido2CombinationConfiguration> {
  return db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const s = await loadCustom(trx, id);
    const problem = combinationConfigurationProblem(input, s.allowedCombinations);
    if (problem) throw badRequest(problem);
    if (s.combinationConfigurations.length)
      throw conflict('This strength already has a fido2 combination configuration; update or delete it.');
    const config = fido2Config(input);
    const next = { ...s, modifiedDateTime: new Date().toISOString(), combinationConfigurations: [config] };
    await guardStrengthChange(trx, ctx, next, confirmLockout);
    await updateStrength(trx, next);
    await audit(trx, ctx, 'Update authentication strength policy', 'Update', next);
    return config;
  });
}

/** `DELETE …/{id}/combinationConfigurations/{configId}`. */
export async function deleteCombinationConfiguration(db: Kysely<DB>, ctx: RequestContext, id: string, configId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const s = await loadCustom(trx, id);
    if (!s.combinationConfigurations.some((c) => c.id === configId)) throw notFound('authenticationCombinationConfiguration', configId);
    const next = {
      ...s,
      modifiedDateTime: new Date().toISOString(),
      combinationConfigurations: s.combinationConfigurations.filter((c) => c.id !== configId),
    };
    await updateStrength(trx, next);
    await audit(trx, ctx, 'Update authentication strength policy', 'Update', next);
  });
}

/** A strength change can lock people out too (fewer combinations, an AAGUID list): same guard as policy writes. */
async function guardStrengthChange(trx: Kysely<DB>, ctx: RequestContext, next: AuthenticationStrength, confirm: boolean): Promise<void> {
  const policies = await listPolicies(trx);
  if (!policies.some((p) => p.grantControls?.authenticationStrength?.id === next.id)) return;
  const strengths = (await listCustomStrengths(trx)).map((x) => (x.id === next.id ? next : x));
  await guardLockout(trx, ctx, policies, policies, confirm, strengths);
}

async function loadCustom(db: Kysely<DB>, id: string): Promise<AuthenticationStrength> {
  if (builtInStrength(id)) throw new ApiError('Request_BadRequest', 'Built-in authentication strengths cannot be changed or deleted.');
  const s = isGuid(id) ? await findCustomStrength(db, id.toLowerCase(), true) : undefined;
  if (!s) throw notFound('authenticationStrengthPolicy', id);
  return s;
}

/** `mfa` unless only single-factor combinations are allowed (§2.2). */
function requirementsOf(combos: readonly string[]): 'none' | 'mfa' {
  return combos.every((c) => SINGLE_FACTOR.has(c)) ? 'none' : 'mfa';
}

function fido2Config(c: { allowedAAGUIDs?: string[] }): Fido2CombinationConfiguration {
  return {
    '@odata.type': '#microsoft.graph.fido2CombinationConfiguration',
    id: randomUUID(),
    allowedAAGUIDs: (c.allowedAAGUIDs ?? []).map((a) => a.toLowerCase()),
    appliesToCombinations: ['fido2'],
  };
}

async function audit(
  trx: Kysely<DB>,
  ctx: RequestContext,
  activity: string,
  op: 'Add' | 'Update' | 'Delete',
  s: AuthenticationStrength,
): Promise<void> {
  await recordAudit(trx, ctx, {
    category: 'Policy',
    activity,
    operationType: op,
    targets: [
      {
        id: s.id,
        displayName: s.displayName,
        type: 'Policy',
        modifiedProperties: [{ displayName: 'AllowedCombinations', oldValue: null, newValue: JSON.stringify(s.allowedCombinations) }],
      },
    ],
  });
}
