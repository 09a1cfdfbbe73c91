import type { ColumnType, RawBuilder } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** Custom authentication strengths (0009); `body` is the Graph `authenticationStrengthPolicy`. */
export interface CaAuthenticationStrengthsTable {
  id: string;
  display_name: string;
  body: Json<Record<string, unknown>>;
  created_at: Timestamp;
  modified_at: Timestamp;
}

/** Named locations (0009); `body` is the Graph `ipNamedLocation` / `countryNamedLocation`. */
export interface CaNamedLocationsTable {
  id: string;
  display_name: string;
  odata_type: string;
  is_trusted: boolean;
  body: Json<Record<string, unknown>>;
  created_at: Timestamp;
  modified_at: Timestamp;
}

/** Conditional Access policies (0009); `body` is the Graph `conditionalAccessPolicy` (write shape). */
export interface CaPoliciesTable {
  id: string;
  display_name: string;
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  body: Json<Record<string, unknown>>;
  strength_id: string | null;
  created_at: Timestamp;
  modified_at: Timestamp;
}

/** A counter bumped by every CA write (0009), for per-node cache invalidation. */
export interface CaGenerationTable {
  id: number;
  generation: ColumnType<string | number, number, number | RawBuilder<unknown>>;
}
