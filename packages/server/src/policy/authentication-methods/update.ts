import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { ApiError, badRequest, notFound } from '../../errors.ts';
import { checkConfiguration } from './checks.ts';
import { applyPatch, changedProperties } from './merge.ts';
import { loadConfiguration, loadPolicy, lockPolicy, missingTargets, saveConfiguration } from './repository.ts';
import { configurationPatchSchema } from './schemas.ts';
import { guardMethodsChange } from '../analysis/guard.ts';
import {
  canonicalMethodId,
  ODATA_TYPE,
  POLICY_SIZE_LIMIT_BYTES,
  type AuthenticationMethodsPolicy,
  type MethodConfiguration,
} from './types.ts';

export interface UpdateResult {
  configuration: MethodConfiguration;
  /** False when the PATCH restated what was stored: nothing written, nothing audited. */
  changed: boolean;
  /** The configuration's version after the call (its `ETag`). */
  version: number;
}

/**
 * Optimistic concurrency for read-modify-write clients: `If-Match: W/"<version>"` from a GET must
 * still be current, else 412 and nothing written (RFC 9110 §13.1.1). Without If-Match, PATCHes
 * are merged on the server under the policy lock, so concurrent writers never lose changes.
 */
export function assertVersion(expected: number | undefined, actual: number): void {
  if (expected !== undefined && expected !== actual) {
    throw new ApiError(
      'Request_Conflict',
      `The policy changed since it was read (If-Match version ${expected}, current ${actual}); GET it again and retry.`,
      { status: 412 },
    );
  }
}

/** Parses `If-Match: W/"7"` / `"7"` / `*`; undefined for `*` or no header; 400 otherwise. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(header);
  if (!m) throw badRequest('If-Match must be an ETag returned by GET, e.g. W/"3".');
  return Number(m[1]);
}

/** The ETag for a version. */
export const etagOf = (version: number): string => `W/"${version}"`;

/**
 * `PATCH /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}`: validates
 * the body for the method `{id}` names (case-insensitive), applies it, and stores it with its audit
 * entry in one transaction — or changes nothing and throws a 400/404, or a 409 LockoutRisk when
 * the change would lock people out and `confirmLockout` is not set. Writers serialise on the
 * policy's row lock, so concurrent PATCHes never lose each other's changes.
 */
export async function updateMethodConfiguration(
  db: Kysely<DB>,
  ctx: RequestContext,
  idParam: string,
  body: unknown,
  options: { ifMatchVersion?: number; confirmLockout?: boolean } = {},
): Promise<UpdateResult> {
  const id = canonicalMethodId(idParam);
  if (!id) throw notFound('authenticationMethodConfiguration', idParam);
  const parsed = configurationPatchSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(
      `Invalid body: ${issue ? `/${issue.path.join('/')} ${issue.message}` : 'does not match the schema'}`,
      parsed.error.issues.slice(0, 20),
    );
  }
  const patch = parsed.data;
  // Graph: the body must carry the configuration's @odata.type (entra-spec §4.2).
  if (patch['@odata.type'] !== ODATA_TYPE[id])
    throw badRequest(`@odata.type '${patch['@odata.type']}' does not match configuration '${id}'; expected '${ODATA_TYPE[id]}'.`);
  if (patch.id !== undefined && patch.id.toLowerCase() !== id.toLowerCase())
    throw badRequest(`The body's id '${patch.id}' does not match configuration '${id}'.`);

  return db.transaction().execute(async (trx) => {
    await lockPolicy(trx);
    const policy = await loadPolicy(trx);
    const stored = await loadConfiguration(trx, id);
    if (!stored) throw notFound('authenticationMethodConfiguration', idParam);
    const current = stored.configuration;
    assertVersion(options.ifMatchVersion, stored.version);
    const next = applyPatch(current, patch);

    const failures = checkConfiguration(next, current);
    if (failures.length) throw badRequest(failures[0] as string, { failures });
    assertPolicySize({
      ...policy,
      authenticationMethodConfigurations: policy.authenticationMethodConfigurations.map((c) => (c.id === next.id ? next : c)),
    });
    await assertTargetsExist(trx, current, next);

    const modifiedProperties = changedProperties(current, next);
    if (modifiedProperties.length === 0) return { configuration: current, changed: false, version: stored.version };
    // Issue 4 item 8: a change that would lock out a Global Administrator, the acting admin or more users is refused unless confirmed.
    const all = policy.authenticationMethodConfigurations.map((c) => (c.id === next.id ? next : c));
    const risk = await guardMethodsChange(trx, ctx, all, options.confirmLockout ?? false);
    await saveConfiguration(trx, next);
    await recordAudit(trx, ctx, {
      category: 'Policy',
      activity: 'Update authentication methods policy',
      operationType: 'Update',
      targets: [{ id, displayName: id, type: 'Policy', modifiedProperties }],
      details: {
        policy: 'authenticationMethodsPolicy',
        authenticationMethodConfiguration: id,
        ...(risk ? { lockoutConfirmed: 'true', lockedOutBefore: String(risk.lockedOutBefore), lockedOutAfter: String(risk.lockedOutAfter) } : {}),
      },
    });
    return { configuration: next, changed: true, version: stored.version + 1 };
  });
}

/** entra-spec §4.2/§7.7: the whole policy is capped at 20 KB, measured as its GET JSON in UTF-8. */
export function assertPolicySize(whole: AuthenticationMethodsPolicy): void {
  const bytes = Buffer.byteLength(JSON.stringify(whole), 'utf8');
  if (bytes > POLICY_SIZE_LIMIT_BYTES) {
    throw badRequest(
      `The authentication methods policy would be ${bytes} bytes; it is limited to 20 KB (${POLICY_SIZE_LIMIT_BYTES} bytes). Target groups instead of many individual users.`,
    );
  }
}

/**
 * Targets added by this PATCH must name an existing user or group. Targets already stored are
 * not re-checked, so a group deleted later does not block unrelated edits (it simply matches nobody).
 */
export async function assertTargetsExist(
  db: Parameters<typeof missingTargets>[0],
  current: Pick<MethodConfiguration, 'includeTargets' | 'excludeTargets'>,
  next: Pick<MethodConfiguration, 'includeTargets' | 'excludeTargets'>,
): Promise<void> {
  const before = new Set([...current.includeTargets, ...current.excludeTargets].map((t) => `${t.targetType}:${t.id.toLowerCase()}`));
  const added = [...next.includeTargets, ...next.excludeTargets].filter((t) => !before.has(`${t.targetType}:${t.id.toLowerCase()}`));
  const missing = await missingTargets(db, added);
  if (missing.length) {
    const first = added.find((t) => t.id.toLowerCase() === missing[0]);
    throw badRequest(`Target ${first?.targetType ?? 'object'} '${missing[0]}' does not exist.`, { missingTargets: missing });
  }
}
