import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { builtInStrength } from '../strengths/builtins.ts';
import { findCustomStrength, listCustomStrengths } from '../strengths/repository.ts';
import { listNamedLocations } from '../locations/repository.ts';
import { guardLockout, type LockoutRisk } from '../analysis/guard.ts';
import { assertValidPolicy } from './checks.ts';
import { normalizePolicy } from './normalize.ts';
import type { PolicyBody } from './schemas.ts';
import { deletePolicy, findPolicy, insertPolicy, listPolicies, lockAndBumpGeneration, updatePolicy } from './repository.ts';
import type { ConditionalAccessPolicy } from './types.ts';
import { isGuid } from '../../odata/filter.ts';

/** Read shape: the strength reference expanded to the whole strength (§1.5). */
export async function expandPolicy(db: Kysely<DB>, p: ConditionalAccessPolicy): Promise<ConditionalAccessPolicy> {
  const ref = p.grantControls?.authenticationStrength;
  if (!ref) return p;
  const s = builtInStrength(ref.id) ?? (await findCustomStrength(db, ref.id));
  return { ...p, grantControls: { ...p.grantControls!, authenticationStrength: s ? { ...s } : ref } };
}

export async function listConditionalAccessPolicies(db: Kysely<DB>): Promise<ConditionalAccessPolicy[]> {
  const policies = await listPolicies(db);
  const strengths = new Map((await listCustomStrengths(db)).map((s) => [s.id, s]));
  return policies.map((p) => {
    const ref = p.grantControls?.authenticationStrength;
    const s = ref ? (builtInStrength(ref.id) ?? strengths.get(ref.id)) : undefined;
    return s ? { ...p, grantControls: { ...p.grantControls!, authenticationStrength: { ...s } } } : p;
  });
}

export async function getConditionalAccessPolicy(db: Kysely<DB>, id: string): Promise<ConditionalAccessPolicy> {
  const p = isGuid(id) ? await findPolicy(db, id.toLowerCase()) : undefined;
  if (!p) throw notFound('conditionalAccessPolicy', id);
  return expandPolicy(db, p);
}

export interface WriteResult {
  policy: ConditionalAccessPolicy;
  /** Set when the change was applied with `confirmLockout` despite a lockout risk. */
  lockoutRisk: LockoutRisk | null;
}

/** POST: validate (checks table), run the lockout guard, store, audit — one transaction. */
export async function createConditionalAccessPolicy(
  db: Kysely<DB>,
  ctx: RequestContext,
  body: PolicyBody,
  confirm: boolean,
): Promise<WriteResult> {
  return db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const policy = normalizePolicy(body, null, randomUUID(), new Date().toISOString());
    await validate(trx, body, policy);
    const before = await listPolicies(trx);
    const lockoutRisk = await guardLockout(trx, ctx, before, [...before, policy], confirm);
    await insertPolicy(trx, policy);
    await audit(trx, ctx, 'Add conditional access policy', 'Add', null, policy, lockoutRisk);
    return { policy: await expandPolicy(trx, policy), lockoutRisk };
  });
}

/** PATCH: Graph merge semantics (`normalize.ts`), then as create. */
export async function updateConditionalAccessPolicy(
  db: Kysely<DB>,
  ctx: RequestContext,
  id: string,
  body: PolicyBody,
  confirm: boolean,
): Promise<WriteResult> {
  return db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const existing = isGuid(id) ? await findPolicy(trx, id.toLowerCase(), true) : undefined;
    if (!existing) throw notFound('conditionalAccessPolicy', id);
    const policy = normalizePolicy(body, existing, existing.id, new Date().toISOString());
    await validate(trx, body, policy);
    const before = await listPolicies(trx);
    const lockoutRisk = await guardLockout(
      trx,
      ctx,
      before,
      before.map((p) => (p.id === policy.id ? policy : p)),
      confirm,
    );
    await updatePolicy(trx, policy);
    await audit(trx, ctx, 'Update conditional access policy', 'Update', existing, policy, lockoutRisk);
    return { policy: await expandPolicy(trx, policy), lockoutRisk };
  });
}

/** DELETE: guarded too — removing a registration-action policy can revive a catch-22 (§2.5). */
export async function deleteConditionalAccessPolicy(db: Kysely<DB>, ctx: RequestContext, id: string, confirm: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const existing = isGuid(id) ? await findPolicy(trx, id.toLowerCase(), true) : undefined;
    if (!existing) throw notFound('conditionalAccessPolicy', id);
    const before = await listPolicies(trx);
    const lockoutRisk = await guardLockout(
      trx,
      ctx,
      before,
      before.filter((p) => p.id !== existing.id),
      confirm,
    );
    await deletePolicy(trx, existing.id);
    await audit(trx, ctx, 'Delete conditional access policy', 'Delete', existing, null, lockoutRisk);
  });
}

async function validate(trx: Kysely<DB>, body: PolicyBody, policy: ConditionalAccessPolicy): Promise<void> {
  const [strengths, locations] = await Promise.all([listCustomStrengths(trx), listNamedLocations(trx)]);
  const strengthIds = new Set(strengths.map((s) => s.id));
  const locationIds = new Set(locations.map((l) => l.id));
  assertValidPolicy(body, policy, {
    strengthExists: (sid) => !!builtInStrength(sid) || strengthIds.has(sid.toLowerCase()),
    locationExists: (lid) => locationIds.has(lid.toLowerCase()),
  });
}

async function audit(
  trx: Kysely<DB>,
  ctx: RequestContext,
  activity: string,
  op: 'Add' | 'Update' | 'Delete',
  before: ConditionalAccessPolicy | null,
  after: ConditionalAccessPolicy | null,
  risk: LockoutRisk | null,
): Promise<void> {
  const p = (after ?? before)!;
  await recordAudit(trx, ctx, {
    category: 'Policy',
    activity,
    operationType: op,
    targets: [
      {
        id: p.id,
        displayName: p.displayName,
        type: 'Policy',
        modifiedProperties: [
          {
            displayName: 'ConditionalAccessPolicy',
            oldValue: before ? JSON.stringify(before) : null,
            newValue: after ? JSON.stringify(after) : null,
          },
        ],
      },
    ],
    ...(risk
      ? {
          details: { lockoutConfirmed: 'true', lockedOutBefore: String(risk.lockedOutBefore), lockedOutAfter: String(risk.lockedOutAfter) },
        }
      : {}),
  });
}
