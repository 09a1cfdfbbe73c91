import { expect, it } from 'vitest';
import fc from 'fast-check';
import { describeEachStore } from '../support/stores.ts';
import {
  insertUser,
  findUserRowByUpn,
  findUserRowByKey,
  listUsers,
  updateUserRow,
  deleteUserRow,
  countUsers,
  type UserValues,
} from '../../src/directory/users-repository.ts';
import { insertGroup, listGroups, deleteGroupRow, findGroupRow } from '../../src/directory/groups-repository.ts';
import {
  insertMember,
  deleteMember,
  isDirectMember,
  listMembers,
  listMemberOf,
  transitiveGroupIdsOfUser,
} from '../../src/directory/membership-repository.ts';
import {
  insertRoleAssignment,
  effectiveRoleTemplateIds,
  countActiveGlobalAdmins,
  listRoleAssignments,
} from '../../src/directory/role-assignments-repository.ts';
import { isUniqueViolation } from '../../src/directory/audit-values.ts';
import { parseFilter, formatFilter, type FilterExpr } from '../../src/odata/filter.ts';
import { USERS_RESOURCE } from '../../src/directory/filters.ts';
import { ROLE } from '../../src/directory/roles.ts';
import type { GraphUser } from '../../src/directory/shapes.ts';

const values = (upn: string, extra: Partial<UserValues> = {}): UserValues => ({
  user_principal_name: upn,
  display_name: upn.split('@')[0]!,
  given_name: null,
  surname: null,
  mail: null,
  mail_nickname: null,
  job_title: null,
  department: null,
  account_enabled: true,
  ...extra,
});
const group = (db: Parameters<typeof insertGroup>[0], name: string, assignable = false) =>
  insertGroup(db, crypto.randomUUID(), { display_name: name, description: null, mail_nickname: name, is_assignable_to_role: assignable });

describeEachStore('users repository', (store) => {
  it('keeps userPrincipalName unique case-insensitively (unique index)', async () => {
    const db = store().db;
    await insertUser(db, crypto.randomUUID(), values('Uniq@Example.org'));
    const err = await insertUser(db, crypto.randomUUID(), values('uniq@EXAMPLE.org')).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect((await findUserRowByUpn(db, 'UNIQ@example.ORG'))?.user_principal_name).toBe('Uniq@Example.org');
  });

  it('finds by id or UPN, updates and deletes with memberships and roles', async () => {
    const db = store().db;
    const u = await insertUser(db, crypto.randomUUID(), values('gone@example.org'));
    const g = await group(db, 'g-gone');
    await insertMember(db, g.id, u.id, 'user');
    await insertRoleAssignment(db, crypto.randomUUID(), {
      role_template_id: ROLE.globalReader,
      principal_id: u.id,
      principal_type: 'user',
      directory_scope_id: '/',
    });
    expect((await findUserRowByKey(db, u.id.toUpperCase()))?.id).toBe(u.id);
    expect(await findUserRowByKey(db, 'no-at-sign')).toBeUndefined();
    expect((await updateUserRow(db, u.id, { display_name: 'Renamed', account_enabled: false })).display_name).toBe('Renamed');
    expect(await deleteUserRow(db, u.id)).toEqual({ memberships: 1, roleAssignments: 1 });
    expect(await findUserRowByKey(db, u.id)).toBeUndefined();
    expect(await isDirectMember(db, g.id, u.id)).toBe(false);
    expect(await effectiveRoleTemplateIds(db, u.id)).toEqual([]);
  });

  it('evaluates any generated $filter exactly as the OData semantics say (SQL vs reference)', async () => {
    const db = store().db;
    const alphabet = ['a', 'A', 'b', 'B', '%', '_', "'"];
    const word = fc.array(fc.constantFrom(...alphabet), { minLength: 0, maxLength: 3 }).map((a) => a.join(''));
    const people = fc.sample(fc.record({ d: word, dept: fc.option(word, { nil: null }), on: fc.boolean() }), { numRuns: 40, seed: 7 });
    const mine: GraphUser[] = [];
    for (const [i, p] of people.entries())
      mine.push(
        await insertUser(
          db,
          crypto.randomUUID(),
          values(`f${i}@filter.test`, { display_name: `x${p.d}`, department: p.dept, account_enabled: p.on }),
        ),
      );
    const ids = new Set(mine.map((u) => u.id));
    const leaf: fc.Arbitrary<FilterExpr> = fc.oneof(
      fc.record({ kind: fc.constant('eq' as const), field: fc.constant('displayName'), value: word.map((w) => `x${w}`) }),
      fc.record({ kind: fc.constant('startswith' as const), field: fc.constantFrom('displayName', 'department'), value: word }),
      fc.record({ kind: fc.constant('eq' as const), field: fc.constant('department'), value: fc.option(word, { nil: null }) }),
      fc.record({ kind: fc.constant('eq' as const), field: fc.constant('accountEnabled'), value: fc.boolean() }),
    );
    const expr = fc.letrec<{ e: FilterExpr }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('e'), right: tie('e') }),
      ),
    })).e;
    const prop: Record<string, keyof GraphUser> = {
      displayName: 'displayName',
      department: 'department',
      accountEnabled: 'accountEnabled',
    };
    const holds = (e: FilterExpr, u: GraphUser): boolean => {
      if ('left' in e) return e.kind === 'and' ? holds(e.left, u) && holds(e.right, u) : holds(e.left, u) || holds(e.right, u);
      const v = u[prop[e.field]!] as string | boolean | null;
      if (e.kind === 'startswith') return typeof v === 'string' && v.toLowerCase().startsWith(e.value.toLowerCase());
      if (e.value === null) return v === null;
      return typeof v === 'string' ? v.toLowerCase() === String(e.value).toLowerCase() : v === e.value;
    };
    await fc.assert(
      fc.asyncProperty(expr, async (e) => {
        const parsed = parseFilter(formatFilter(e), USERS_RESOURCE.filterable, 'users');
        const page = await listUsers(db, { filter: parsed, top: 999 });
        const got = page.items
          .filter((u) => ids.has(u.id))
          .map((u) => u.id)
          .sort();
        expect(got).toEqual(
          mine
            .filter((u) => holds(e, u))
            .map((u) => u.id)
            .sort(),
        );
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('pages by id with a keyset and counts', async () => {
    const db = store().db;
    const total = await countUsers(db);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listUsers(db, { top: 7, after, count: after === undefined });
      if (after === undefined) expect(page.count).toBe(total);
      seen.push(...page.items.map((u) => u.id));
      if (page.nextAfter === null) break;
      after = page.nextAfter;
    }
    expect(seen.length).toBe(total);
    expect([...seen].sort()).toEqual(seen);
  });
});

describeEachStore('groups and membership repositories', (store) => {
  it('resolves transitive groups of a user through depth 5, and terminates on cycles', async () => {
    const db = store().db;
    const u = await insertUser(db, crypto.randomUUID(), values('deep@example.org'));
    const chain = [];
    for (let i = 0; i < 5; i++) chain.push(await group(db, `level${i}`));
    await insertMember(db, chain[4]!.id, u.id, 'user');
    for (let i = 4; i > 0; i--) await insertMember(db, chain[i - 1]!.id, chain[i]!.id, 'group');
    const all = chain.map((g) => g.id).sort();
    expect((await transitiveGroupIdsOfUser(db, u.id)).sort()).toEqual(all);
    // Close the loop: level0 ∈ level4, and a 2-cycle beside it.
    await insertMember(db, chain[4]!.id, chain[0]!.id, 'group');
    const [x, y] = [await group(db, 'cx'), await group(db, 'cy')];
    await insertMember(db, x.id, y.id, 'group');
    await insertMember(db, y.id, x.id, 'group');
    await insertMember(db, x.id, chain[2]!.id, 'group');
    expect((await transitiveGroupIdsOfUser(db, u.id)).sort()).toEqual([...all, x.id, y.id].sort());
    const down = await listMembers(db, chain[0]!.id, true, { top: 100 });
    expect(down.items.map((o) => o.id).sort()).toEqual([...chain.slice(1).map((g) => g.id), u.id].sort());
    const up = await listMemberOf(db, chain[0]!.id, true, { top: 100, count: true });
    expect(up.count).toBe(6); // level1–4 through the loop, cx, cy
    expect(await transitiveGroupIdsOfUser(db, crypto.randomUUID())).toEqual([]);
  });

  it('adds and removes direct members and cascades on group delete', async () => {
    const db = store().db;
    const g = await group(db, 'del');
    const child = await group(db, 'child');
    const u = await insertUser(db, crypto.randomUUID(), values('member@example.org'));
    await insertMember(db, g.id, u.id, 'user');
    await insertMember(db, child.id, g.id, 'group');
    const direct = await listMembers(db, g.id, false, { top: 10 });
    expect(direct.items).toMatchObject([{ '@odata.type': '#microsoft.graph.user', id: u.id, userPrincipalName: 'member@example.org' }]);
    expect(await deleteMember(db, g.id, u.id)).toBe(true);
    expect(await deleteMember(db, g.id, u.id)).toBe(false);
    await insertMember(db, g.id, u.id, 'user');
    expect(await deleteGroupRow(db, g.id)).toEqual({ members: 1, memberships: 1, roleAssignments: 0 });
    expect(await findGroupRow(db, g.id)).toBeUndefined();
    expect(await transitiveGroupIdsOfUser(db, u.id)).toEqual([]);
    expect((await listMembers(db, child.id, false, { top: 10 })).items).toEqual([]);
  });

  it('filters groups and pages them', async () => {
    const db = store().db;
    await group(db, 'Finance One');
    await group(db, 'finance two');
    const page = await listGroups(db, {
      top: 1,
      filter: parseFilter(
        "startswith(displayName,'FINANCE')",
        { displayName: { column: 'display_name', type: 'string', startswith: true } },
        'groups',
      ),
      count: true,
    });
    expect(page.count).toBe(2);
    expect(page.items).toHaveLength(1);
    expect(page.nextAfter).toBe(page.items[0]!.id);
  });
});

describeEachStore('role assignments repository', (store) => {
  it('computes effective roles from direct and group assignments, none when disabled', async () => {
    const db = store().db;
    const u = await insertUser(db, crypto.randomUUID(), values('roles@example.org'));
    const g = await group(db, 'ra', true);
    await insertMember(db, g.id, u.id, 'user');
    await insertRoleAssignment(db, crypto.randomUUID(), {
      role_template_id: ROLE.helpdeskAdministrator,
      principal_id: u.id,
      principal_type: 'user',
      directory_scope_id: '/',
    });
    await insertRoleAssignment(db, crypto.randomUUID(), {
      role_template_id: ROLE.globalReader,
      principal_id: g.id,
      principal_type: 'group',
      directory_scope_id: '/',
    });
    expect(await effectiveRoleTemplateIds(db, u.id)).toEqual([ROLE.helpdeskAdministrator, ROLE.globalReader].sort());
    await updateUserRow(db, u.id, { account_enabled: false });
    expect(await effectiveRoleTemplateIds(db, u.id)).toEqual([]);
    expect(await effectiveRoleTemplateIds(db, 'not-a-guid')).toEqual([]);
    const listed = await listRoleAssignments(db, {
      top: 10,
      filter: parseFilter(`principalId eq '${g.id}'`, { principalId: { column: 'principal_id', type: 'guid' } }, 'roleAssignments'),
    });
    expect(listed.items.map((a) => a.roleDefinitionId)).toEqual([ROLE.globalReader]);
  });

  it('counts only enabled direct Global Administrators', async () => {
    const db = store().db;
    const base = await countActiveGlobalAdmins(db);
    const a = await insertUser(db, crypto.randomUUID(), values('ga1@example.org'));
    const b = await insertUser(db, crypto.randomUUID(), values('ga2@example.org', { account_enabled: false }));
    const ra = crypto.randomUUID();
    await insertRoleAssignment(db, ra, {
      role_template_id: ROLE.globalAdministrator,
      principal_id: a.id,
      principal_type: 'user',
      directory_scope_id: '/',
    });
    await insertRoleAssignment(db, crypto.randomUUID(), {
      role_template_id: ROLE.globalAdministrator,
      principal_id: b.id,
      principal_type: 'user',
      directory_scope_id: '/',
    });
    expect(await countActiveGlobalAdmins(db)).toBe(base + 1);
    expect(await countActiveGlobalAdmins(db, { exceptUserId: a.id })).toBe(base);
    expect(await countActiveGlobalAdmins(db, { exceptAssignmentId: ra })).toBe(base);
  });
});
