import type { Kysely } from 'kysely';
import type { DB } from '../../store/schema.ts';
import { loadConfigurations } from '../authentication-methods/repository.ts';
import type { MethodConfiguration } from '../authentication-methods/types.ts';

/** One enabled user as the analysis sees them: transitive groups, active roles, registered methods. */
export interface UserFacts {
  id: string;
  userPrincipalName: string;
  displayName: string;
  groupIds: string[];
  roleIds: string[];
  hasPassword: boolean;
  passkeyAaguids: string[];
  softwareOath: boolean;
  hardwareOath: boolean;
  /** A Temporary Access Pass the user holds now (valid, not used up), or null. */
  issuedTap?: 'oneTime' | 'multiUse' | null;
}

export interface DirectoryFacts {
  users: UserFacts[];
  applications: Array<{ appId: string; displayName: string }>;
  methodConfigurations: readonly MethodConfiguration[];
}

/**
 * Reads the whole directory once, in a handful of set queries (no per-user round trips), and
 * resolves nesting in memory: each group's ancestors are computed once and shared by all its
 * members. Disabled users cannot sign in at all and are left out. Role assignments to groups
 * count for their (transitive) members, as `effectiveRoleTemplateIds` does.
 */
export async function loadDirectoryFacts(db: Kysely<DB>): Promise<DirectoryFacts> {
  const [users, members, roles, passkeys, passwords, oath, taps, apps, methodConfigurations] = await Promise.all([
    db
      .selectFrom('users')
      .select(['id', 'user_principal_name', 'display_name'])
      .where('account_enabled', '=', true)
      .orderBy('id')
      .execute(),
    db.selectFrom('group_members').select(['group_id', 'member_id']).execute(),
    db.selectFrom('role_assignments').select(['principal_id', 'role_template_id']).execute(),
    db.selectFrom('passkey_credentials').select(['user_id', 'aaguid']).execute(),
    db.selectFrom('user_passwords').select('user_id').where('enabled', '=', true).execute(),
    // OATH tokens arrive with migration 0008; a store without it has none.
    db
      .selectFrom('oath_tokens')
      .select(['user_id', 'kind'])
      .where('status', '=', 'activated')
      .execute()
      .catch(() => [] as Array<{ user_id: string | null; kind: string }>),
    db
      .selectFrom('tap_methods')
      .select(['user_id', 'start_date_time', 'lifetime_in_minutes', 'is_usable_once', 'used_at'])
      .where('used_at', 'is', null)
      .execute(),
    db.selectFrom('applications').select(['app_id', 'display_name']).orderBy('display_name').orderBy('app_id').execute(),
    loadConfigurations(db),
  ]);
  const parents = multimap(members.map((m) => [m.member_id, m.group_id]));
  const rolesOf = multimap(roles.map((r) => [r.principal_id, r.role_template_id]));
  const aaguids = multimap(passkeys.map((p) => [p.user_id, p.aaguid.toLowerCase()]));
  const withPassword = new Set(passwords.map((p) => p.user_id));
  const software = new Set(oath.filter((o) => o.kind === 'software').map((o) => o.user_id));
  const hardware = new Set(oath.filter((o) => o.kind === 'hardware').map((o) => o.user_id));
  const now = Date.now();
  const tapOf = new Map(
    taps
      .filter(
        (t) => new Date(t.start_date_time).getTime() <= now && now < new Date(t.start_date_time).getTime() + t.lifetime_in_minutes * 60_000,
      )
      .map((t) => [t.user_id, t.is_usable_once ? ('oneTime' as const) : ('multiUse' as const)]),
  );
  const ancestors = new Map<string, readonly string[]>();
  const ancestorsOf = (group: string, path: Set<string>): readonly string[] => {
    const known = ancestors.get(group);
    if (known) return known;
    path.add(group);
    const out = new Set<string>([group]);
    for (const p of parents.get(group) ?? []) if (!path.has(p)) for (const a of ancestorsOf(p, path)) out.add(a);
    path.delete(group);
    const list = [...out];
    ancestors.set(group, list);
    return list;
  };
  return {
    users: users.map((u) => {
      const groups = new Set<string>();
      for (const g of parents.get(u.id) ?? []) for (const a of ancestorsOf(g, new Set())) groups.add(a);
      const roleIds = new Set(rolesOf.get(u.id) ?? []);
      for (const g of groups) for (const r of rolesOf.get(g) ?? []) roleIds.add(r);
      return {
        id: u.id,
        userPrincipalName: u.user_principal_name,
        displayName: u.display_name,
        groupIds: [...groups].sort(),
        roleIds: [...roleIds].sort(),
        hasPassword: withPassword.has(u.id),
        passkeyAaguids: [...new Set(aaguids.get(u.id) ?? [])].sort(),
        softwareOath: software.has(u.id),
        hardwareOath: hardware.has(u.id),
        issuedTap: tapOf.get(u.id) ?? null,
      };
    }),
    applications: apps.map((a) => ({ appId: a.app_id, displayName: a.display_name })),
    methodConfigurations,
  };
}

function multimap(pairs: Array<[string, string]> | Array<string[]>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of pairs as Array<[string, string]>) {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  }
  return m;
}
