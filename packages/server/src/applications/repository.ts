import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApplicationPasswordsTable, ApplicationsTable, DB } from '../store/schema.ts';
import type { FilterExpr, FilterFields } from '../odata/filter.ts';
import { filterToSql } from '../odata/sql.ts';
import type { Platforms } from './platforms.ts';

export type ApplicationRow = Selectable<ApplicationsTable>;
export type PasswordRow = Selectable<ApplicationPasswordsTable>;

/** Application (app registration) rows and their client secrets. Only this file speaks SQL for them. */
export async function insertApplication(
  db: Kysely<DB>,
  v: { id: string; appId: string; displayName: string; description: string | null; platforms: Platforms; groupMembershipClaims?: string | null },
): Promise<ApplicationRow> {
  const now = new Date();
  return db
    .insertInto('applications')
    .values({
      id: v.id,
      app_id: v.appId,
      display_name: v.displayName,
      description: v.description,
      group_membership_claims: v.groupMembershipClaims ?? null,
      web_redirect_uris: JSON.stringify(v.platforms.web),
      spa_redirect_uris: JSON.stringify(v.platforms.spa),
      public_client_redirect_uris: JSON.stringify(v.platforms.publicClient),
      is_fallback_public_client: v.platforms.isFallbackPublicClient,
      web_id_token_issuance: v.platforms.idTokenIssuance,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateApplicationRow(
  db: Kysely<DB>,
  id: string,
  v: { displayName?: string; description?: string | null; platforms?: Platforms; groupMembershipClaims?: string | null },
): Promise<void> {
  await db
    .updateTable('applications')
    .set({
      updated_at: new Date(),
      ...(v.displayName === undefined ? {} : { display_name: v.displayName }),
      ...(v.description === undefined ? {} : { description: v.description }),
      ...(v.groupMembershipClaims === undefined ? {} : { group_membership_claims: v.groupMembershipClaims }),
      ...(v.platforms === undefined
        ? {}
        : {
            web_redirect_uris: JSON.stringify(v.platforms.web),
            spa_redirect_uris: JSON.stringify(v.platforms.spa),
            public_client_redirect_uris: JSON.stringify(v.platforms.publicClient),
            is_fallback_public_client: v.platforms.isFallbackPublicClient,
            web_id_token_issuance: v.platforms.idTokenIssuance,
          }),
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteApplicationRow(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('applications').where('id', '=', id).execute();
}

/** By object id, or by appId (client id) when `by` says so. Ids are checked to be uuids by callers. */
export async function findApplication(
  db: Kysely<DB>,
  id: string,
  by: 'id' | 'appId' = 'id',
  options: { forUpdate?: boolean } = {},
): Promise<ApplicationRow | undefined> {
  const q = db
    .selectFrom('applications')
    .selectAll()
    .where(by === 'id' ? 'id' : 'app_id', '=', id.toLowerCase());
  return (options.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

/** What an OAuth client lookup needs (oidc/clients.ts). */
export interface ClientRow {
  app_id: string;
  display_name: string;
  platforms: Platforms;
  sp_enabled: boolean | null;
}

/**
 * What an OAuth client lookup needs, in one statement: the application's name and platforms
 * and whether its service principal exists and is enabled (the provider asks for a client several
 * times per sign-in; docs/benchmarks/passkey-signin.md).
 */
export async function findClientRow(db: Kysely<DB>, appId: string): Promise<ClientRow | undefined> {
  const r = await db
    .selectFrom('applications as a')
    .leftJoin('service_principals as s', 's.app_id', 'a.app_id')
    .select([
      'a.app_id',
      'a.display_name',
      'a.web_redirect_uris',
      'a.spa_redirect_uris',
      'a.public_client_redirect_uris',
      'a.is_fallback_public_client',
      'a.web_id_token_issuance',
      's.account_enabled as sp_enabled',
    ])
    .where('a.app_id', '=', appId.toLowerCase())
    .executeTakeFirst();
  return r && { app_id: r.app_id, display_name: r.display_name, platforms: platformsOf(r), sp_enabled: r.sp_enabled };
}

/** The platforms of a row (jsonb arrays come back parsed). */
export function platformsOf(
  r: Pick<ApplicationRow, 'web_redirect_uris' | 'spa_redirect_uris' | 'public_client_redirect_uris' | 'is_fallback_public_client' | 'web_id_token_issuance'>,
): Platforms {
  return {
    web: r.web_redirect_uris,
    spa: r.spa_redirect_uris,
    publicClient: r.public_client_redirect_uris,
    isFallbackPublicClient: r.is_fallback_public_client,
    idTokenIssuance: r.web_id_token_issuance,
  };
}

/** `$filter` properties of GET /applications (Graph supports these on `application`). */
export const APPLICATION_FILTER_FIELDS: FilterFields = {
  appId: { column: 'app_id', type: 'guid' },
  displayName: { column: 'display_name', type: 'string', startswith: true },
  isFallbackPublicClient: { column: 'is_fallback_public_client', type: 'boolean' },
};

/**
 * One page ordered by id, after `after` (keyset); `filter` is a parsed `$filter` over
 * APPLICATION_FILTER_FIELDS; `search` keeps display names containing it (case-insensitive).
 */
export async function listApplications(
  db: Kysely<DB>,
  o: { top: number; after?: string; filter?: FilterExpr; search?: string },
): Promise<{ rows: ApplicationRow[]; more: boolean }> {
  let q = db
    .selectFrom('applications')
    .selectAll()
    .orderBy('id')
    .limit(o.top + 1);
  if (o.after) q = q.where('id', '>', o.after);
  if (o.filter) q = q.where(filterToSql(o.filter, APPLICATION_FILTER_FIELDS));
  if (o.search !== undefined) q = q.where(sql<boolean>`strpos(lower(display_name), ${o.search.toLowerCase()}) > 0`);
  const rows = await q.execute();
  return { rows: rows.slice(0, o.top), more: rows.length > o.top };
}

export async function passwordsOf(db: Kysely<DB>, applicationIds: string[]): Promise<PasswordRow[]> {
  if (!applicationIds.length) return [];
  return db
    .selectFrom('application_passwords')
    .selectAll()
    .where('application_id', 'in', applicationIds)
    .orderBy('start_date_time')
    .orderBy('key_id')
    .execute();
}

export async function insertPassword(
  db: Kysely<DB>,
  v: { keyId: string; applicationId: string; displayName: string | null; hint: string; secretHash: string; start: Date; end: Date },
): Promise<PasswordRow> {
  return db
    .insertInto('application_passwords')
    .values({
      key_id: v.keyId,
      application_id: v.applicationId,
      display_name: v.displayName,
      hint: v.hint,
      secret_hash: v.secretHash,
      start_date_time: v.start,
      end_date_time: v.end,
      created_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deletePassword(db: Kysely<DB>, applicationId: string, keyId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('application_passwords')
    .where('application_id', '=', applicationId)
    .where('key_id', '=', keyId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Secret hashes of an app (by client id) valid at `at`: the token endpoint's lookup. */
export async function validSecretHashes(db: Kysely<DB>, appId: string, at: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('application_passwords')
    .innerJoin('applications', 'applications.id', 'application_passwords.application_id')
    .select('application_passwords.secret_hash')
    .where('applications.app_id', '=', appId)
    .where('application_passwords.start_date_time', '<=', at)
    .where('application_passwords.end_date_time', '>', at)
    .execute();
  return rows.map((r) => r.secret_hash);
}

/** Graph `groupMembershipClaims` of the app whose client id is `appId` (null: none, or no such app). */
export async function groupClaimsOf(db: Kysely<DB>, appId: string): Promise<string | null> {
  const r = await db.selectFrom('applications').select('group_membership_claims').where('app_id', '=', appId.toLowerCase()).executeTakeFirst();
  return r?.group_membership_claims ?? null;
}
