import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { defaultConfiguration } from './defaults.ts';
import { changedProperties } from './merge.ts';
import { loadConfiguration, loadConfigurations, lockPolicy, saveConfiguration } from './repository.ts';
import { guardMethodsChange } from '../analysis/guard.ts';
import { assertVersion } from './update.ts';
import { canonicalMethodId } from './types.ts';

/**
 * `DELETE …/authenticationMethodConfigurations/{id}`: reverts one method to Entra's default
 * (`defaults.ts`), audited like a PATCH (operation type Delete). No change, no write.
 */
export async function revertMethodConfiguration(
  db: Kysely<DB>,
  ctx: RequestContext,
  idParam: string,
  options: { ifMatchVersion?: number; confirmLockout?: boolean } = {},
): Promise<{ changed: boolean; version: number }> {
  const id = canonicalMethodId(idParam);
  if (!id) throw notFound('authenticationMethodConfiguration', idParam);
  return db.transaction().execute(async (trx) => {
    await lockPolicy(trx);
    const stored = await loadConfiguration(trx, id);
    if (!stored) throw notFound('authenticationMethodConfiguration', idParam);
    assertVersion(options.ifMatchVersion, stored.version);
    const next = defaultConfiguration(id);
    const modifiedProperties = changedProperties(stored.configuration, next);
    if (modifiedProperties.length === 0) return { changed: false, version: stored.version };
    const all = (await loadConfigurations(trx)).map((c) => (c.id === next.id ? next : c));
    const risk = await guardMethodsChange(trx, ctx, all, options.confirmLockout ?? false); // issue 4 item 8, as for a PATCH
    await saveConfiguration(trx, next);
    await recordAudit(trx, ctx, {
      category: 'Policy',
      activity: 'Reset authentication method configuration to default',
      operationType: 'Delete',
      targets: [{ id, displayName: id, type: 'Policy', modifiedProperties }],
      details: {
        policy: 'authenticationMethodsPolicy',
        authenticationMethodConfiguration: id,
        ...(risk ? { lockoutConfirmed: 'true', lockedOutBefore: String(risk.lockedOutBefore), lockedOutAfter: String(risk.lockedOutAfter) } : {}),
      },
    });
    return { changed: true, version: stored.version + 1 };
  });
}
