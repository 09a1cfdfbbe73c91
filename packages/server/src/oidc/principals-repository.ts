import { type Kysely } from 'kysely';
import type { DB } from '../store/schema.ts';

/** The directory facts a token check needs about its subject (user or service principal). */
export interface SubjectRecord {
  id: string;
  displayName: string;
  enabled: boolean;
  userPrincipalName?: string;
  /** Users: Graph `mail`, when the directory has one (the `email` claim). */
  mail?: string;
  appId?: string;
  /** Users: Graph `signInSessionsValidFromDateTime` in ms (revokeSignInSessions); tokens from sign-ins before it are refused. */
  sessionsValidFrom?: number;
}

export async function findUserById(db: Kysely<DB>, id: string): Promise<SubjectRecord | undefined> {
  const r = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'account_enabled', 'user_principal_name', 'mail', 'sign_in_sessions_valid_from'])
    .where('id', '=', id)
    .executeTakeFirst();
  return (
    r && {
      id: r.id,
      displayName: r.display_name,
      enabled: r.account_enabled,
      userPrincipalName: r.user_principal_name,
      ...(r.mail ? { mail: r.mail } : {}),
      ...(r.sign_in_sessions_valid_from ? { sessionsValidFrom: new Date(r.sign_in_sessions_valid_from).getTime() } : {}),
    }
  );
}

export async function findUserByUpn(db: Kysely<DB>, upn: string): Promise<SubjectRecord | undefined> {
  const r = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'account_enabled', 'user_principal_name'])
    .where((eb) => eb(eb.fn('lower', ['user_principal_name']), '=', upn.toLowerCase()))
    .executeTakeFirst();
  return r && { id: r.id, displayName: r.display_name, enabled: r.account_enabled, userPrincipalName: r.user_principal_name };
}

export async function findServicePrincipalById(db: Kysely<DB>, id: string): Promise<SubjectRecord | undefined> {
  const r = await db
    .selectFrom('service_principals')
    .select(['id', 'display_name', 'account_enabled', 'app_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r && { id: r.id, displayName: r.display_name, enabled: r.account_enabled, appId: r.app_id };
}

