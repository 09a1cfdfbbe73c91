import type { ApiClient } from '../../api/client.ts';
import { allOf, literal, query } from '../../api/odata.ts';

/** Graph `signIn` as `GET /auditLogs/signIns` returns it (docs/signin-logs.md). */
export interface SignInEntry {
  id: string;
  createdDateTime: string;
  userId: string | null;
  userPrincipalName: string | null;
  appId: string;
  appDisplayName: string | null;
  ipAddress: string | null;
  clientAppUsed: string;
  status: { errorCode: number; failureReason: string | null };
  conditionalAccessStatus: string;
  appliedConditionalAccessPolicies: Array<{ id: string; displayName: string; result: string; enforcedGrantControls: string[] }>;
  authenticationDetails: Array<{ authenticationMethod: string; succeeded: boolean; authenticationStepDateTime: string }>;
  authenticationRequirement: string;
  correlationId: string | null;
  isInteractive: boolean;
  /** Graph beta: `deviceCode` for the approval of a device code, else `none`. */
  authenticationProtocol: string;
  /** Graph beta: `deviceCodeFlow` for that approval and the refreshes of its tokens, else `none`. */
  originalTransferMethod: string;
}

export interface SignInFilter {
  /** '' any, 'success' errorCode 0, 'failure' anything else. */
  status: '' | 'success' | 'failure';
  userPrincipalName: string;
  /** '' any, 'deviceCodeFlow' the approvals of device codes and the refreshes of their tokens (code phishing investigations). */
  transfer?: '' | 'deviceCodeFlow';
}

export const signIns = {
  list: (api: ApiClient, f: SignInFilter, signal: AbortSignal) =>
    api.page<SignInEntry>(
      `/auditLogs/signIns${query({
        $top: 50,
        $filter: allOf([
          f.status === 'success' && 'status/errorCode eq 0',
          f.status === 'failure' && 'status/errorCode ne 0',
          f.userPrincipalName.trim() && `userPrincipalName eq ${literal(f.userPrincipalName.trim())}`,
          f.transfer === 'deviceCodeFlow' && "originalTransferMethod eq 'deviceCodeFlow'",
        ]),
      })}`,
      signal,
    ),
};
