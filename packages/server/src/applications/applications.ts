import type { Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';
import type { RequestContext } from '../auth/principal.ts';
import { recordAudit, type ModifiedProperty } from '../audit/record.ts';
import { ApiError, notFound } from '../errors.ts';
import { generateClientSecret } from './client-secrets.ts';
import {
  deleteApplicationRow,
  deletePassword,
  findApplication,
  insertApplication,
  insertPassword,
  passwordsOf,
  platformsOf,
  updateApplicationRow,
  type ApplicationRow,
} from './repository.ts';
import { clientKindOf, isPublicKind, type Platforms } from './platforms.ts';
import { findServicePrincipal, deleteServicePrincipalRow } from './service-principals-repository.ts';
import { toGraphApplication, toGraphPassword, type GraphApplication, type GraphPasswordCredential } from './shapes.ts';

/** App registrations (Graph `application`): create, read, update, delete, client secrets. */
export interface ApplicationInput {
  displayName: string;
  description?: string | null;
  /** Graph `groupMembershipClaims`: `SecurityGroup`, `All`, `None` or null (docs/oidc.md, the `groups` claim). */
  groupMembershipClaims?: string | null;
  web?: { redirectUris?: string[]; implicitGrantSettings?: { enableIdTokenIssuance?: boolean; enableAccessTokenIssuance?: boolean } };
  spa?: { redirectUris?: string[] };
  publicClient?: { redirectUris?: string[] };
  isFallbackPublicClient?: boolean;
}

/** The platforms after applying `input` to `current` (absent fields keep their value, as a Graph PATCH does). */
function mergePlatforms(current: Platforms, input: Partial<ApplicationInput>): Platforms {
  // RFC 9700 §2.1.2: no access tokens in the authorization response (the implicit grant's `token`); oidc-provider 9 has none to give.
  if (input.web?.implicitGrantSettings?.enableAccessTokenIssuance === true)
    throw new ApiError(
      'Request_BadRequest',
      'web.implicitGrantSettings.enableAccessTokenIssuance cannot be turned on: Latchkey does not issue access tokens from the authorization endpoint (the implicit grant, which RFC 9700 §2.1.2 says not to use). Use the authorization code flow; enableIdTokenIssuance lets a web app get an ID token there.',
    );
  return {
    web: input.web?.redirectUris ?? current.web,
    spa: input.spa?.redirectUris ?? current.spa,
    publicClient: input.publicClient?.redirectUris ?? current.publicClient,
    isFallbackPublicClient: input.isFallbackPublicClient ?? current.isFallbackPublicClient,
    idTokenIssuance: input.web?.implicitGrantSettings?.enableIdTokenIssuance ?? current.idTokenIssuance,
  };
}
const NO_PLATFORMS: Platforms = { web: [], spa: [], publicClient: [], isFallbackPublicClient: false, idTokenIssuance: false };

/** The platforms a new app was registered with, as audit modified properties (the ones set only). */
function platformProperties(p: Platforms): ModifiedProperty[] {
  const set: Array<[string, unknown]> = [
    ['RedirectUris', p.web.length ? p.web : undefined],
    ['SpaRedirectUris', p.spa.length ? p.spa : undefined],
    ['PublicClientRedirectUris', p.publicClient.length ? p.publicClient : undefined],
    ['IsFallbackPublicClient', p.isFallbackPublicClient || undefined],
    ['EnableIdTokenIssuance', p.idTokenIssuance || undefined],
  ];
  return set.filter(([, v]) => v !== undefined).map(([displayName, v]) => ({ displayName, oldValue: null, newValue: JSON.stringify([v]) }));
}

const CATEGORY = 'ApplicationManagement';
const target = (a: ApplicationRow, modifiedProperties: ModifiedProperty[] = []) => ({
  id: a.id,
  type: 'Application' as const,
  displayName: a.display_name,
  modifiedProperties,
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The application by object id; 404 otherwise. */
export async function getApplication(db: Kysely<DB>, id: string): Promise<GraphApplication> {
  const app = UUID.test(id) ? await findApplication(db, id) : undefined;
  if (!app) throw notFound('application', id);
  return toGraphApplication(app, await passwordsOf(db, [app.id]));
}

/** Registers an application; 400 when its platforms mix a web app with a public client (platforms.ts). */
export async function createApplication(db: Kysely<DB>, ctx: RequestContext, input: ApplicationInput): Promise<GraphApplication> {
  const platforms = mergePlatforms(NO_PLATFORMS, input);
  clientKindOf(platforms);
  return db.transaction().execute(async (trx) => {
    const app = await insertApplication(trx, {
      id: crypto.randomUUID(),
      appId: crypto.randomUUID(),
      displayName: input.displayName,
      description: input.description ?? null,
      platforms,
      groupMembershipClaims: input.groupMembershipClaims ?? null,
    });
    await recordAudit(trx, ctx, {
      category: CATEGORY,
      activity: 'Add application',
      operationType: 'Add',
      targets: [target(app, [{ displayName: 'AppId', oldValue: null, newValue: JSON.stringify([app.app_id]) }, ...platformProperties(platforms)])],
    });
    return toGraphApplication(app, []);
  });
}

/** Graph PATCH semantics; the resulting platforms are checked as a whole (clientKindOf), so nothing is written on a mix. */
export async function updateApplication(db: Kysely<DB>, ctx: RequestContext, id: string, patch: Partial<ApplicationInput>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const app = UUID.test(id) ? await findApplication(trx, id, 'id', { forUpdate: true }) : undefined;
    if (!app) throw notFound('application', id);
    const platforms = mergePlatforms(platformsOf(app), patch);
    clientKindOf(platforms);
    const changes: ModifiedProperty[] = [];
    const note = (name: string, oldV: unknown, newV: unknown) => {
      if (newV !== undefined && JSON.stringify(oldV) !== JSON.stringify(newV))
        changes.push({ displayName: name, oldValue: JSON.stringify([oldV]), newValue: JSON.stringify([newV]) });
    };
    note('DisplayName', app.display_name, patch.displayName);
    note('Description', app.description, patch.description);
    note('GroupMembershipClaims', app.group_membership_claims, patch.groupMembershipClaims);
    note('RedirectUris', app.web_redirect_uris, patch.web?.redirectUris);
    note('SpaRedirectUris', app.spa_redirect_uris, patch.spa?.redirectUris);
    note('PublicClientRedirectUris', app.public_client_redirect_uris, patch.publicClient?.redirectUris);
    note('IsFallbackPublicClient', app.is_fallback_public_client, patch.isFallbackPublicClient);
    note('EnableIdTokenIssuance', app.web_id_token_issuance, patch.web?.implicitGrantSettings?.enableIdTokenIssuance);
    await updateApplicationRow(trx, app.id, {
      ...(patch.displayName === undefined ? {} : { displayName: patch.displayName }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      ...(patch.groupMembershipClaims === undefined ? {} : { groupMembershipClaims: patch.groupMembershipClaims }),
      platforms,
    });
    await recordAudit(trx, ctx, {
      category: CATEGORY,
      activity: 'Update application',
      operationType: 'Update',
      targets: [target(app, changes)],
    });
  });
}

/** Deletes the application, its secrets, its service principal and the SP's role assignments. */
export async function deleteApplication(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const app = UUID.test(id) ? await findApplication(trx, id, 'id', { forUpdate: true }) : undefined;
    if (!app) throw notFound('application', id);
    const sp = await findServicePrincipal(trx, app.app_id, 'appId');
    if (sp) await deleteServicePrincipalRow(trx, sp.id);
    await deleteApplicationRow(trx, app.id);
    await recordAudit(trx, ctx, { category: CATEGORY, activity: 'Delete application', operationType: 'Delete', targets: [target(app)] });
  });
}

/**
 * Graph `addPassword`: the only response that ever carries `secretText`. Default lifetime 2 years.
 * Refused (400) on a public client: its token requests carry no secret, and a secret must not
 * quietly turn it into a confidential client (ADR 0014). Entra accepts the secret and ignores it.
 */
export async function addPassword(
  db: Kysely<DB>,
  ctx: RequestContext,
  id: string,
  input: { displayName?: string | null; startDateTime?: string; endDateTime?: string },
): Promise<GraphPasswordCredential> {
  const start = input.startDateTime ? new Date(input.startDateTime) : new Date();
  const end = input.endDateTime ? new Date(input.endDateTime) : new Date(start.getTime() + 2 * 365 * 86_400_000);
  if (!(end.getTime() > start.getTime())) throw new ApiError('Request_BadRequest', 'endDateTime must be after startDateTime.');
  if (end.getTime() <= Date.now()) throw new ApiError('Request_BadRequest', 'endDateTime must be in the future.');
  return db.transaction().execute(async (trx) => {
    const app = UUID.test(id) ? await findApplication(trx, id, 'id', { forUpdate: true }) : undefined;
    if (!app) throw notFound('application', id);
    if (isPublicKind(clientKindOf(platformsOf(app))))
      throw new ApiError(
        'Request_BadRequest',
        `${app.display_name} is a public client (spa, publicClient or isFallbackPublicClient): it signs in with PKCE and no secret, so it cannot have client secrets. Make it a web app first to add one.`,
      );
    const secret = generateClientSecret();
    const row = await insertPassword(trx, {
      keyId: crypto.randomUUID(),
      applicationId: app.id,
      displayName: input.displayName ?? null,
      hint: secret.hint,
      secretHash: secret.hash,
      start,
      end,
    });
    await recordAudit(trx, ctx, {
      category: CATEGORY,
      activity: 'Update application – Certificates and secrets management',
      operationType: 'Update',
      targets: [
        target(app, [
          {
            displayName: 'KeyDescription',
            oldValue: null,
            newValue: JSON.stringify([
              `[KeyIdentifier=${row.key_id},KeyType=Password,KeyUsage=Verify,DisplayName=${row.display_name ?? ''}]`,
            ]),
          },
        ]),
      ],
    });
    return toGraphPassword(row, secret.secretText);
  });
}

/** Graph `removePassword`: 404 when the app has no such keyId. */
export async function removePassword(db: Kysely<DB>, ctx: RequestContext, id: string, keyId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const app = UUID.test(id) ? await findApplication(trx, id, 'id', { forUpdate: true }) : undefined;
    if (!app) throw notFound('application', id);
    if (!UUID.test(keyId) || !(await deletePassword(trx, app.id, keyId.toLowerCase()))) throw notFound('passwordCredential', keyId);
    await recordAudit(trx, ctx, {
      category: CATEGORY,
      activity: 'Update application – Certificates and secrets management',
      operationType: 'Update',
      targets: [
        target(app, [
          {
            displayName: 'KeyDescription',
            oldValue: JSON.stringify([`[KeyIdentifier=${keyId},KeyType=Password,KeyUsage=Verify]`]),
            newValue: null,
          },
        ]),
      ],
    });
  });
}
