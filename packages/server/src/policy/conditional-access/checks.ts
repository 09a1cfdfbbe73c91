import { badRequest } from '../../errors.ts';
import type { PolicyBody } from './schemas.ts';
import {
  BUILT_IN_CONTROLS,
  CLIENT_APP_TYPES,
  PLATFORMS,
  REGISTER_DEVICE,
  REGISTER_SECURITY_INFO,
  RISK_LEVELS,
  type ConditionalAccessPolicy,
} from './types.ts';

/** What a check may look up: which strengths and named locations exist. */
export interface CheckRefs {
  strengthExists(id: string): boolean;
  locationExists(id: string): boolean;
}

interface Draft {
  raw: PolicyBody;
  policy: ConditionalAccessPolicy;
  refs: CheckRefs;
}

/** One named rule (house style §6): a message when the draft breaks it. */
interface PolicyCheck {
  name: string;
  check(d: Draft): string | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notIn = (values: readonly string[], allowed: readonly string[]) => values.filter((v) => !allowed.includes(v));
const badIds = (values: readonly string[], keywords: readonly string[]) => values.filter((v) => !keywords.includes(v) && !GUID.test(v));
/** Conditions Latchkey cannot evaluate; an export carries them as null, which is fine (ADR 0008). */
const UNSUPPORTED_CONDITIONS = [
  'devices',
  'clientApplications',
  'authenticationFlows',
  'insiderRiskLevels',
  'times',
  'deviceStates',
  'agentIdRiskLevels',
];

/**
 * Every rule a Conditional Access policy must pass, in one table, each citing entra-spec. Run by
 * create and update alike on the whole (merged) policy; all broken rules are reported at once.
 */
export const POLICY_CHECKS: readonly PolicyCheck[] = [
  { name: 'checkDisplayName', check: ({ policy }) => (policy.displayName.trim() ? undefined : 'displayName is required.') },
  {
    // §1.1 Graph minimum: a user rule.
    name: 'checkUsersAssigned',
    check: ({ policy: { conditions: c } }) =>
      c.users.includeUsers.length || c.users.includeGroups.length || c.users.includeRoles.length || c.users.includeGuestsOrExternalUsers
        ? undefined
        : 'conditions.users must include users, groups, roles or None.',
  },
  {
    name: 'checkUserKeywords',
    check: ({ policy: { conditions: c } }) => {
      const bad = [
        ...badIds(c.users.includeUsers, ['All', 'None', 'GuestsOrExternalUsers']),
        ...badIds(c.users.excludeUsers, ['GuestsOrExternalUsers']),
        ...badIds([...c.users.includeGroups, ...c.users.excludeGroups, ...c.users.includeRoles, ...c.users.excludeRoles], []),
      ];
      return bad.length
        ? `Invalid user, group or role reference(s): ${bad.join(', ')} (ids are GUIDs; roles by role template id).`
        : undefined;
    },
  },
  {
    // §1.1 Graph minimum: an application rule (apps, user actions or authentication context).
    name: 'checkApplicationsAssigned',
    check: ({ policy: { conditions: c } }) =>
      c.applications.includeApplications.length ||
      c.applications.includeUserActions.length ||
      c.applications.includeAuthenticationContextClassReferences.length
        ? undefined
        : 'conditions.applications must include applications, user actions or authentication contexts.',
  },
  {
    name: 'checkApplicationKeywords',
    check: ({ policy: { conditions: c } }) => {
      const bad = [
        ...c.applications.includeApplications.filter(
          (a) => !['All', 'None', 'Office365', 'MicrosoftAdminPortals'].includes(a) && !/^[\w.:/-]{1,256}$/.test(a),
        ),
        ...c.applications.excludeApplications.filter((a) => ['All', 'None'].includes(a)),
      ];
      return bad.length ? `Invalid application reference(s): ${bad.join(', ')}.` : undefined;
    },
  },
  {
    // §1.3: user actions are tasks, not apps; a policy targets one kind.
    name: 'checkUserActions',
    check: ({ policy: { conditions: c } }) => {
      const actions = c.applications.includeUserActions;
      const unknown = notIn(actions, [REGISTER_SECURITY_INFO, REGISTER_DEVICE]);
      if (unknown.length) return `Unknown user action(s): ${unknown.join(', ')}. Known: ${REGISTER_SECURITY_INFO}, ${REGISTER_DEVICE}.`;
      if (actions.length && (c.applications.includeApplications.length || c.applications.excludeApplications.length))
        return 'A policy targets either applications or user actions, not both.';
      return undefined;
    },
  },
  {
    // §1.3: for registerdevice, Require MFA is the only grant control allowed.
    name: 'checkRegisterDeviceControls',
    check: ({ policy: p }) =>
      p.conditions.applications.includeUserActions.includes(REGISTER_DEVICE) &&
      (!p.grantControls ||
        p.grantControls.builtInControls.some((x) => x !== 'mfa') ||
        p.grantControls.authenticationStrength ||
        p.conditions.clientAppTypes.some((x) => x !== 'all'))
        ? `For ${REGISTER_DEVICE}, Require multifactor authentication is the only grant control allowed and client app conditions are unavailable.`
        : undefined,
  },
  {
    // §1.1 Graph minimum: a grant or a session control.
    name: 'checkHasControls',
    check: ({ policy: p }) => {
      const g = p.grantControls;
      const grants = g
        ? g.builtInControls.length + g.termsOfUse.length + g.customAuthenticationFactors.length + (g.authenticationStrength ? 1 : 0)
        : 0;
      return grants || p.sessionControls?.signInFrequency?.isEnabled
        ? undefined
        : 'A policy needs a grant control (or block) or a session control.';
    },
  },
  {
    name: 'checkOperator',
    check: ({ raw }) => {
      const op = raw.grantControls?.operator;
      return op == null || op === 'AND' || op === 'OR' ? undefined : `grantControls.operator must be AND or OR (got '${op}').`;
    },
  },
  {
    name: 'checkBuiltInControls',
    check: ({ policy: p }) => {
      const bad = notIn(p.grantControls?.builtInControls ?? [], BUILT_IN_CONTROLS);
      return bad.length ? `Unknown built-in control(s): ${bad.join(', ')}.` : undefined;
    },
  },
  {
    // §1.5: block is exclusive.
    name: 'checkBlockExclusive',
    check: ({ policy: { grantControls: g } }) =>
      g?.builtInControls.includes('block') &&
      (g.builtInControls.length > 1 || g.authenticationStrength || g.termsOfUse.length || g.customAuthenticationFactors.length)
        ? "The 'block' control cannot be combined with other grant controls."
        : undefined,
  },
  {
    // §1.5 (E concept-authentication-strengths): mfa and an authentication strength never together.
    name: 'checkMfaWithStrength',
    check: ({ policy: { grantControls: g } }) =>
      g?.builtInControls.includes('mfa') && g.authenticationStrength
        ? "Require multifactor authentication and Require authentication strength can't be combined in the same policy; use the built-in 'Multifactor authentication' strength (00000000-0000-0000-0000-000000000002) instead of 'mfa'."
        : undefined,
  },
  {
    name: 'checkStrengthExists',
    check: ({ policy: { grantControls: g }, refs }) =>
      g?.authenticationStrength && !refs.strengthExists(g.authenticationStrength.id)
        ? `Authentication strength '${g.authenticationStrength.id}' does not exist.`
        : undefined,
  },
  {
    // §1.5: passwordChange must be ANDed with MFA, with user risk, on All apps, without exclusions.
    name: 'checkPasswordChange',
    check: ({ policy: { grantControls: g, conditions: c } }) =>
      g?.builtInControls.includes('passwordChange') &&
      (g.operator !== 'AND' ||
        !(g.builtInControls.includes('mfa') || g.authenticationStrength) ||
        !c.userRiskLevels.length ||
        !c.applications.includeApplications.includes('All') ||
        c.applications.excludeApplications.length)
        ? "'passwordChange' requires operator AND with 'mfa' (or an MFA strength), user risk levels, and All applications without exclusions."
        : undefined,
  },
  {
    name: 'checkPlatforms',
    check: ({ policy: { conditions: c } }) => {
      if (!c.platforms) return undefined;
      const bad = notIn([...c.platforms.includePlatforms, ...c.platforms.excludePlatforms], PLATFORMS);
      if (bad.length) return `Unknown platform(s): ${bad.join(', ')}.`;
      return c.platforms.includePlatforms.length ? undefined : 'conditions.platforms needs includePlatforms (use ["all"] to exclude some).';
    },
  },
  {
    name: 'checkLocations',
    check: ({ policy: { conditions: c }, refs }) => {
      if (!c.locations) return undefined;
      const bad = [
        ...c.locations.includeLocations.filter((l) => l !== 'All' && l !== 'AllTrusted' && !refs.locationExists(l)),
        ...c.locations.excludeLocations.filter((l) => l !== 'AllTrusted' && !refs.locationExists(l)),
      ];
      if (bad.length) return `Unknown named location(s): ${bad.join(', ')}.`;
      return c.locations.includeLocations.length
        ? undefined
        : 'conditions.locations needs includeLocations (All, AllTrusted or named location ids).';
    },
  },
  {
    name: 'checkClientAppTypes',
    check: ({ policy: { conditions: c } }) => {
      const bad = notIn(c.clientAppTypes, CLIENT_APP_TYPES);
      return bad.length ? `Unknown client app type(s): ${bad.join(', ')}.` : undefined;
    },
  },
  {
    name: 'checkRiskLevels',
    check: ({ policy: { conditions: c } }) => {
      const bad = notIn([...c.signInRiskLevels, ...c.userRiskLevels, ...c.servicePrincipalRiskLevels], RISK_LEVELS);
      return bad.length ? `Unknown risk level(s): ${bad.join(', ')}.` : undefined;
    },
  },
  {
    name: 'checkUnsupportedConditions',
    check: ({ policy: { conditions: c } }) => {
      const set = UNSUPPORTED_CONDITIONS.filter((k) => c[k] != null && !(Array.isArray(c[k]) && (c[k] as unknown[]).length === 0));
      return set.length ? `Latchkey cannot evaluate the condition(s) ${set.join(', ')}; remove them or set them to null.` : undefined;
    },
  },
  {
    // §1.6: timeBased needs hours (1–24) or days (1–365); everyTime has neither.
    name: 'checkSignInFrequency',
    check: ({ policy: p }) => {
      const f = p.sessionControls?.signInFrequency;
      if (!f?.isEnabled) return undefined;
      if (f.frequencyInterval === 'everyTime')
        return f.type || f.value ? 'signInFrequency with frequencyInterval everyTime takes no type or value.' : undefined;
      if (!f.type || !f.value) return 'signInFrequency needs type (hours or days) and value.';
      const max = f.type === 'hours' ? 24 : 365;
      return f.value >= 1 && f.value <= max ? undefined : `signInFrequency value must be 1–${max} ${f.type}.`;
    },
  },
];

/** Runs the table; throws 400 naming every broken rule (and the check names in `details`). */
export function assertValidPolicy(raw: PolicyBody, policy: ConditionalAccessPolicy, refs: CheckRefs): void {
  const failed = POLICY_CHECKS.map((c) => ({ name: c.name, message: c.check({ raw, policy, refs }) })).filter((r) => r.message);
  if (failed.length) throw badRequest(failed.map((f) => f.message).join(' '), { checks: failed.map((f) => f.name) });
}
