import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { describeEachStore } from '../support/stores.ts';
import { ROLE } from '../../src/directory/roles.ts';
import { setPassword, hashPassword } from '../../src/methods/password/setPassword.ts';
import { dummyHash, verifyPassword, verifyUserPassword, needsRehash } from '../../src/methods/password/verifyPassword.ts';
import { disablePassword } from '../../src/methods/password/disablePassword.ts';
import { listPasswordMethods } from '../../src/methods/password/listPasswordMethods.ts';
import { loadPassword } from '../../src/methods/password/repository.ts';
import { passwordProblem, PASSWORD_METHOD_ID } from '../../src/methods/password/params.ts';
import { authenticateWithPassword } from '../../src/methods/password/authenticateWithPassword.ts';
import { updateMethodConfiguration } from '../../src/policy/authentication-methods/update.ts';
import { ODATA_TYPE } from '../../src/policy/authentication-methods/types.ts';
import { addMember, adminContext, assignRole, countRows, insertGroup, insertUser } from '../policy/fixtures.ts';

const GOOD = 'correct horse battery staple';

describe('password ceremony core (pure)', () => {
  it('hashes with argon2id and the configured parameters, salted (two hashes differ)', async () => {
    const a = await hashPassword(GOOD);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hashPassword(GOOD)).not.toBe(a);
    expect(needsRehash(a)).toBe(false);
  });

  it('verifies the right password, refuses a wrong one, and matches NFKC-equivalent input', async () => {
    const stored = { hash: await hashPassword('Café-password-1'), enabled: true };
    expect(await verifyPassword(stored, 'Café-password-1')).toEqual({ verified: true, needsRehash: false });
    expect(await verifyPassword(stored, 'Cafe\u0301-password-1')).toMatchObject({ verified: true });
    expect(await verifyPassword(stored, 'Café-password-2')).toEqual({ verified: false, needsRehash: false });
  });

  it('never verifies without an enabled password, even against the dummy hash, or with an absurd length', async () => {
    const stored = { hash: await hashPassword(GOOD), enabled: false };
    expect((await verifyPassword(stored, GOOD)).verified).toBe(false);
    expect((await verifyPassword(undefined, GOOD)).verified).toBe(false);
    expect((await verifyPassword({ hash: 'not-a-phc-string', enabled: true }, GOOD)).verified).toBe(false);
    expect((await verifyPassword({ hash: await hashPassword(GOOD), enabled: true }, GOOD.padEnd(5000, 'x'))).verified).toBe(false);
  });

  it('users without a password are checked against a real argon2id dummy hash made with the current parameters', async () => {
    const dummy = await dummyHash();
    expect(dummy).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await dummyHash()).toBe(dummy);
  });

  it('flags hashes made with other parameters for rehash', async () => {
    expect(needsRehash(await hash(GOOD, { memoryCost: 4096, timeCost: 1, parallelism: 1 }))).toBe(true);
    expect(needsRehash('garbage')).toBe(true);
  });

  it('states password rules without echoing the password', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem(' '.repeat(20))).toMatch(/whitespace/);
    expect(passwordProblem(GOOD)).toBeUndefined();
  });
});

describeEachStore('legacy password method', (store) => {
  const db = () => store().db;

  it('is off by default: a new user has no password method and cannot verify', async () => {
    const user = await insertUser(db());
    expect(await listPasswordMethods(db(), user)).toEqual([]);
    expect(await verifyUserPassword(db(), user, GOOD)).toEqual({ verified: false, needsRehash: false });
  });

  it('an admin sets a password: argon2id stored, audit entry without the secret, method listed without it', async () => {
    const user = await insertUser(db());
    const before = await countRows(db(), 'audit_log');
    await setPassword(db(), adminContext(), user, GOOD);
    const row = await loadPassword(db(), user);
    expect(row?.enabled).toBe(true);
    expect(row?.hash).toMatch(/^\$argon2id\$/);
    expect(await countRows(db(), 'audit_log')).toBe(before + 1);
    const entry = await db().selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(entry.activity_display_name).toBe('Reset user password');
    expect(JSON.stringify(entry)).not.toContain(GOOD);
    expect(JSON.stringify(entry)).not.toContain(row?.hash);
    const [method] = await listPasswordMethods(db(), user);
    expect(method).toEqual({ id: PASSWORD_METHOD_ID, password: null, createdDateTime: expect.any(String) });
    expect(await verifyUserPassword(db(), user, GOOD)).toEqual({ verified: true, needsRehash: false });
    expect((await verifyUserPassword(db(), user, `${GOOD}!`)).verified).toBe(false);
  });

  it('rehashes on successful verification when the parameters changed, and only then', async () => {
    const user = await insertUser(db());
    await setPassword(db(), adminContext(), user, GOOD);
    const weak = await hash(GOOD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await db().updateTable('user_passwords').set({ hash: weak }).where('user_id', '=', user).execute();
    expect((await verifyUserPassword(db(), user, 'wrong password here')).verified).toBe(false);
    expect((await loadPassword(db(), user))?.hash).toBe(weak);
    expect(await verifyUserPassword(db(), user, GOOD)).toEqual({ verified: true, needsRehash: false });
    const upgraded = (await loadPassword(db(), user))?.hash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await verifyUserPassword(db(), user, GOOD)).verified).toBe(true);
  });

  it('two concurrent sign-ins with an outdated hash both verify and leave one current hash (compare-and-set upgrade)', async () => {
    const user = await insertUser(db());
    await setPassword(db(), adminContext(), user, GOOD);
    await db()
      .updateTable('user_passwords')
      .set({ hash: await hash(GOOD, { memoryCost: 4096, timeCost: 1, parallelism: 1 }) })
      .where('user_id', '=', user)
      .execute();
    const results = await Promise.all([verifyUserPassword(db(), user, GOOD), verifyUserPassword(db(), user, GOOD)]);
    expect(results.map((r) => r.verified)).toEqual([true, true]);
    const stored = (await loadPassword(db(), user))?.hash ?? '';
    expect(needsRehash(stored)).toBe(false);
    expect((await verifyUserPassword(db(), user, GOOD)).verified).toBe(true);
  });

  it('turning the password off forgets the hash; a second delete is 404', async () => {
    const user = await insertUser(db());
    await setPassword(db(), adminContext(), user, GOOD);
    await disablePassword(db(), adminContext(), user);
    expect(await loadPassword(db(), user)).toMatchObject({ enabled: false, hash: null });
    expect((await verifyUserPassword(db(), user, GOOD)).verified).toBe(false);
    await expect(disablePassword(db(), adminContext(), user)).rejects.toMatchObject({ status: 404 });
  });

  it('rejects a weak password with 400 and writes nothing', async () => {
    const user = await insertUser(db());
    const [audit, rows] = [await countRows(db(), 'audit_log'), await countRows(db(), 'user_passwords')];
    await expect(setPassword(db(), adminContext(), user, 'short')).rejects.toMatchObject({ status: 400, code: 'Request_BadRequest' });
    expect([await countRows(db(), 'audit_log'), await countRows(db(), 'user_passwords')]).toEqual([audit, rows]);
  });

  it('refuses self-service through the admin API and Authentication Administrators on admins (403), and unknown users (404)', async () => {
    const admin = await insertUser(db());
    await assignRole(db(), admin, ROLE.globalAdministrator);
    const plain = await insertUser(db());
    const authAdmin = adminContext([ROLE.authenticationAdministrator]);
    await expect(setPassword(db(), adminContext([ROLE.globalAdministrator], admin), admin, GOOD)).rejects.toMatchObject({ status: 403 });
    await expect(setPassword(db(), authAdmin, admin, GOOD)).rejects.toMatchObject({ status: 403 });
    await setPassword(db(), authAdmin, plain, GOOD);
    expect((await verifyUserPassword(db(), plain, GOOD)).verified).toBe(true);
    await setPassword(db(), adminContext([ROLE.privilegedAuthenticationAdministrator]), admin, GOOD);
    expect((await verifyUserPassword(db(), admin, GOOD)).verified).toBe(true);
    await expect(setPassword(db(), adminContext(), randomUUID(), GOOD)).rejects.toMatchObject({ status: 404 });
  });

  it('a password sign-in counts only while the policy enables Password for the user (exclude wins)', async () => {
    const user = await insertUser(db());
    const group = await insertGroup(db());
    await addMember(db(), group, user);
    await setPassword(db(), adminContext(), user, GOOD);
    expect(await authenticateWithPassword(db(), user, GOOD)).toEqual({ verified: true, reason: 'verified' });
    expect(await authenticateWithPassword(db(), user, 'not the password at all')).toEqual({
      verified: false,
      reason: 'invalidCredentials',
    });
    expect(await authenticateWithPassword(db(), randomUUID(), GOOD)).toEqual({ verified: false, reason: 'invalidCredentials' });
    await updateMethodConfiguration(db(), adminContext(), 'Password', {
      '@odata.type': ODATA_TYPE.Password,
      excludeTargets: [{ targetType: 'group', id: group }],
    });
    expect(await authenticateWithPassword(db(), user, GOOD)).toMatchObject({
      verified: false,
      reason: 'disabledByPolicy',
      explanation: expect.stringMatching(/exclude wins/),
    });
    await updateMethodConfiguration(db(), adminContext(), 'Password', { '@odata.type': ODATA_TYPE.Password, excludeTargets: [] });
  });
});
