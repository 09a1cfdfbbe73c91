/** A FIDO2 AAGUID restriction inside a custom strength (entra-spec §2.4). */
export type Fido2CombinationConfiguration = {
  '@odata.type': '#microsoft.graph.fido2CombinationConfiguration';
  id: string;
  allowedAAGUIDs: string[];
  appliesToCombinations: ['fido2'];
};

/** Graph `authenticationStrengthPolicy` (entra-spec §2.1). */
export type AuthenticationStrength = {
  '@odata.type': '#microsoft.graph.authenticationStrengthPolicy';
  id: string;
  createdDateTime: string;
  modifiedDateTime: string;
  displayName: string;
  description: string | null;
  policyType: 'builtIn' | 'custom';
  requirementsSatisfied: 'none' | 'mfa';
  allowedCombinations: string[];
  combinationConfigurations: Fido2CombinationConfiguration[];
};

/** One method the user performed in this session, as a mode (plus the authenticator's AAGUID for fido2). */
export type PerformedMode = {
  mode: string;
  aaGuid?: string | undefined;
  /** When it was performed (ISO); sign-in frequency ignores stale methods. */
  at?: string | undefined;
};
