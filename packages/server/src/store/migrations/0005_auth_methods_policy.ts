import { sql, type Kysely } from 'kysely';

/**
 * The authentication methods policy as data (entra-spec §4, §7.7): a one-row header and one row
 * per method configuration (state, targets, method-specific properties as jsonb, and a version
 * bumped on every write), seeded with Entra's defaults (ADR 0006). Also the legacy password
 * method's per-user table: no row, or `enabled = false`, means the user has no password.
 *
 * The seed is written out literally here, not imported, so this migration never changes meaning.
 */
const EVERYONE = { targetType: 'group', id: 'all_users', isRegistrationRequired: false };
const ALL_USERS = [EVERYONE];
const NOBODY_EXCLUDED = { targetType: 'group', id: '00000000-0000-0000-0000-000000000000' };
const FEATURE_DEFAULT = { state: 'default', includeTarget: { targetType: 'group', id: 'all_users' }, excludeTarget: NOBODY_EXCLUDED };

/**
 * Entra's defaults for a new tenant, as Graph's `GET /policies/authenticationMethodsPolicy`
 * example shows them (entra-spec §3.1, §4.1, §7.7): Fido2, Authenticator and TAP disabled, SMS and
 * Email enabled. Methods the example leaves out (SoftwareOath, HardwareOath, Voice) start
 * disabled, as in Entra. Password is Latchkey's own entry: enabled by policy, while each user
 * has no password until an administrator sets one.
 */
const SEED: Array<{ id: string; type: string; state: 'enabled' | 'disabled'; include: unknown[]; config: Record<string, unknown> }> = [
  {
    id: 'Fido2',
    type: '#microsoft.graph.fido2AuthenticationMethodConfiguration',
    state: 'disabled',
    include: [{ ...EVERYONE, allowedPasskeyProfiles: [] }],
    config: {
      isSelfServiceRegistrationAllowed: true,
      isAttestationEnforced: true,
      keyRestrictions: { isEnforced: false, enforcementType: 'block', aaGuids: [] },
      passkeyProfiles: [],
    },
  },
  {
    id: 'MicrosoftAuthenticator',
    type: '#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration',
    state: 'disabled',
    include: [{ ...EVERYONE, authenticationMode: 'any' }],
    config: {
      isSoftwareOathEnabled: false,
      featureSettings: { displayAppInformationRequiredState: FEATURE_DEFAULT, displayLocationInformationRequiredState: FEATURE_DEFAULT },
    },
  },
  {
    id: 'Sms',
    type: '#microsoft.graph.smsAuthenticationMethodConfiguration',
    state: 'enabled',
    include: [{ ...EVERYONE, isUsableForSignIn: true }],
    config: {},
  },
  {
    id: 'TemporaryAccessPass',
    type: '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
    state: 'disabled',
    include: ALL_USERS,
    config: {
      defaultLifetimeInMinutes: 60,
      defaultLength: 8,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: false,
    },
  },
  {
    id: 'Email',
    type: '#microsoft.graph.emailAuthenticationMethodConfiguration',
    state: 'enabled',
    include: [],
    config: { allowExternalIdToUseEmailOtp: 'default' },
  },
  {
    id: 'SoftwareOath',
    type: '#microsoft.graph.softwareOathAuthenticationMethodConfiguration',
    state: 'disabled',
    include: ALL_USERS,
    config: {},
  },
  {
    id: 'HardwareOath',
    type: '#microsoft.graph.hardwareOathAuthenticationMethodConfiguration',
    state: 'disabled',
    include: ALL_USERS,
    config: {},
  },
  {
    id: 'Voice',
    type: '#microsoft.graph.voiceAuthenticationMethodConfiguration',
    state: 'disabled',
    include: ALL_USERS,
    config: { isOfficePhoneAllowed: false },
  },
  { id: 'Password', type: '#latchkey.passwordAuthenticationMethodConfiguration', state: 'enabled', include: ALL_USERS, config: {} },
];

const REGISTRATION_ENFORCEMENT = {
  authenticationMethodsRegistrationCampaign: {
    snoozeDurationInDays: 1,
    enforceRegistrationAfterAllowedSnoozes: true,
    state: 'default',
    excludeTargets: [],
    includeTargets: [{ id: 'all_users', targetType: 'group', targetedAuthenticationMethod: 'microsoftAuthenticator' }],
  },
};

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table auth_methods_policy (
      id text primary key check (id = 'authenticationMethodsPolicy'),
      display_name text not null,
      description text not null,
      policy_version text not null,
      policy_migration_state text not null,
      registration_enforcement jsonb not null,
      version integer not null default 1,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table auth_method_configurations (
      id text primary key,
      odata_type text not null,
      state text not null check (state in ('enabled', 'disabled')),
      include_targets jsonb not null default '[]'::jsonb,
      exclude_targets jsonb not null default '[]'::jsonb,
      config jsonb not null default '{}'::jsonb,
      version integer not null default 1,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    insert into auth_methods_policy (id, display_name, description, policy_version, policy_migration_state, registration_enforcement)
    values ('authenticationMethodsPolicy', 'Authentication Methods Policy',
      'The tenant-wide policy that controls which authentication methods are allowed, for whom, and how they are registered.',
      '1.5', 'migrationComplete', ${JSON.stringify(REGISTRATION_ENFORCEMENT)}::jsonb)`.execute(db);
  for (const m of SEED) {
    await sql`
      insert into auth_method_configurations (id, odata_type, state, include_targets, exclude_targets, config)
      values (${m.id}, ${m.type}, ${m.state}, ${JSON.stringify(m.include)}::jsonb, '[]'::jsonb, ${JSON.stringify(m.config)}::jsonb)`.execute(
      db,
    );
  }

  // Legacy passwords (issue 3 item 7): argon2id PHC string; off unless an admin sets one.
  await sql`
    create table user_passwords (
      user_id uuid primary key references users(id) on delete cascade,
      hash text,
      enabled boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (not enabled or hash is not null)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table user_passwords, auth_method_configurations, auth_methods_policy`.execute(db);
}
