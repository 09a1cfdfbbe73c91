import { sql, type Kysely, type RawBuilder } from 'kysely';
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
  const r = await signInSubjectQuery(userId).execute(db);
  return subjectOf(r.rows[0]);
}

/** The statement of `readSignInSubject` (a test reads its plan). */
export function signInSubjectQuery(userId: string): RawBuilder<SubjectColumns> {
  const user = sql`${userId}::uuid`;
  return sql<SubjectColumns>`
    ${groupsAbove(user)}
    select (select array_agg(id::text) from up) as group_ids, ${subjectColumns(user)}`;
}

/** The columns `subjectOf` reads besides the groups. */
export interface SubjectColumns {
  group_ids: string[] | null;
  role_ids: string[] | null;
  mfa: string | null;
}

/**
 * `role_ids` and `mfa` of the user `user` (a uuid expression), for a statement that has the
 * user's `up` group walk (`groupsAbove`) in scope: effective roles as `effectiveRoleTemplateIds`
 * (direct and group-assigned, none for a disabled account) and the per-user MFA state. Shared
 * with the passkey assertion's statement (methods/passkey/assertion-lookup.ts), which reads the
 * subject with the credential.
 */
export function subjectColumns(user: RawBuilder<unknown>): RawBuilder<unknown> {
  // Two lookups by principal (the user, then each of its groups), each through role_assignments_principal:
  // an `or … in (select …)` over the two could only be answered by reading every assignment of the directory.
  return sql`(select array_agg(distinct r.role_template_id::text) from (
          select ra.role_template_id from role_assignments ra where ra.principal_id = ${user}
          union all
          select ra.role_template_id from up cross join lateral (select role_template_id from role_assignments where principal_id = up.id offset 0) ra
        ) r
        where exists (select 1 from users u where u.id = ${user} and u.account_enabled)) as role_ids,
      (select per_user_mfa_state from user_mfa_requirements where user_id = ${user}) as mfa`;
}

export function subjectOf(row: SubjectColumns | undefined): SignInSubject {
  return {
    groupIds: row?.group_ids ?? [],
    roleIds: [...(row?.role_ids ?? [])].sort(),
    perUserMfaState: (row?.mfa as SignInSubject['perUserMfaState'] | null) ?? 'disabled',
  };
}
