import { usabilityOf, type MethodUsabilityReason } from './policy.ts';
import type { TemporaryAccessPassConfiguration } from '../../policy/authentication-methods/types.ts';
import type { StoredTap } from './repository.ts';

/** Graph `temporaryAccessPassAuthenticationMethod` (entra-spec §3.2). */
export interface TemporaryAccessPassMethod {
  '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod';
  id: string;
  /** The pass: only in the POST response; `null` everywhere else (shown once). */
  temporaryAccessPass: string | null;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  isUsable: boolean;
  methodUsabilityReason: MethodUsabilityReason;
}

/** The Graph shape of a stored pass as of `now`; `pass` only when just created. */
export function toGraph(
  tap: StoredTap,
  config: TemporaryAccessPassConfiguration | undefined,
  now: Date,
  pass: string | null = null,
): TemporaryAccessPassMethod {
  const u = usabilityOf(tap, config, now);
  return {
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    id: tap.id,
    temporaryAccessPass: pass,
    createdDateTime: tap.createdAt.toISOString(),
    startDateTime: tap.startDateTime.toISOString(),
    lifetimeInMinutes: tap.lifetimeInMinutes,
    isUsableOnce: tap.isUsableOnce,
    isUsable: u.isUsable,
    methodUsabilityReason: u.reason,
  };
}
