import { systemContext } from '../../src/auth/principal.ts';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/store/schema.ts';
import { createUser } from '../../src/directory/users.ts';
import { assignRole } from '../../src/directory/role-assignments.ts';
import { updateMethodConfiguration } from '../../src/policy/authentication-methods/update.ts';

export const ctx = systemContext('tap-test');
export const TAP_TYPE = '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration';

/** A fresh user, optionally holding a directory role (template id). */
export async function newUser(db: Kysely<DB>, role?: string): Promise<{ id: string; upn: string }> {
  const alias = `t${crypto.randomUUID().slice(0, 8)}`;
  const upn = `${alias}@latchkey.test`;
  const user = await createUser(db, ctx, { userPrincipalName: upn, displayName: `TAP ${alias}` });
  if (role) await assignRole(db, ctx, { roleDefinitionId: role, principalId: user.id as string } as never);
  return { id: user.id as string, upn };
}

/** Sets the TAP configuration (enabled for all users unless `patch` says otherwise). */
export async function setTapPolicy(db: Kysely<DB>, patch: Record<string, unknown> = {}): Promise<void> {
  await updateMethodConfiguration(db, ctx, 'TemporaryAccessPass', { '@odata.type': TAP_TYPE, state: 'enabled', ...patch });
}

export const countRows = async (db: Kysely<DB>, table: 'tap_methods' | 'audit_log'): Promise<number> =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
