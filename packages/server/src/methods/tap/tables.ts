import type { ColumnType } from 'kysely';

/** Kysely types of the Temporary Access Pass tables (migration 0010_tap). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** One TAP per user (unique `user_id`): Graph `temporaryAccessPassAuthenticationMethod` (entra-spec §3.2). */
export interface TapMethodsTable {
  id: string;
  user_id: string;
  /** SHA-256 over `id:pass` (docs/tap.md "Storage"); the pass itself is never stored. */
  pass_hash: string;
  start_date_time: Timestamp;
  lifetime_in_minutes: number;
  is_usable_once: boolean;
  /** Set once by the consuming `update … where used_at is null` (one-time passes only). */
  used_at: Timestamp | null;
  created_at: Timestamp;
}

/**
 * Sign-ins made with a TAP, so the session and refresh tokens end when the TAP ends
 * (entra-spec §3.3 "Token lifetime"): keyed by user and `auth_time` (seconds) as oidc-provider
 * stores them; `registration_deadline` is the one-time TAP's 10-minute passkey window.
 */
export interface TapSignInsTable {
  user_id: string;
  auth_time: number;
  tap_id: string;
  ends_at: Timestamp;
  registration_deadline: Timestamp | null;
  created_at: Timestamp;
}

/** The registration campaign's snoozes per user (entra-spec §7.5). */
export interface RegistrationCampaignSnoozesTable {
  user_id: string;
  snooze_count: number;
  last_snoozed_at: Timestamp;
}
