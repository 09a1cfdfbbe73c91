import type { ColumnType } from 'kysely';

/** Kysely type of the sign-in log (migration 0011_signin_log); append-only. */
export interface SigninLogTable {
  id: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  flow_id: string | null;
  user_id: string | null;
  user_principal_name: string | null;
  app_id: string;
  app_display_name: string | null;
  ip_address: string | null;
  client_app_used: ColumnType<string, string | undefined, never>;
  error_code: number;
  failure_reason: string | null;
  conditional_access_status: string;
  applied_policies: ColumnType<unknown, string, never>;
  authentication_details: ColumnType<unknown, string, never>;
  authentication_requirement: string;
  correlation_id: string | null;
  /** Graph `isInteractive` (migration 0020): false for a refresh. */
  is_interactive: ColumnType<boolean, boolean | undefined, never>;
  /** Graph (beta) `authenticationProtocol` (migration 0022): `deviceCode` or `none`. */
  authentication_protocol: ColumnType<string, string | undefined, never>;
  /** Graph (beta) `originalTransferMethod` (migration 0022): `deviceCodeFlow` or `none`. */
  original_transfer_method: ColumnType<string, string | undefined, never>;
}
