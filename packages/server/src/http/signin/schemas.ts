import { z } from 'zod';
import { SIGNIN_STATES } from '../../signin/machine.ts';
import type { StoredFlow } from '../../signin/repository.ts';

export const uidParams = z.object({ uid: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });

/** What the sign-in page sees of a flow (never the user id of an entered name). */
export const flowViewSchema = z.object({
  state: z.enum(SIGNIN_STATES),
  methods: z.array(z.enum(['passkey', 'password', 'tap', 'oath'])),
  reason: z.string().nullable().optional().describe('chooseSecondFactor / failed: why, in plain words (Conditional Access, per-user MFA)'),
  username: z.string().nullable(),
  failures: z.number().int(),
  loginHint: z.string().nullable().optional(),
  redirectTo: z.string().optional().describe('Where the browser goes next when the sign-in is complete'),
});

export function flowView(f: StoredFlow) {
  return { state: f.state, methods: f.methodsOffered, username: f.loginHint, failures: f.failures, ...(f.state === 'chooseSecondFactor' || f.state === 'failed' ? { reason: f.failureReason } : {}) };
}
