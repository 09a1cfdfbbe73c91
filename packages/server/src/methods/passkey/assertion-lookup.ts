import { sql, type Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import type { PasskeyCredential } from './credentials-repository.ts';
import { groupsAbove } from '../../directory/membership-repository.ts';
import { batchedStatement } from '../../store/batched-statement.ts';
import { sqlText } from '../../store/sql-text.ts';
import { subjectColumns, subjectOf, type SignInSubject, type SubjectColumns } from '../../policy/conditional-access/subject-repository.ts';

/** The consumed challenge row, as `consumeChallenge` sees it. */
export interface ConsumedChallengeRow {
  challenge: string;
  purpose: 'registration' | 'authentication';
  user_id: string | null;
  flow_id: string | null;
  rp_id: string;
  expires_at: Date | string;
}

/** Everything an assertion needs from the database, read in one round trip. */
export interface AssertionLookup {
  /** The challenge, deleted by this statement; undefined when it was unknown or already used. */
  challenge: ConsumedChallengeRow | undefined;
  credential: PasskeyCredential | undefined;
  /** The credential's user (directory facts the ceremony and the sign-in flow need). */
  user: { id: string; userPrincipalName: string; accountEnabled: boolean } | undefined;
  /** The credential user's transitive group ids (policy targets). */
  groupIds: string[];
  /** What Conditional Access needs of the credential's user (groups, roles, per-user MFA), read here so the sign-in need not read it again. */
  subject: SignInSubject;
  /** The authentication methods policy's version counter at this statement. */
  policyVersion: number;
}

/**
 * One statement per assertion instead of six: consumes the challenge (`delete … returning`,
 * atomic: of two parallel submissions exactly one gets the row — house style §15), and reads the
 * credential, its user, the user's transitive groups, roles and per-user MFA state (Conditional
 * Access's subject, `subjectColumns`) and the policy's version counter. The
 * recursive group walk is the one of `directory/membership-repository.ts` (transitiveGroupIdsQuery).
 * The challenge is deleted even when the credential is unknown: a failed attempt burns it.
 */
export async function consumeForAssertion(db: Kysely<DB>, challenge: string, credentialId: string): Promise<AssertionLookup> {
  const row = (await lookups.run(db, { challenge, credentialId }))[0];
  if (!row) throw new Error('consumeForAssertion: no row');
  return lookupOf(row);
}

type LookupRow = Record<string, any>;

/** The one-row statement: PGlite and transactions (store/batched-statement.ts). */
async function lookupOne(db: Kysely<DB>, { challenge, credentialId }: { challenge: string; credentialId: string }): Promise<LookupRow[]> {
  const owner = sql`(select user_id from cred)`;
  const r = await sql<LookupRow>`
    with consumed as (
      delete from passkey_challenges where challenge = ${challenge} returning *
    ), cred as (
      select * from passkey_credentials where credential_id = ${credentialId}
    )
    select
      (select to_jsonb(consumed) from consumed) as challenge_row,
      (select to_jsonb(cred) - 'public_key' from cred) as credential_row,
      (select public_key from cred) as public_key,
      (select jsonb_build_object('id', u.id, 'upn', u.user_principal_name, 'enabled', u.account_enabled) from users u where u.id = (select user_id from cred)) as user_row,
      (select to_jsonb(s) from (
        ${groupsAbove(owner)}
        select (select array_agg(id::text) from up) as group_ids, ${subjectColumns(owner)}
      ) s) as subject,
      (select version from auth_methods_policy where id = 'authenticationMethodsPolicy') as policy_version
  `.execute(db);
  return r.rows;
}

/**
 * The same statement for the assertions of concurrent sign-ins (ADR 0013): one `delete … using`
 * consumes every item's challenge, and each item's columns are read for its own credential. Two
 * items with one challenge never share a batch (the second finds it consumed, as before).
 */
const owner = sql`(select c.user_id from cred c where c.n = b.n)`;
const lookups = batchedStatement<{ challenge: string; credentialId: string }, LookupRow>({
  name: 'passkey_assertion_lookup',
  keyOf: (i) => i.challenge,
  encode: (i) => ({ challenge: i.challenge, credential_id: i.credentialId }),
  single: lookupOne,
  sql: `with b as (select * from jsonb_to_recordset($1::jsonb) as b(n int, challenge text, credential_id text)),
consumed as (
  delete from passkey_challenges pc using b where pc.challenge = b.challenge
    and pc.challenge = any(array(select e->>'challenge' from jsonb_array_elements($1::jsonb) e))
  returning b.n, pc.*
), cred as (
  select b.n, pc.* from b join lateral (select * from passkey_credentials pc where pc.credential_id = b.credential_id offset 0) pc on true
)
select b.n,
  (select to_jsonb(x) - 'n' from consumed x where x.n = b.n) as challenge_row,
  (select to_jsonb(c) - 'public_key' - 'n' from cred c where c.n = b.n) as credential_row,
  (select c.public_key from cred c where c.n = b.n) as public_key,
  (select jsonb_build_object('id', u.id, 'upn', u.user_principal_name, 'enabled', u.account_enabled) from users u where u.id = ${sqlText(owner)}) as user_row,
  (select to_jsonb(s) from (
    ${sqlText(groupsAbove(owner))}
    select (select array_agg(id::text) from up) as group_ids, ${sqlText(subjectColumns(owner))}
  ) s) as subject,
  (select version from auth_methods_policy where id = 'authenticationMethodsPolicy') as policy_version
from b`,
});

function lookupOf(row: LookupRow): AssertionLookup {
  const c = row.credential_row as Record<string, any> | null;
  const u = row.user_row as { id: string; upn: string; enabled: boolean } | null;
  const subject = subjectOf(row.subject as SubjectColumns | null ?? undefined);
  return {
    challenge: (row.challenge_row as ConsumedChallengeRow | null) ?? undefined,
    credential: c
      ? {
          id: c.id,
          credentialId: c.credential_id,
          userId: c.user_id,
          publicKey: new Uint8Array(row.public_key as Uint8Array),
          signCount: Number(c.sign_count),
          aaguid: c.aaguid,
          transports: c.transports,
          backupEligible: c.backup_eligible,
          backedUp: c.backed_up,
          attestationFormat: c.attestation_format,
          attestationTrust: c.attestation_trust,
          attestationCertificates: c.attestation_certificates,
          displayName: c.display_name,
          rpId: c.rp_id,
          createdAt: new Date(c.created_at),
          lastUsedAt: c.last_used_at ? new Date(c.last_used_at) : null,
        }
      : undefined,
    user: u ? { id: u.id, userPrincipalName: u.upn, accountEnabled: u.enabled } : undefined,
    groupIds: subject.groupIds,
    subject,
    policyVersion: Number(row.policy_version ?? 0),
  };
}
