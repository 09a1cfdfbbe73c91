import { useEffect, useState } from 'react';
import { startRegistration } from '@simplewebauthn/browser';
import { call, type FlowView, type RegistrationNeed } from './api.ts';

/**
 * The registration interrupt and the registration campaign's nudge (issue 4 item 7): after the
 * sign-in verified, the server holds the flow in `registrationRequired` (no way around it) or
 * `registrationCampaign` ("Set up now" / "Not now (n left)"). The passkey is created here with
 * the browser's WebAuthn and stored through `/signin/{uid}/api/register/*`.
 */
export function RegistrationStep({
  uid,
  flow,
  busy,
  run,
}: {
  uid: string;
  flow: FlowView;
  busy: boolean;
  run: (fn: () => Promise<FlowView | null>) => Promise<void>;
}) {
  const [need, setNeed] = useState<RegistrationNeed | null>(flow.registration ?? null);
  useEffect(() => {
    if (need) return;
    void call(uid, 'register/status').then(
      (v) => setNeed(v.registration ?? { kind: flow.state === 'registrationCampaign' ? 'campaign' : 'required' }),
      () => setNeed({ kind: 'required' }),
    );
  }, [uid, need, flow.state]);

  const setUp = () =>
    run(async () => {
      const o = await call(uid, 'register/options');
      const response = await startRegistration({ optionsJSON: o.options as never });
      return call(uid, 'register/verify', { response });
    });
  const later = () => run(() => call(uid, 'register/snooze'));
  const campaign = flow.state === 'registrationCampaign';
  const left = need?.snoozesLeft;

  return (
    <section aria-labelledby="signin-register-title">
      <h1 className="page-title" id="signin-register-title">
        {campaign ? 'Sign in faster with a passkey' : 'Set up your passkey'}
      </h1>
      <p data-testid="signin-register-reason">
        {need?.message ??
          (campaign
            ? 'A passkey lets you sign in with your fingerprint, face or PIN: nothing to type, nothing to phish.'
            : 'Your organisation requires a passkey for your account.')}
      </p>
      <p className="muted">Your browser will ask where to save the passkey: this device, your phone, or a security key.</p>
      <div className="signin-actions">
        {campaign ? (
          <button type="button" className="btn btn-secondary" disabled={busy || !need} onClick={() => void later()}>
            {typeof left === 'number' ? `Not now (${left} left)` : 'Not now'}
          </button>
        ) : null}
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void setUp()}>
          Set up now
        </button>
      </div>
    </section>
  );
}
