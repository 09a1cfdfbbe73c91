import { expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import { b64url, fromB64url } from '@latchkey/authenticator';
import { describeEachStore } from '../support/stores.ts';
import { generateRegistrationOptions } from '../../src/methods/passkey/generateRegistrationOptions.ts';
import { generateAuthenticationOptions } from '../../src/methods/passkey/generateAuthenticationOptions.ts';
import { verifyRegistration } from '../../src/methods/passkey/verifyRegistration.ts';
import { verifyAuthentication } from '../../src/methods/passkey/verifyAuthentication.ts';
import { PasskeyError } from '../../src/methods/passkey/errors.ts';
import { ORIGIN, ctx, depsOf, newUser, register, setFido2, softAuthenticator } from './support.ts';

/** Mutates one field of a response: flip bytes, truncate, extend, or replace with junk of any JSON type. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('junk' as const), value: fc.jsonValue({ maxDepth: 2 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(value: string, m: Mutation): unknown {
  const bytes = fromB64url(value);
  switch (m.kind) {
    case 'flip': {
      if (bytes.length === 0) return value;
      const i = m.at % bytes.length;
      bytes[i] = bytes[i]! ^ (1 << m.bit);
      return b64url(bytes);
    }
    case 'truncate':
      return b64url(bytes.subarray(0, m.at % Math.max(1, bytes.length)));
    case 'append':
      return b64url(new Uint8Array([...bytes, ...m.bytes]));
    case 'junk':
      return m.value;
  }
}

/** Every malformed response is refused with a PasskeyError (a 4xx), never a crash, and stores nothing. */
describeEachStore('passkey responses under mutation', (store) => {
  beforeAll(async () => {
    await setFido2(store(), { isAttestationEnforced: false, keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] } });
  });

  it('registration (self attestation, so the signature covers authenticatorData and clientDataJSON)', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator({ attestation: { format: 'packed-self' } });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('clientDataJSON', 'attestationObject'), mutation, async (field, m) => {
        const options = await generateRegistrationOptions(depsOf(store()), { userId });
        const response = auth.makeCredential({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, user: options.user });
        const target = response.response as unknown as Record<string, unknown>;
        const mutated = apply(target[field] as string, m);
        if (mutated === target[field]) return;
        target[field] = mutated;
        try {
          await verifyRegistration(depsOf(store()), ctx, { response: response as never });
          expect.unreachable(`mutated ${field} was accepted`);
        } catch (e) {
          expect(e).toBeInstanceOf(PasskeyError);
        }
      }),
      { numRuns: 40 },
    );
    expect((await store().db.selectFrom('passkey_credentials').select('id').where('user_id', '=', userId).execute()).length).toBe(0);
  });

  it('authentication', async () => {
    const userId = await newUser(store());
    const auth = softAuthenticator();
    const { result } = await register(store(), auth, userId);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('clientDataJSON', 'authenticatorData', 'signature', 'userHandle'), mutation, async (field, m) => {
        const options = await generateAuthenticationOptions(depsOf(store()), { userId });
        const response = auth.getAssertion({ rpId: 'localhost', origin: ORIGIN, challenge: options.challenge, allowCredentials: options.allowCredentials ?? [] });
        const target = response.response as unknown as Record<string, unknown>;
        const mutated = apply(target[field] as string, m);
        if (mutated === target[field]) return;
        target[field] = mutated;
        const before = (await store().db.selectFrom('passkey_credentials').select('sign_count').where('id', '=', result.credential.id).executeTakeFirstOrThrow()).sign_count;
        // An absent user handle (null) is legitimate in username-first sign-in (WebAuthn L3 §7.2 step 6).
        if (field === 'userHandle' && mutated === null) {
          expect((await verifyAuthentication(depsOf(store()), ctx, { response: response as never })).userId).toBe(userId);
          return;
        }
        try {
          await verifyAuthentication(depsOf(store()), ctx, { response: response as never });
          expect.unreachable(`mutated ${field} was accepted`);
        } catch (e) {
          expect(e).toBeInstanceOf(PasskeyError);
        }
        const after = (await store().db.selectFrom('passkey_credentials').select('sign_count').where('id', '=', result.credential.id).executeTakeFirstOrThrow()).sign_count;
        expect(Number(after)).toBe(Number(before));
      }),
      { numRuns: 40 },
    );
  });
});
