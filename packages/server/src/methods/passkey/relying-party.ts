/**
 * The WebAuthn relying party Latchkey acts as: its RP ID (the public URL's host, WebAuthn L3
 * §5.1.2) and the exact origins a ceremony may come from (§7.1 step 9, §7.2 step 13).
 */
export interface RelyingParty {
  id: string;
  name: string;
  origins: readonly string[];
}

/** The relying party of a configured public URL (`LATCHKEY_PUBLIC_URL`). */
export function relyingPartyFrom(config: { rpId: string; publicUrl: URL }, name = 'Latchkey'): RelyingParty {
  return { id: config.rpId, name, origins: [config.publicUrl.origin] };
}

/** Ceremony settings; each has a default stated here. */
export const PASSKEY_LIMITS = {
  /** Challenge lifetime: 5 minutes (issue 3; Graph creationOptions default, entra-spec §5.1). */
  challengeTtlMs: 5 * 60_000,
  /** Largest decoded clientDataJSON accepted (browsers send ~150–300 bytes). */
  maxClientDataBytes: 2048,
  /** Largest decoded attestationObject (a packed statement with a 3-certificate chain is ~3 KB). */
  maxAttestationObjectBytes: 32 * 1024,
  /** Largest decoded authenticatorData in an assertion (extensions included). */
  maxAuthenticatorDataBytes: 4096,
  /** Largest decoded signature (RSA-4096 is 512 bytes). */
  maxSignatureBytes: 1024,
  /** Passkeys per user (entra-spec §4.3: up to 10 in combined registration). */
  maxPasskeysPerUser: 10,
} as const;
