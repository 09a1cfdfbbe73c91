import { sql, type Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { GUID } from '../../odata/filter.ts';
import { groupsAbove } from '../../directory/membership-repository.ts';

/** What Conditional Access needs to know about the user signing in. */
export interface SignInSubject {
  /** Every group the user is in, directly or through nesting. */
  groupIds: string[];
  /** Directory roles held directly or through role-assignable groups; empty for a disabled or unknown user. */
  roleIds: string[];
  /** Legacy per-user MFA (entra-spec §7.1); no row = `disabled`. */
  perUserMfaState: 'disabled' | 'enabled' | 'enforced';
}

/**
 * One statement for the sign-in's subject: the transitive groups (`groupsAbove`, the walk of
 * `transitiveGroupIdsOfUser`), the effective roles (as `effectiveRoleTemplateIds`: direct and
 * group-assigned, none when the account is disabled) and the per-user MFA state — was five
 * round trips per evaluation (docs/benchmarks/passkey-signin.md).
 */
export async function readSignInSubject(db: Kysely<DB>, userId: string): Promise<SignInSubject> {
  if (!GUID.test(userId)) return { groupIds: [], roleIds: [], perUserMfaState: 'disabled' };
  const r = await sql<{ group_ids: string[] | null; role_ids: string[] | null; mfa: string | null }>`
    ${groupsAbove(sql`${userId}::uuid`)}
    select
      (select array_agg(id::text) from up) as group_ids,
      (select array_agg(distinct ra.role_template_id::text) from role_assignments ra
        where (ra.principal_id = ${userId}::uuid or ra.principal_id in (select id from up))
          and exists (select 1 from users u where u.id = ${userId}::uuid and u.account_enabled)) as role_ids,
      (select per_user_mfa_state from user_mfa_requirements where user_id = ${userId}::uuid) as mfa`.execute(db);
  const row = r.rows[0];
  return {
    groupIds: row?.group_ids ?? [],
    roleIds: [...(row?.role_ids ?? [])].sort(),
    perUserMfaState: (row?.mfa as SignInSubject['perUserMfaState'] | null) ?? 'disabled',
  };
}
