import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { STORE_KINDS } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { findOp } from '../../src/cli/ops.ts';
import { ApiError } from '../../src/errors.ts';
import { counts } from './helpers.ts';

/**
 * The CLI's directory operations, run exactly as `latchkey users|groups|roles …` runs them (the op
 * registry; in-process here, the same code the control socket runs beside a live server).
 */
for (const kind of STORE_KINDS) {
  describe(`directory CLI ops [${kind}]`, () => {
    let s: TestServer;
    const run = async <R = any>(name: string, args: Record<string, unknown> = {}): Promise<R> => {
      const op = findOp(name);
      if (!op) throw new Error(`op ${name} is not registered`);
      return (await op.run(s.runtime, args)) as R;
    };
    beforeAll(async () => {
      s = await startTestServer(kind);
    });
    afterAll(async () => s?.close());

    it('creates, lists, disables, enables and deletes users', async () => {
      const u = await run('users.create', { userPrincipalName: 'cli@contoso.example', displayName: 'Cli User' });
      expect(u.accountEnabled).toBe(true);
      expect((await run('users.list', { filter: "startswith(userPrincipalName,'cli')", count: true })).count).toBe(1);
      expect((await run('users.disable', { user: 'CLI@contoso.example' })).accountEnabled).toBe(false);
      expect((await run('users.enable', { user: u.id })).accountEnabled).toBe(true);
      expect((await run('users.show', { user: 'cli@contoso.example' })).id).toBe(u.id);
      expect(await run('users.delete', { user: 'cli@contoso.example' })).toEqual({ deleted: u.id });
      await expect(run('users.show', { user: u.id })).rejects.toMatchObject({ status: 404 });
    });

    it('pages users with skip tokens', async () => {
      for (let i = 0; i < 5; i++) await run('users.create', { userPrincipalName: `page${i}@contoso.example`, displayName: `Page ${i}` });
      const seen: string[] = [];
      let skipToken: string | undefined;
      do {
        const page: { value: Array<{ id: string }>; nextSkipToken: string | null } = await run('users.list', {
          top: 2,
          filter: "startswith(displayName,'Page')",
          ...(skipToken ? { skipToken } : {}),
        });
        seen.push(...page.value.map((u) => u.id));
        skipToken = page.nextSkipToken ?? undefined;
      } while (skipToken);
      expect(new Set(seen).size).toBe(5);
    });

    it('manages groups by name and resolves nested members', async () => {
      await run('users.create', { userPrincipalName: 'nest@contoso.example', displayName: 'Nest' });
      const inner = await run('groups.create', { displayName: 'Inner Team' });
      expect(inner.mailNickname).toBe('InnerTeam');
      await run('groups.create', { displayName: 'Outer Team' });
      expect((await run('groups.addMember', { group: 'inner team', member: 'nest@contoso.example' })).type).toBe('user');
      expect((await run('groups.addMember', { group: 'Outer Team', member: 'Inner Team' })).type).toBe('group');
      const transitive = await run('groups.members', { group: 'Outer Team', transitive: true, count: true });
      expect(transitive.count).toBe(2);
      await run('groups.removeMember', { group: 'Outer Team', member: inner.id });
      expect((await run('groups.members', { group: 'Outer Team' })).value).toEqual([]);
      await expect(run('groups.addMember', { group: 'No Such Group', member: 'nest@contoso.example' })).rejects.toMatchObject({
        status: 404,
      });
    });

    it('assigns and unassigns roles by name, protecting the last Global Administrator', async () => {
      await run('users.create', { userPrincipalName: 'reader@contoso.example', displayName: 'Reader' });
      const a = await run('roles.assign', { principal: 'reader@contoso.example', role: 'Global Reader' });
      expect(
        (await run('roles.list', { principal: 'reader@contoso.example' })).map((r: { roleDisplayName: string }) => r.roleDisplayName),
      ).toEqual(['Global Reader']);
      expect(await run('roles.unassign', { principal: 'reader@contoso.example', role: a.roleDefinitionId })).toEqual({ removed: a.id });
      const before = await counts(s);
      const err = await run('roles.unassign', { principal: 'admin@latchkey.local', role: 'Global Administrator' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status).toBe(400);
      await expect(run('roles.assign', { principal: 'reader@contoso.example', role: 'Supreme Leader' })).rejects.toMatchObject({
        status: 400,
      });
      await expect(run('users.create', { userPrincipalName: 'bad', displayName: 'x' })).rejects.toMatchObject({ status: 400 });
      expect(await counts(s)).toEqual(before);
    });
  });
}
