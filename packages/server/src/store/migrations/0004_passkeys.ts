import { sql, type Kysely } from 'kysely';

/**
 * Passkeys (issue 3 item 1–2): server-side WebAuthn challenges (single use, short-lived), the
 * credentials themselves, the FIDO MDS3 entries imported from a BLOB file, and the trust anchors
 * administrators add. See `methods/passkey/` and docs/passkeys.md.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // A challenge is consumed by deleting its row (`delete … returning`), so it can succeed once.
  // user_id is the user the ceremony is restricted to, as the caller named them — deliberately no
  // foreign key, so a sign-in for an unknown user is stored (and fails) like any other.
  await sql`
    create table passkey_challenges (
      challenge text primary key,
      purpose text not null check (purpose in ('registration', 'authentication')),
      user_id text,
      flow_id text,
      rp_id text not null,
      expires_at timestamptz not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index passkey_challenges_expires on passkey_challenges (expires_at)`.execute(db);

  // id is the Graph fido2AuthenticationMethod id; credential_id the WebAuthn credential id (base64url).
  await sql`
    create table passkey_credentials (
      id uuid primary key,
      credential_id text not null unique,
      user_id uuid not null references users(id) on delete cascade,
      public_key bytea not null,
      sign_count bigint not null default 0 check (sign_count >= 0),
      aaguid uuid not null,
      transports jsonb not null default '[]'::jsonb,
      backup_eligible boolean not null,
      backed_up boolean not null,
      attestation_format text not null,
      attestation_trust text not null check (attestation_trust in ('trusted', 'untrusted', 'self', 'none')),
      attestation_certificates jsonb not null default '[]'::jsonb,
      display_name text not null,
      rp_id text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz
    )`.execute(db);
  await sql`create index passkey_credentials_user on passkey_credentials (user_id, created_at)`.execute(db);

  await sql`
    create table passkey_metadata_entries (
      aaguid uuid primary key,
      description text not null,
      attestation_root_certificates jsonb not null default '[]'::jsonb,
      status_reports jsonb not null default '[]'::jsonb,
      attestation_types jsonb not null default '[]'::jsonb,
      blob_no integer not null,
      updated_at timestamptz not null default now()
    )`.execute(db);

  // The last imported BLOB's header facts (one row per import, newest wins).
  await sql`
    create table passkey_metadata_imports (
      id uuid primary key,
      blob_no integer not null,
      next_update date,
      entry_count integer not null,
      signer_subject text not null,
      imported_at timestamptz not null default now()
    )`.execute(db);

  // usage 'attestation': roots for attestation chains; 'metadata': roots that may sign MDS BLOBs.
  await sql`
    create table passkey_trust_anchors (
      id uuid primary key,
      usage text not null check (usage in ('attestation', 'metadata')),
      display_name text not null,
      certificate_pem text not null,
      subject text not null,
      thumbprint_sha256 text not null,
      not_after timestamptz not null,
      created_at timestamptz not null default now(),
      unique (usage, thumbprint_sha256)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table passkey_trust_anchors, passkey_metadata_imports, passkey_metadata_entries, passkey_credentials, passkey_challenges`.execute(db);
}
