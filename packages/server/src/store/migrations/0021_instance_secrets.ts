import { sql, type Kysely } from 'kysely';

/**
 * `instance_secrets`: random keys of this installation that must outlive a master key rotation
 * (ADR 0020), sealed with the envelope like every secret and rewrapped with them. The first is
 * the key behind the fake passkeys shown for unknown accounts: derived from the master key
 * before, it would change at a rotation and let someone who probed an account name before and
 * after tell that the account does not exist.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table instance_secrets (
      name text primary key,
      secret_sealed text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table instance_secrets`.execute(db);
}
