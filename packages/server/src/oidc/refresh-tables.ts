import type { ColumnType } from 'kysely';

/** Kysely type of `refresh_sign_ins` (migration 0020): the sign-in behind a user's refresh tokens. */
export interface RefreshSignInsTable {
  user_id: string;
  /** The session's `auth_time` (seconds), as oidc-provider copies it into codes and refresh tokens. */
  auth_time: number;
  /** The sign-in's performed methods as Conditional Access modes (`{ mode, at, aaGuid? }[]`). */
  performed: ColumnType<unknown, string, string>;
  created_at: ColumnType<Date, Date | string | undefined, never>;
}
