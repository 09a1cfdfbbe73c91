import { expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { describeEachStore } from '../support/stores.ts';
import { systemContext } from '../../src/auth/principal.ts';
import { createUser } from '../../src/directory/users.ts';
import { insertCredential, findByCredentialId } from '../../src/methods/passkey/credentials-repository.ts';
import { findFlowByInteraction, insertFlow, type StoredFlow } from '../../src/signin/repository.ts';
import { upsertPayload, findPayload } from '../../src/oidc/payloads-repository.ts';
import { signInLogItemOf } from '../../src/signin/signin-log-repository.ts';
import { commitCompletion, type Completion } from '../../src/signin/completion-repository.ts';
import { newFlowRow } from './support.ts';

/**
 * The one write that finishes a passkey sign-in (signin/passkey-completion.ts): the credential's
 * use, the flow at its version, the log row, the interaction's result — each only if the one
 * before it was written. The same contract on both stores (one statement on PostgreSQL, four on PGlite).
 */
describeEachStore('sign-in completion repository', (store) => {
  const db = () => store().db;

  async function fixture(o: { signCount?: number; interactionTtlMs?: number } = {}) {
    const user = await createUser(db(), systemContext('test'), {
      userPrincipalName: `c${randomUUID().slice(0, 8)}@latchkey.test`,
      displayName: 'Completion',
    });
    const credential = await insertCredential(db(), {
      id: randomUUID(),
      credentialId: randomUUID(),
      userId: user.id as string,
      publicKey: new Uint8Array([1, 2, 3]),
      signCount: o.signCount ?? 5,
      aaguid: '00000000-0000-0000-0000-000000000000',
      transports: ['internal'],
      backupEligible: false,
      backedUp: false,
      attestationFormat: 'none',
      attestationTrust: 'none',
      attestationCertificates: [],
      displayName: 'Key',
      rpId: 'localhost',
    } as never);
    const uid = `uid-${randomUUID()}`;
    const interaction = {
      jti: uid,
      kind: 'Interaction',
      returnTo: `https://id.test/oidc/authorize/${uid}`,
      prompt: { name: 'login' },
      exp: 1,
    };
    await upsertPayload(db(), {
      kind: 'Interaction',
      id: uid,
      payload: interaction,
      expiresAt: new Date(Date.now() + (o.interactionTtlMs ?? 3_600_000)),
    });
    const flow = await insertFlow(db(), newFlowRow({ interactionUid: uid }));
    const now = new Date();
    const next: StoredFlow = {
      ...flow,
      state: 'complete',
      userId: user.id as string,
      identified: true,
      loginHint: user.userPrincipalName as string,
      methodsPerformed: [{ method: 'passkey', at: now.toISOString(), amr: ['hwk'] }],
    };
    const completion = (count: number, expectedVersion = flow.version): Completion => ({
      use: { id: credential.id, newSignCount: count, backedUp: true, at: now },
      save: { next, expectedVersion, now },
      log: signInLogItemOf({
        flowId: flow.id,
        userId: user.id as string,
        userPrincipalName: user.userPrincipalName as string,
        appId: 'latchkey-my',
        ipAddress: '127.0.0.1',
        errorCode: 0,
        failureReason: null,
        conditionalAccessStatus: 'notApplied',
        appliedConditionalAccessPolicies: [],
        authenticationDetails: [],
        authenticationRequirement: 'multiFactorAuthentication',
        correlationId: randomUUID(),
        at: now,
      }),
      result: { uid, result: { login: { accountId: user.id } }, now },
    });
    const logRows = async () => (await db().selectFrom('signin_log').select('id').where('flow_id', '=', flow.id).execute()).length;
    const resultOf = async () => (await findPayload(db(), 'Interaction', { id: uid }))?.payload.result;
    return { user, credential, flow, uid, interaction, completion, logRows, resultOf };
  }

  it('writes the use, the flow, the log row and the interaction result together', async () => {
    const f = await fixture();
    const out = await commitCompletion(db(), f.completion(6));
    expect(out.used).toBe(true);
    expect(out.resulted).toBe(true);
    expect(out.flow).toMatchObject({ id: f.flow.id, state: 'complete', userId: f.user.id, version: f.flow.version + 1 });
    expect(await findFlowByInteraction(db(), f.uid)).toEqual(out.flow);
    expect(await findByCredentialId(db(), f.credential.credentialId)).toMatchObject({ signCount: 6, backedUp: true });
    expect(await f.logRows()).toBe(1);
    expect(await f.resultOf()).toEqual({ login: { accountId: f.user.id } });
    // The rest of the interaction stays as the provider wrote it.
    const { result: _result, ...rest } = (await findPayload(db(), 'Interaction', { id: f.uid }))!.payload;
    expect(rest).toEqual(f.interaction);
  });

  it('a counter that did not move forward writes nothing at all', async () => {
    const f = await fixture({ signCount: 9 });
    const out = await commitCompletion(db(), f.completion(9));
    expect(out).toEqual({ used: false, flow: undefined, resulted: false });
    expect((await findFlowByInteraction(db(), f.uid))!.state).toBe('identify');
    expect((await findByCredentialId(db(), f.credential.credentialId))!.signCount).toBe(9);
    expect(await f.logRows()).toBe(0);
    expect(await f.resultOf()).toBeUndefined();
  });

  it('a flow another request moved first: the use is stored, nothing after it', async () => {
    const f = await fixture();
    const out = await commitCompletion(db(), f.completion(7, f.flow.version + 1));
    expect(out).toEqual({ used: true, flow: undefined, resulted: false });
    expect((await findByCredentialId(db(), f.credential.credentialId))!.signCount).toBe(7);
    expect((await findFlowByInteraction(db(), f.uid))!.version).toBe(f.flow.version);
    expect(await f.logRows()).toBe(0);
    expect(await f.resultOf()).toBeUndefined();
  });

  it('an interaction that expired meanwhile: the sign-in is recorded, the result is not', async () => {
    const f = await fixture({ interactionTtlMs: -1_000 });
    const out = await commitCompletion(db(), f.completion(6));
    expect(out.used).toBe(true);
    expect(out.flow?.state).toBe('complete');
    expect(out.resulted).toBe(false);
    expect(await f.logRows()).toBe(1);
  });

  it('two completions with one counter at once: exactly one is stored', async () => {
    const f = await fixture();
    const outs = await Promise.all([commitCompletion(db(), f.completion(8)), commitCompletion(db(), f.completion(8))]);
    expect(outs.filter((o) => o.used)).toHaveLength(1);
    expect(outs.filter((o) => o.flow)).toHaveLength(1);
    expect(await f.logRows()).toBe(1);
  });

  it('completions of different sign-ins at once each stop where their own writes stop', async () => {
    const [ok, regressed, moved, expired] = await Promise.all([fixture(), fixture({ signCount: 9 }), fixture(), fixture({ interactionTtlMs: -1_000 })]);
    const outs = await Promise.all([
      commitCompletion(db(), ok!.completion(6)),
      commitCompletion(db(), regressed!.completion(9)),
      commitCompletion(db(), moved!.completion(7, moved!.flow.version + 1)),
      commitCompletion(db(), expired!.completion(6)),
    ]);
    expect(outs.map((o) => [o.used, o.flow?.state ?? null, o.resulted])).toEqual([
      [true, 'complete', true],
      [false, null, false],
      [true, null, false],
      [true, 'complete', false],
    ]);
    expect(await findFlowByInteraction(db(), ok!.uid)).toEqual(outs[0]!.flow);
    expect(await Promise.all([ok, regressed, moved, expired].map((f) => f!.logRows()))).toEqual([1, 0, 0, 1]);
    expect(await ok!.resultOf()).toEqual({ login: { accountId: ok!.user.id } });
    expect(await expired!.resultOf()).toBeUndefined();
  });
});
