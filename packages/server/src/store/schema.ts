import type { ColumnType, Generated } from 'kysely';
import type { SigninFlowsTable, SigninLockoutsTable } from '../signin/tables.ts';
import type { SigninLogTable } from '../signin/log-tables.ts';
import type { CaAuthenticationStrengthsTable, CaGenerationTable, CaNamedLocationsTable, CaPoliciesTable } from '../policy/conditional-access/tables.ts';
import type { RegistrationCampaignSnoozesTable, TapMethodsTable, TapSignInsTable } from '../methods/tap/tables.ts';
import type { RateLimitSpendTable } from '../http/cluster-rate-limit-repository.ts';
import type { RefreshSignInsTable } from '../oidc/refresh-tables.ts';

/**
 * Kysely table types. One block per aggregate; keep them in step with `migrations/`.
 * Timestamps read back as Date on both backends.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface UsersTable {
  id: string;
  user_principal_name: string;
  display_name: string;
  given_name: string | null;
  surname: string | null;
  mail: string | null;
  mail_nickname: string | null;
  job_title: string | null;
  department: string | null;
  account_enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  sign_in_sessions_valid_from: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface GroupsTable {
  id: string;
  display_name: string;
  description: string | null;
  mail_nickname: string;
  mail_enabled: Generated<boolean>;
  security_enabled: Generated<boolean>;
  group_types: Json<string[]>;
  is_assignable_to_role: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupMembersTable {
  group_id: string;
  member_id: string;
  member_type: 'user' | 'group';
  created_at: Timestamp;
}

export interface RoleAssignmentsTable {
  id: string;
  role_template_id: string;
  principal_id: string;
  principal_type: 'user' | 'servicePrincipal' | 'group';
  directory_scope_id: Generated<string>;
  created_at: Timestamp;
}

export interface AuditLogTable {
  seq: number;
  id: string;
  activity_date_time: Timestamp;
  category: string;
  activity_display_name: string;
  operation_type: string;
  result: string;
  result_reason: string | null;
  initiated_by: Json<Record<string, unknown>>;
  target_resources: Json<unknown[]>;
  additional_details: Json<unknown[]>;
  correlation_id: string | null;
  ip_address: string | null;
  logged_by_service: Generated<string>;
  prev_hash: string;
  hash: string;
}

/** Authentication methods policy header (one row, id 'authenticationMethodsPolicy'). See 0005. */
export interface AuthMethodsPolicyTable {
  id: string;
  display_name: string;
  description: string;
  policy_version: string;
  policy_migration_state: string;
  registration_enforcement: Json<Record<string, unknown>>;
  version: Generated<number>;
  updated_at: Timestamp;
}

/** One row per method configuration (Fido2, TemporaryAccessPass, …); method properties in `config`. */
export interface AuthMethodConfigurationsTable {
  id: string;
  odata_type: string;
  state: 'enabled' | 'disabled';
  include_targets: Json<unknown[]>;
  exclude_targets: Json<unknown[]>;
  config: Json<Record<string, unknown>>;
  version: Generated<number>;
  updated_at: Timestamp;
}

/** Legacy password per user: argon2id PHC string; `enabled` false or no row = no password. */
export interface UserPasswordsTable {
  user_id: string;
  hash: string | null;
  enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** OIDC signing keys (0003): private JWK sealed with the envelope; newest active key per alg signs. */
export interface OidcSigningKeysTable {
  kid: string;
  alg: 'ES256' | 'RS256';
  private_jwk_sealed: string;
  public_jwk: Json<Record<string, unknown>>;
  status: 'active' | 'retired';
  created_at: Timestamp;
  retired_at: Timestamp | null;
}

/** oidc-provider adapter rows (0003), keyed by (kind, id). */
export interface OidcPayloadsTable {
  kind: string;
  id: string;
  payload: Json<Record<string, unknown>>;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: Timestamp | null;
  consumed_at: Timestamp | null;
}

/** App registrations (0003, Graph `application`); app_id is the OAuth client id. */
export interface ApplicationsTable {
  id: string;
  app_id: string;
  display_name: string;
  description: string | null;
  sign_in_audience: Generated<string>;
  web_redirect_uris: Json<string[]>;
  /** 0018: Graph `spa.redirectUris`, `publicClient.redirectUris`, `isFallbackPublicClient` (ADR 0014). */
  spa_redirect_uris: ColumnType<string[], string | undefined, string>;
  public_client_redirect_uris: ColumnType<string[], string | undefined, string>;
  is_fallback_public_client: Generated<boolean>;
  /** 0025: Graph `web.implicitGrantSettings.enableIdTokenIssuance`. */
  web_id_token_issuance: Generated<boolean>;
  /** 0026: Graph `groupMembershipClaims` (`SecurityGroup`, `All`, or null). */
  group_membership_claims: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Client secrets (0003, Graph `passwordCredential`): SHA-256 of the secret only. */
export interface ApplicationPasswordsTable {
  key_id: string;
  application_id: string;
  display_name: string | null;
  hint: string;
  secret_hash: string;
  start_date_time: Timestamp;
  end_date_time: Timestamp;
  created_at: Timestamp;
}

/** Service principals (0003): the app's identity in the directory. */
export interface ServicePrincipalsTable {
  id: string;
  app_id: string;
  display_name: string;
  account_enabled: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Granted application permissions (0003): Graph permission names, the `roles` claim. */
export interface AppRoleAssignmentsTable {
  id: string;
  principal_id: string;
  app_role_value: string;
  created_at: Timestamp;
}

/** Passkeys (0004): single-use WebAuthn challenges; consumed by `delete … returning`. */
export interface PasskeyChallengesTable {
  challenge: string;
  purpose: 'registration' | 'authentication';
  user_id: string | null;
  flow_id: string | null;
  rp_id: string;
  expires_at: Timestamp;
  created_at: Generated<Date>;
}

/** A registered passkey (Graph fido2AuthenticationMethod); public key as COSE bytes. */
export interface PasskeyCredentialsTable {
  id: string;
  credential_id: string;
  user_id: string;
  public_key: Uint8Array;
  sign_count: number;
  aaguid: string;
  transports: Json<string[]>;
  backup_eligible: boolean;
  backed_up: boolean;
  attestation_format: string;
  attestation_trust: 'trusted' | 'untrusted' | 'self' | 'none';
  attestation_certificates: Json<string[]>;
  display_name: string;
  rp_id: string;
  created_at: Generated<Date>;
  last_used_at: Timestamp | null;
}

/** One FIDO MDS3 entry from an imported BLOB, keyed by AAGUID. */
export interface PasskeyMetadataEntriesTable {
  aaguid: string;
  description: string;
  attestation_root_certificates: Json<string[]>;
  status_reports: Json<Array<{ status: string; effectiveDate?: string }>>;
  attestation_types: Json<string[]>;
  blob_no: number;
  updated_at: Generated<Date>;
}

/** One row per MDS BLOB import. */
export interface PasskeyMetadataImportsTable {
  id: string;
  blob_no: number;
  next_update: string | null;
  entry_count: number;
  signer_subject: string;
  imported_at: Generated<Date>;
}

/** Administrator-added roots: attestation chains ('attestation') or MDS BLOB signers ('metadata'). */
export interface PasskeyTrustAnchorsTable {
  id: string;
  usage: 'attestation' | 'metadata';
  display_name: string;
  certificate_pem: string;
  subject: string;
  thumbprint_sha256: string;
  not_after: Timestamp;
  created_at: Generated<Date>;
}

/** OATH tokens (0008): hardware inventory and authenticator-app seeds; seed sealed with the envelope. */
export interface OathTokensTable {
  id: string;
  kind: 'hardware' | 'software';
  serial_number: string | null;
  manufacturer: string | null;
  model: string | null;
  display_name: string | null;
  secret_sealed: string;
  hash_function: Generated<'hmacsha1' | 'hmacsha256' | 'hmacsha512'>;
  digits: Generated<number>;
  time_interval: Generated<number>;
  status: 'available' | 'assigned' | 'activated' | 'failedActivation';
  user_id: string | null;
  last_step: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  drift: Generated<number>;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Consecutive failed OATH codes per user (0008). */
export interface OathUserLockoutsTable {
  user_id: string;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  updated_at: Generated<Date>;
}

/** Tenant OATH settings (0008), one row id 'default'. */
export interface OathSettingsTable {
  id: string;
  window_steps: Generated<number>;
  activation_window_steps: Generated<number>;
  resync_window_steps: Generated<number>;
  token_lockout_threshold: Generated<number>;
  user_lockout_threshold: Generated<number>;
  updated_at: Generated<Date>;
}

/** Legacy per-user MFA state (0008, entra-spec §7.1); no row = disabled. */
export interface UserMfaRequirementsTable {
  user_id: string;
  per_user_mfa_state: 'disabled' | 'enabled' | 'enforced';
  updated_at: Generated<Date>;
}

/** Random keys of this installation that outlive master key rotations (0021, ADR 0020); sealed with the envelope. */
export interface InstanceSecretsTable {
  name: string;
  secret_sealed: string;
  created_at: Timestamp;
}

export interface DB {
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  role_assignments: RoleAssignmentsTable;
  audit_log: AuditLogTable;
  auth_methods_policy: AuthMethodsPolicyTable;
  auth_method_configurations: AuthMethodConfigurationsTable;
  user_passwords: UserPasswordsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  instance_secrets: InstanceSecretsTable;
  oidc_payloads: OidcPayloadsTable;
  applications: ApplicationsTable;
  application_passwords: ApplicationPasswordsTable;
  service_principals: ServicePrincipalsTable;
  app_role_assignments: AppRoleAssignmentsTable;
  passkey_challenges: PasskeyChallengesTable;
  passkey_credentials: PasskeyCredentialsTable;
  passkey_metadata_entries: PasskeyMetadataEntriesTable;
  passkey_metadata_imports: PasskeyMetadataImportsTable;
  passkey_trust_anchors: PasskeyTrustAnchorsTable;
  signin_flows: SigninFlowsTable;
  signin_lockouts: SigninLockoutsTable;
  rate_limit_spend: RateLimitSpendTable;
  signin_log: SigninLogTable;
  oath_tokens: OathTokensTable;
  oath_user_lockouts: OathUserLockoutsTable;
  oath_settings: OathSettingsTable;
  user_mfa_requirements: UserMfaRequirementsTable;
  ca_authentication_strengths: CaAuthenticationStrengthsTable;
  ca_named_locations: CaNamedLocationsTable;
  ca_policies: CaPoliciesTable;
  ca_generation: CaGenerationTable;
  tap_methods: TapMethodsTable;
  tap_sign_ins: TapSignInsTable;
  refresh_sign_ins: RefreshSignInsTable;
  registration_campaign_snoozes: RegistrationCampaignSnoozesTable;
}
