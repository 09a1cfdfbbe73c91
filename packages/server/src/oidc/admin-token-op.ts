import { z } from 'zod';
import { defineOp } from '../cli/ops.ts';
import { ApiError } from '../errors.ts';
import { ALL_SCOPES } from '../auth/permissions.ts';
import { roleByNameOrId } from '../directory/roles.ts';
import { ensureFirstAdmin } from '../bootstrap.ts';
import { ensureSigningKeys, loadSigningKeys } from './keys.ts';
import { adminApiAudience, CLI_APP_ID, signAccessToken } from './access-token.ts';
import { findUserById, findUserByUpn } from './principals-repository.ts';
import { effectiveRoleTemplateIds } from '../directory/role-assignments-repository.ts';

const Args = z.object({
  roles: z.array(z.string().min(1).max(100)).max(50).optional(),
  scopes: z.array(z.string().min(1).max(100)).max(200).optional(),
  userPrincipalName: z.string().min(3).max(256).optional(),
});

export type AdminTokenArgs = z.infer<typeof Args>;

/**
 * `admin.token` — mints a short-lived admin-API access token (`adminTokenTtlSeconds`) for a user,
 * signed with the active ES256 key, exactly like the ones the provider issues (ADR 0004).
 *
 * - user: `userPrincipalName`, default the first Global Administrator (`ensureFirstAdmin`).
 * - roles (`wids`): names or template ids; default the user's own directory roles (for the
 *   first administrator: Global Administrator). Explicit roles are taken as given: this op runs
 *   only for whoever can open the database or the control socket, i.e. an operator.
 * - scopes (`scp`): default every Graph permission Latchkey knows, so the user acts with its
 *   roles only; explicit scopes narrow what the token may do (both must allow an operation).
 */
export const adminTokenOp = defineOp<AdminTokenArgs, { accessToken: string; expiresIn: number; tokenType: 'Bearer' }>({
  name: 'admin.token',
  async run(rt, rawArgs) {
    const parsed = Args.safeParse(rawArgs ?? {});
    if (!parsed.success)
      throw new ApiError(
        'Request_BadRequest',
        `Invalid arguments: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      );
    const args = parsed.data;
    const db = rt.store.db;
    const userId = args.userPrincipalName
      ? (await findUserByUpn(db, args.userPrincipalName))?.id
      : (await ensureFirstAdmin(db, rt.config.bootstrapAdminUpn)).userId;
    const user = userId ? await findUserById(db, userId) : undefined;
    if (!user) throw new ApiError('Request_ResourceNotFound', `No user '${args.userPrincipalName}'.`);
    if (!user.enabled) throw new ApiError('Authorization_RequestDenied', `User '${user.userPrincipalName}' is disabled.`);

    const wids = args.roles ? args.roles.map(roleId) : await effectiveRoleTemplateIds(db, user.id);
    const unknown = (args.scopes ?? []).filter((s) => !ALL_SCOPES.includes(s));
    if (unknown.length)
      throw new ApiError('Request_BadRequest', `Unknown permission(s): ${unknown.join(', ')}. Known: ${ALL_SCOPES.join(', ')}.`);
    const scopes = args.scopes ?? ALL_SCOPES;

    await ensureSigningKeys(db, rt.envelope);
    const key = (await loadSigningKeys(db, rt.envelope)).signing.get('ES256');
    if (!key) throw new ApiError('ServiceUnavailable', 'No active ES256 signing key.');
    const token = await signAccessToken(
      key,
      {
        sub: user.id,
        oid: user.id,
        idtyp: 'user',
        azp: CLI_APP_ID,
        appid: CLI_APP_ID,
        wids: [...new Set(wids)],
        upn: user.userPrincipalName!,
        name: user.displayName,
        scp: [...new Set(scopes)].join(' '),
      },
      { issuer: rt.config.issuer, audience: adminApiAudience(rt.config.issuer), ttlSeconds: rt.config.adminTokenTtlSeconds },
    );
    return { ...token, tokenType: 'Bearer' };
  },
});

function roleId(nameOrId: string): string {
  const role = roleByNameOrId(nameOrId);
  if (!role)
    throw new ApiError(
      'Request_BadRequest',
      `Unknown directory role '${nameOrId}' (use a role name such as "Global Reader" or a role template id).`,
    );
  return role.templateId;
}
