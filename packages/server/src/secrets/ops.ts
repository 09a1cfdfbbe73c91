import { z } from 'zod';
import { defineOp } from '../cli/ops.ts';
import { ApiError } from '../errors.ts';
import { systemContext } from '../auth/principal.ts';
import { rewrapAllSecrets, sealedSecretsStatus, type RewrapResult, type SealedSecretsStatus } from './rewrap.ts';

/** `secrets.status`: how many sealed secrets each master key id holds (never a secret). */
export const secretsStatusOp = defineOp<Record<string, never>, SealedSecretsStatus>({
  name: 'secrets.status',
  run: (rt) => sealedSecretsStatus(rt.store.db, rt.envelope),
});

export const REWRAP_BATCH_MAX = 1000;

export interface SecretsRewrapArgs {
  batch?: number;
  /** In-process only (a function does not cross the control socket): progress after each batch. */
  onProgress?: (done: number, total: number) => void;
}

/** `secrets.rewrap`: every secret under a previous master key, rewrapped under the current one (ADR 0020). */
export const secretsRewrapOp = defineOp<SecretsRewrapArgs, RewrapResult>({
  name: 'secrets.rewrap',
  async run(rt, args) {
    const parsed = z.object({ batch: z.number().int().min(1).max(REWRAP_BATCH_MAX).default(200) }).safeParse({ batch: args?.batch });
    if (!parsed.success) throw new ApiError('Request_BadRequest', `batch must be a whole number from 1 to ${REWRAP_BATCH_MAX}.`);
    if (!rt.envelope.previousKeyIds.length)
      throw new ApiError('Request_BadRequest', 'No previous master key is configured (LATCHKEY_PREVIOUS_MASTER_KEYS): there is nothing to rewrap from.');
    return rewrapAllSecrets(rt.store.db, rt.envelope, systemContext(), {
      batch: parsed.data.batch,
      ...(typeof args?.onProgress === 'function' ? { onProgress: args.onProgress } : {}),
    });
  },
});
