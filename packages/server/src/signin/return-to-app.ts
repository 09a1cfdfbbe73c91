import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { StoredFlow } from './repository.ts';
import { SignInError } from './errors.ts';
import { modesOf } from './registration-interrupt.ts';
import { metRequestedValue } from './requested-acr.ts';
import type { AuthenticationStrength } from '../policy/strengths/types.ts';

/** An OAuth error answer (RFC 6749 §4.1.2.1) for the app. */
export interface ReturnError {
  error: 'unmet_authentication_requirements' | 'access_denied';
  error_description: string;
}

/** RFC 6749 §4.1.2.1: `error_description` is %x20-21 / %x23-5B / %x5D-7E only (no `"`, no `\`, ASCII). */
const descriptionOf = (text: string): string =>
  text
    .replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, 500);

/**
 * What the app hears about a sign-in that ended without success, when the person chooses to go
 * back to it: `unmet_authentication_requirements` (OpenID Connect Core Unmet Authentication
 * Requirements 1.0 §1) when the app asked for an essential `acr` and the person signed in but
 * could not meet it (OIDC Core §5.5.1.1: "treat that outcome as a failed authentication
 * attempt"); `access_denied` for every other end (Conditional Access, too many failures, the
 * 10 minutes over). The description is the reason the page showed.
 */
export function returnErrorOf(flow: StoredFlow, strengths: ReadonlyMap<string, AuthenticationStrength>): ReturnError {
  const performed = modesOf(flow.methodsPerformed);
  const unmet =
    flow.requestedAcr?.essential === true &&
    performed.length > 0 &&
    metRequestedValue(flow.requestedAcr, performed, strengths) === undefined;
  const reason = flow.failureReason ?? (flow.state === 'expired' ? 'The sign-in took too long.' : 'The sign-in did not finish.');
  return { error: unmet ? 'unmet_authentication_requirements' : 'access_denied', error_description: descriptionOf(reason) };
}

/** Ends the interaction of an ended flow with `error` and returns the provider's resume URL, which sends the browser to the app with it. */
export async function returnToApp(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  flow: StoredFlow,
  error: ReturnError,
): Promise<string> {
  if (flow.state !== 'failed' && flow.state !== 'expired')
    throw new SignInError('wrongStep', 'This sign-in has not ended: finish it, or use another account.');
  return provider.interactionResult(req, res, { ...error }, { mergeWithLastSubmission: false });
}
