import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { findUserById } from './principals-repository.ts';
import { tokenOutlivesNoTap } from '../methods/tap/sessions.ts';
import { groupClaims } from './group-claims.ts';

/**
 * oidc-provider's `findAccount`: a directory user (enabled) by id, with the standard claims.
 * The sign-in pages (issue 3) establish who the user is through the interaction at
 * `/signin/{uid}` and finish it with `provider.interactionFinished(…, { login: { accountId } })`;
 * this function then supplies the claims for ID tokens and userinfo.
 */
export function createFindAccount(db: Kysely<DB>) {
  return async (ctx: unknown, sub: string, token?: unknown) => {
    if (!/^[0-9a-f-]{36}$/i.test(sub)) return undefined;
    if (token && !(await tokenOutlivesNoTap(db, sub, token))) return undefined; // entra-spec §3.3: TAP sessions and tokens end with the TAP (docs/tap.md)
    const user = await findUserById(db, sub);
    if (!user || !user.enabled) return undefined;
    return {
      accountId: user.id,
      async claims() {
        // The app's `groups` claim (Graph groupMembershipClaims; oidc/group-claims.ts), read when a token or userinfo is made.
        const clientId = (ctx as { oidc?: { client?: { clientId?: string } } } | undefined)?.oidc?.client?.clientId;
        const groups = clientId ? await groupClaims(db, clientId, user.id) : {};
        // `email` only with the `email` scope (the provider filters by scope) and only when the directory has a mail address, as Entra's v2.0 tokens.
        return { sub: user.id, oid: user.id, name: user.displayName, preferred_username: user.userPrincipalName, ...(user.mail ? { email: user.mail } : {}), ...groups };
      },
    };
  };
}
