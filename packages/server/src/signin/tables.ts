import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the sign-in tables (migration 0007_signin). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface SigninFlowsTable {
  id: string;
  state: string;
  interaction_uid: string;
  client_id: string;
  login_hint: string | null;
  user_id: string | null;
  account_key: string | null;
  methods_offered: Json<string[]>;
  methods_performed: Json<Array<{ method: string; at: string; amr: string[] }>>;
  failures: Generated<number>;
  failure_reason: string | null;
  /** `deviceCodeFlow` when the flow approves a device code (migration 0022), else `none`. */
  original_transfer_method: ColumnType<string, string | undefined, never>;
  /** The `acr` the app asked for (migration 0023; signin/requested-acr.ts), null when it asked for none. */
  requested_acr: ColumnType<{ values: string[]; essential: boolean } | null, string | null | undefined, never>;
  expires_at: Timestamp;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SigninLockoutsTable {
  account_key: string;
  failures: Generated<number>;
  locked_until: Timestamp | null;
  last_failure_at: Timestamp;
}
