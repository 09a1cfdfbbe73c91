import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { notFound } from '../../errors.ts';
import { defaultConfiguration } from './defaults.ts';
import { changedProperties } from './merge.ts';
import { loadConfiguration, lockPolicy, saveConfiguration } from './repository.ts';
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
  options: { ifMatchVersion?: number } = {},
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
    await saveConfiguration(trx, next);
    await recordAudit(trx, ctx, {
      category: 'Policy',
      activity: 'Reset authentication method configuration to default',
      operationType: 'Delete',
      targets: [{ id, displayName: id, type: 'Policy', modifiedProperties }],
      details: { policy: 'authenticationMethodsPolicy', authenticationMethodConfiguration: id },
    });
    return { changed: true, version: stored.version + 1 };
  });
}
