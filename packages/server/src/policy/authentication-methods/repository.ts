import { type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuthMethodConfigurationsTable, DB } from '../../store/schema.ts';
import { ALL_USERS, METHOD_IDS, type AuthenticationMethodsPolicy, type MethodConfiguration, type MethodId } from './types.ts';

/**
 * The only module that speaks SQL for the authentication methods policy. A configuration is
 * stored as one row: state and targets in their own columns, the method's other properties in
 * `config` (jsonb). Every writer takes the header row's lock first (`lockPolicy`), so writes to
 * the policy are serialised: no lost updates, and the 20 KB cap is checked on a stable whole.
 */
type Db = Kysely<DB> | Transaction<DB>;

const POLICY_ID = 'authenticationMethodsPolicy';

function toConfiguration(row: Selectable<AuthMethodConfigurationsTable>): MethodConfiguration {
  return {
    '@odata.type': row.odata_type,
    id: row.id,
    state: row.state,
    ...row.config,
    includeTargets: row.include_targets,
    excludeTargets: row.exclude_targets,
  } as MethodConfiguration;
}

/** The whole policy in Graph's shape, configurations in catalogue order. */
export async function loadPolicy(db: Db): Promise<AuthenticationMethodsPolicy> {
  const header = await db.selectFrom('auth_methods_policy').selectAll().where('id', '=', POLICY_ID).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('auth_method_configurations').selectAll().execute();
  const configs = rows.map(toConfiguration).sort((a, b) => METHOD_IDS.indexOf(a.id) - METHOD_IDS.indexOf(b.id));
  return {
    id: POLICY_ID,
    displayName: header.display_name,
    description: header.description,
    lastModifiedDateTime: new Date(header.updated_at).toISOString(),
    policyVersion: header.policy_version,
    policyMigrationState: header.policy_migration_state as AuthenticationMethodsPolicy['policyMigrationState'],
    registrationEnforcement: header.registration_enforcement as AuthenticationMethodsPolicy['registrationEnforcement'],
    authenticationMethodConfigurations: configs,
  };
}

/** Every method configuration, in catalogue order. */
export async function loadConfigurations(db: Db): Promise<MethodConfiguration[]> {
  return (await loadPolicy(db)).authenticationMethodConfigurations;
}

/** One configuration and its version, or undefined when the store has none with that id. */
export async function loadConfiguration(
  db: Db,
  id: MethodId,
): Promise<{ configuration: MethodConfiguration; version: number } | undefined> {
  const row = await db.selectFrom('auth_method_configurations').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? { configuration: toConfiguration(row), version: row.version } : undefined;
}

/** The policy's version counter (bumped by every write to it or to any configuration). */
export async function policyVersion(db: Db): Promise<number> {
  const row = await db.selectFrom('auth_methods_policy').select('version').where('id', '=', POLICY_ID).executeTakeFirstOrThrow();
  return row.version;
}

/** Writes the policy's own properties and bumps its version; the caller holds `lockPolicy`. */
export async function savePolicyHeader(
  trx: Transaction<DB>,
  header: Pick<AuthenticationMethodsPolicy, 'policyMigrationState' | 'registrationEnforcement'>,
): Promise<void> {
  await trx
    .updateTable('auth_methods_policy')
    .set((eb) => ({
      policy_migration_state: header.policyMigrationState,
      registration_enforcement: JSON.stringify(header.registrationEnforcement),
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', POLICY_ID)
    .execute();
}

/** The policy's write lock and version: call first in every transaction that changes the policy. */
export async function lockPolicy(trx: Transaction<DB>): Promise<number> {
  const row = await trx
    .selectFrom('auth_methods_policy')
    .select('version')
    .where('id', '=', POLICY_ID)
    .forUpdate()
    .executeTakeFirstOrThrow();
  return row.version;
}

/** The version counter of one configuration (bumped by every save). */
export async function configurationVersion(db: Db, id: MethodId): Promise<number | undefined> {
  const row = await db.selectFrom('auth_method_configurations').select('version').where('id', '=', id).executeTakeFirst();
  return row?.version;
}

/** Writes a configuration and bumps its version and the policy's; the caller holds `lockPolicy`. */
export async function saveConfiguration(trx: Transaction<DB>, config: MethodConfiguration): Promise<void> {
  const { '@odata.type': _type, id, state, includeTargets, excludeTargets, ...rest } = config;
  const now = new Date();
  const updated = await trx
    .updateTable('auth_method_configurations')
    .set((eb) => ({
      state,
      include_targets: JSON.stringify(includeTargets),
      exclude_targets: JSON.stringify(excludeTargets),
      config: JSON.stringify(rest),
      version: eb('version', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new Error(`authentication method configuration ${id} is missing`);
  await trx
    .updateTable('auth_methods_policy')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', POLICY_ID)
    .execute();
}

/** The target ids that name no existing user or group of the stated type (`all_users` always exists). */
export async function missingTargets(db: Db, targets: ReadonlyArray<{ targetType: 'user' | 'group'; id: string }>): Promise<string[]> {
  const want = (type: 'user' | 'group') => [
    ...new Set(targets.filter((t) => t.targetType === type && t.id !== ALL_USERS).map((t) => t.id.toLowerCase())),
  ];
  const users = want('user');
  const groups = want('group');
  const found = new Set<string>();
  if (users.length)
    for (const r of await db.selectFrom('users').select('id').where('id', 'in', users).execute()) found.add(r.id.toLowerCase());
  if (groups.length)
    for (const r of await db.selectFrom('groups').select('id').where('id', 'in', groups).execute()) found.add(r.id.toLowerCase());
  return [...users, ...groups].filter((id) => !found.has(id));
}
