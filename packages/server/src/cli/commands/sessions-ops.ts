import { z } from 'zod';
import { defineOp } from '../ops.ts';
import { systemContext } from '../../auth/principal.ts';
import { revokeSignInSessions } from '../../directory/revoke-sessions.ts';
import { argsOf } from './users-ops.ts';

/** `sessions.revoke`: Graph `POST /users/{id}/revokeSignInSessions` as an operator (ADR 0017). */
export const sessionsRevokeOp = defineOp<{ user: string }, { user: string; signInSessionsValidFromDateTime: string }>({
  name: 'sessions.revoke',
  async run(rt, raw) {
    const { user } = argsOf(z.object({ user: z.string().min(1).max(320) }), raw);
    return { user, ...(await revokeSignInSessions(rt.store.db, systemContext(), user)) };
  },
});
