import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import { effectiveRoleTemplateIds } from '../directory/role-assignments-repository.ts';
import { ALL_SCOPES } from '../auth/permissions.ts';
import { FIRST_PARTY_CLIENTS } from './first-party.ts';
import { findUserById } from '../oidc/principals-repository.ts';

/** The delegated scope every user token of My Security Info carries (the `me.*` routes check it). */
export const ME_SCOPE = 'Latchkey.Me';

interface TokenLike {
  kind: string;
  accountId?: string;
  clientId?: string;
}
interface CtxLike {
  oidc?: { entities?: Record<string, { amr?: string[]; authTime?: number; acr?: string } | undefined> };
}

/**
 * Extra claims of a user's access token (oidc-provider `extraTokenClaims`), Entra's names:
 * `oid`, `idtyp: user`, `name`, `preferred_username`, `wids` (the user's directory roles, transitive through role-assignable
 * groups), `scp`, and the sign-in facts `amr`, `acr`, `auth_time` copied from the code or
 * refresh token it was exchanged for, so `/api/v1/me` can demand a fresh strong sign-in.
 * `scp`: ADR 0007 — the Control Center gets every admin permission name (the user's roles
 * still decide), My Security Info gets `Latchkey.Me`, other apps get none.
 */
export function createUserTokenClaims(db: Kysely<DB>) {
  return async (ctx: CtxLike, token: TokenLike): Promise<Record<string, unknown> | undefined> => {
    if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
    const source = ctx.oidc?.entities?.AuthorizationCode ?? ctx.oidc?.entities?.RefreshToken;
    const scp = token.clientId === FIRST_PARTY_CLIENTS.console.clientId ? ALL_SCOPES.join(' ') : token.clientId === FIRST_PARTY_CLIENTS.my.clientId ? ME_SCOPE : '';
    const user = await findUserById(db, token.accountId);
    return {
      oid: token.accountId,
      idtyp: 'user',
      ...(user ? { name: user.displayName, preferred_username: user.userPrincipalName } : {}),
      wids: await effectiveRoleTemplateIds(db, token.accountId),
      ...(scp ? { scp } : {}),
      ...(source?.amr ? { amr: source.amr } : {}),
      ...(source?.acr ? { acr: source.acr } : {}),
      ...(source?.authTime ? { auth_time: source.authTime } : {}),
    };
  };
}
