import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { Envelope } from './envelope.ts';

/** The envelope purpose of an instance secret (secrets/sealed-columns.ts lists it for rewrapping). */
export const instanceSecretPurpose = (name: string): string => `instance-secret:${name}`;

/**
 * A random 32-byte key of this installation that stays the same across master key rotations
 * (ADR 0020): created once (from `initial`, else random) and sealed in `instance_secrets`.
 * Concurrent first starts agree on one value: the first insert wins and everyone reads it back.
 */
export async function instanceSecret(db: Kysely<DB>, envelope: Envelope, name: string, initial: () => Buffer = () => randomBytes(32)): Promise<Buffer> {
  const purpose = instanceSecretPurpose(name);
  const existing = await db.selectFrom('instance_secrets').select('secret_sealed').where('name', '=', name).executeTakeFirst();
  if (existing) return envelope.open(existing.secret_sealed, purpose);
  await db
    .insertInto('instance_secrets')
    .values({ name, secret_sealed: envelope.seal(initial(), purpose), created_at: new Date() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('instance_secrets').select('secret_sealed').where('name', '=', name).executeTakeFirstOrThrow();
  return envelope.open(row.secret_sealed, purpose);
}
