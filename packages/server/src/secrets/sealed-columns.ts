import { signingKeyPurpose } from '../oidc/keys.ts';
import { seedPurpose } from '../methods/oath/seed.ts';
import { instanceSecretPurpose } from './instance-secrets.ts';

/**
 * Every column that holds envelope-sealed secrets, with the purpose each row's secret is sealed
 * under (the envelope binds it as associated data, so rewrapping needs it). Rewrapping after a
 * master key rotation (ADR 0020) walks exactly this list; test/secrets/sealed-columns.test.ts
 * fails when a migration adds a `*_sealed` column that is not here.
 */
export interface SealedColumn {
  table: 'oidc_signing_keys' | 'oath_tokens' | 'instance_secrets';
  /** The primary key column, and its type (for comparisons that can use its index). */
  id: string;
  idType: 'text' | 'uuid';
  column: string;
  /** What the secret is, for people: `latchkey secrets status` prints it. */
  label: string;
  purpose(id: string): string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'oidc_signing_keys', id: 'kid', idType: 'text', column: 'private_jwk_sealed', label: 'token signing keys', purpose: signingKeyPurpose },
  { table: 'oath_tokens', id: 'id', idType: 'uuid', column: 'secret_sealed', label: 'OATH token seeds', purpose: seedPurpose },
  { table: 'instance_secrets', id: 'name', idType: 'text', column: 'secret_sealed', label: 'instance secrets', purpose: instanceSecretPurpose },
];
