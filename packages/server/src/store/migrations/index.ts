import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_directory.ts';
import * as m0002 from './0002_audit.ts';
import * as m0003 from './0003_oidc.ts';
import * as m0004 from './0004_passkeys.ts';
import * as m0005 from './0005_auth_methods_policy.ts';
import * as m0006 from './0006_directory.ts';
import * as m0007 from './0007_signin.ts';
import * as m0008 from './0008_oath.ts';
import * as m0009 from './0009_conditional_access.ts';
import * as m0010 from './0010_tap.ts';
import * as m0011 from './0011_signin_log.ts';
import * as m0012 from './0012_drop_setup_links.ts';
import * as m0014 from './0014_principal_changes.ts';
import * as m0015 from './0015_conditional_access_changes.ts';
import * as m0016 from './0016_oath_tokens_fillfactor.ts';
import * as m0017 from './0017_sign_in_fillfactor.ts';
import * as m0019 from './0019_rate_limit_spend.ts';
import * as m0018 from './0018_public_clients.ts';
import * as m0020 from './0020_refresh_and_revocation.ts';
import * as m0021 from './0021_instance_secrets.ts';
import * as m0022 from './0022_signin_log_protocol.ts';
import * as m0023 from './0023_signin_flow_requested_acr.ts';
import * as m0024 from './0024_signin_flows_by_user.ts';
import * as m0025 from './0025_application_id_token_issuance.ts';
import * as m0026 from './0026_application_group_claims.ts';

/**
 * Every migration, in order. Names sort lexically; never rename or edit one that has shipped —
 * add a new one. Each runs on PGlite and PostgreSQL alike.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_directory': m0001,
  '0002_audit': m0002,
  '0003_oidc': m0003,
  '0004_passkeys': m0004,
  '0005_auth_methods_policy': m0005,
  '0006_directory': m0006,
  '0007_signin': m0007,
  '0008_oath': m0008,
  '0009_conditional_access': m0009,
  '0010_tap': m0010,
  '0011_signin_log': m0011,
  '0012_drop_setup_links': m0012,
  '0014_principal_changes': m0014,
  '0015_conditional_access_changes': m0015,
  '0016_oath_tokens_fillfactor': m0016,
  '0017_sign_in_fillfactor': m0017,
  '0018_public_clients': m0018,
  '0019_rate_limit_spend': m0019,
  '0020_refresh_and_revocation': m0020,
  '0021_instance_secrets': m0021,
  '0022_signin_log_protocol': m0022,
  '0023_signin_flow_requested_acr': m0023,
  '0024_signin_flows_by_user': m0024,
  '0025_application_id_token_issuance': m0025,
  '0026_application_group_claims': m0026,
};
