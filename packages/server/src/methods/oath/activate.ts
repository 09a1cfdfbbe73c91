import { verifyCode, type OathFailure, type OathReplayState } from './verifyCode.ts';
import type { TotpParams } from './totp.ts';

/** Graph hardwareOathTokenAuthenticationMethodDevice `status` (entra-spec §6.3). */
export type OathTokenStatus = 'available' | 'assigned' | 'activated' | 'failedActivation';

export interface ActivateInput extends OathReplayState {
  key: Uint8Array;
  params: TotpParams;
  status: OathTokenStatus;
  /** Whether the token is assigned to a user (activation needs an owner). */
  assigned: boolean;
  code: string;
  nowMs: number;
  /** Wider than sign-in: a fresh token's clock may have drifted in storage (default 10 steps). */
  window: number;
}

export type ActivateResult =
  | { ok: true; status: 'activated'; step: number; drift: number }
  | { ok: false; reason: OathFailure; status: 'failedActivation' }
  | { ok: false; reason: 'OathTokenNotAssigned' | 'OathTokenAlreadyActivated'; status: OathTokenStatus };

/**
 * Activation (entra-spec §6.3): an assigned (or failedActivation) token becomes `activated` when
 * the code it shows now verifies within the activation window; a wrong code moves it to
 * `failedActivation` (the admin or user may try again). Replay rules apply as at sign-in.
 * Transitions: available →(assign) assigned →(activate) activated | failedActivation → activated.
 */
export function activate(input: ActivateInput): ActivateResult {
  if (!input.assigned || input.status === 'available') return { ok: false, reason: 'OathTokenNotAssigned', status: input.status };
  if (input.status === 'activated') return { ok: false, reason: 'OathTokenAlreadyActivated', status: input.status };
  const r = verifyCode({ ...input, window: input.window });
  if (!r.ok) return { ok: false, reason: r.reason, status: 'failedActivation' };
  return { ok: true, status: 'activated', step: r.step, drift: r.drift };
}
