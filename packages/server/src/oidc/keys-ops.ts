import { z } from 'zod';
import { defineOp } from '../cli/ops.ts';
import { ApiError } from '../errors.ts';
import { systemContext } from '../auth/principal.ts';
import { describeKeys, ensureSigningKeys, retireKey, rotateSigningKeys } from './keys.ts';

/** A signing key as `latchkey keys list` shows it (never the private half). */
export interface KeyInfo {
  kid: string;
  alg: string;
  status: 'active' | 'retired';
  signing: boolean;
  createdAt: string;
  retiredAt: string | null;
}

/** `keys.list`: every signing key, newest first; `signing` marks the key each alg signs with. */
export const keysListOp = defineOp<Record<string, never>, KeyInfo[]>({
  name: 'keys.list',
  async run(rt) {
    await ensureSigningKeys(rt.store.db, rt.envelope);
    return (await describeKeys(rt.store.db)).map((k) => ({
      ...k,
      createdAt: k.createdAt.toISOString(),
      retiredAt: k.retiredAt?.toISOString() ?? null,
    }));
  },
});

/**
 * `keys.rotate`: a new signing key per alg. Previous keys keep verifying (and stay in the JWKS)
 * until retired, so tokens already issued stay valid; retire them after the longest token lifetime.
 */
export const keysRotateOp = defineOp<Record<string, never>, { added: string[] }>({
  name: 'keys.rotate',
  async run(rt) {
    await ensureSigningKeys(rt.store.db, rt.envelope);
    return { added: await rotateSigningKeys(rt.store.db, rt.envelope, systemContext(), (c, p) => rt.store.notify(c, p)) };
  },
});

/** `keys.retire`: stop publishing and accepting a key that no longer signs. */
export const keysRetireOp = defineOp<{ kid: string }, { retired: string }>({
  name: 'keys.retire',
  async run(rt, args) {
    const parsed = z.object({ kid: z.string().min(1).max(100) }).safeParse(args);
    if (!parsed.success) throw new ApiError('Request_BadRequest', 'kid is required.');
    await retireKey(rt.store.db, parsed.data.kid, systemContext(), (c, p) => rt.store.notify(c, p));
    return { retired: parsed.data.kid };
  },
});
