/** The sign-in page's calls to `/signin/{uid}/api/*` (same origin; the interaction cookie rides along). */
export type SignInState = 'identify' | 'chooseMethod' | 'verifyPasskey' | 'verifyPassword' | 'verifyTap' | 'registrationRequired' | 'registrationCampaign' | 'chooseSecondFactor' | 'verifyOath' | 'complete' | 'failed' | 'expired';
export type SignInMethod = 'passkey' | 'password' | 'tap' | 'oath';

/** Why the sign-in stops to set up a passkey (issue 4 item 7; `/register/status`). */
export interface RegistrationNeed {
  kind: 'none' | 'required' | 'campaign';
  reason?: string;
  message?: string;
  snoozesLeft?: number | null;
}

export interface FlowView {
  state: SignInState;
  methods: SignInMethod[];
  username: string | null;
  failures: number;
  loginHint?: string | null;
  redirectTo?: string;
  options?: Record<string, unknown>;
  registration?: RegistrationNeed;
  /** chooseSecondFactor / failed: why, in plain words (Conditional Access, per-user MFA). */
  reason?: string | null;
}

/** A refused step: Graph code, the specific reason, and the server's safe message. */
export class SignInFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly reason: string;
  readonly details: Record<string, unknown>;
  constructor(status: number, code: string, reason: string, message: string, details: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

export async function call(uid: string, step: string, body: unknown = {}): Promise<FlowView> {
  let res: Response;
  try {
    res = await fetch(`/signin/${encodeURIComponent(uid)}/api/${step}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new SignInFailure(0, 'NetworkError', 'network', 'Latchkey could not be reached. Check your connection and try again.', {});
  }
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } & FlowView;
  if (!res.ok) {
    const e = json.error ?? {};
    const details = e.details ?? {};
    throw new SignInFailure(res.status, e.code ?? 'Unknown', String(details.reason ?? e.code ?? 'unknown'), e.message ?? 'Something went wrong.', details);
  }
  return json;
}
