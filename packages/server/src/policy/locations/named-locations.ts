import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { DB } from '../../store/schema.ts';
import type { RequestContext } from '../../auth/principal.ts';
import { recordAudit } from '../../audit/record.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import { lockAndBumpGeneration } from '../conditional-access/repository.ts';
import { parseCidr } from './cidr.ts';
import {
  countNamedLocations,
  deleteNamedLocation,
  findNamedLocation,
  listNamedLocations,
  policiesUsingLocation,
  upsertNamedLocation,
} from './repository.ts';
import { COUNTRY_TYPE, IP_TYPE, type NamedLocation } from './types.ts';
import { isGuid } from '../../odata/filter.ts';

/** Limits from CA-NET (entra-spec §1.4). */
export const MAX_NAMED_LOCATIONS = 195;
export const MAX_RANGES = 2000;

export interface NamedLocationInput {
  '@odata.type'?: string | undefined;
  displayName?: string | undefined;
  isTrusted?: boolean | undefined;
  ipRanges?: Array<{ '@odata.type'?: string | undefined; cidrAddress: string }> | undefined;
  countriesAndRegions?: string[] | undefined;
  includeUnknownCountriesAndRegions?: boolean | undefined;
  countryLookupMethod?: string | undefined;
}

/** The rules (§1.4): CIDR masks must be greater than /8 for IPv4; at most 2000 ranges; ISO alpha-2 countries. */
function build(input: NamedLocationInput, base: NamedLocation | null): NamedLocation {
  const now = new Date().toISOString();
  const type = input['@odata.type'] ?? base?.['@odata.type'];
  if (base && type !== base['@odata.type']) throw badRequest('The @odata.type of a named location cannot change.');
  const displayName = (input.displayName ?? base?.displayName ?? '').trim();
  if (!displayName) throw badRequest('displayName is required.');
  const common = { id: base?.id ?? randomUUID(), displayName, createdDateTime: base?.createdDateTime ?? now, modifiedDateTime: now };
  if (type === IP_TYPE) {
    const b = base?.['@odata.type'] === IP_TYPE ? base : null;
    const ranges = input.ipRanges ?? b?.ipRanges ?? [];
    if (!ranges.length) throw badRequest('An ipNamedLocation needs at least one entry in ipRanges.');
    if (ranges.length > MAX_RANGES) throw badRequest(`A named location holds at most ${MAX_RANGES} IP ranges.`);
    const ipRanges = ranges.map((r) => {
      const c = parseCidr(r.cidrAddress);
      if (!c) throw badRequest(`'${r.cidrAddress}' is not a CIDR range (e.g. 198.51.100.0/24 or 2001:db8::/48).`);
      if (c.family === 'ipv4' && c.prefix <= 8) throw badRequest(`'${r.cidrAddress}': only IPv4 masks greater than /8 are allowed.`);
      const odataType = c.family === 'ipv4' ? ('#microsoft.graph.iPv4CidrRange' as const) : ('#microsoft.graph.iPv6CidrRange' as const);
      if (r['@odata.type'] && r['@odata.type'] !== odataType) throw badRequest(`'${r.cidrAddress}' is not a ${r['@odata.type']}.`);
      return { '@odata.type': odataType, cidrAddress: r.cidrAddress.trim() };
    });
    return { '@odata.type': IP_TYPE, ...common, isTrusted: input.isTrusted ?? b?.isTrusted ?? false, ipRanges };
  }
  if (type === COUNTRY_TYPE) {
    const b = base?.['@odata.type'] === COUNTRY_TYPE ? base : null;
    const countries = input.countriesAndRegions ?? b?.countriesAndRegions ?? [];
    const bad = countries.filter((c) => !/^[A-Z]{2}$/.test(c));
    if (!countries.length || bad.length) throw badRequest('countriesAndRegions must list ISO 3166 alpha-2 codes (e.g. "US").');
    const method = input.countryLookupMethod ?? b?.countryLookupMethod ?? 'clientIpAddress';
    if (method !== 'clientIpAddress' && method !== 'authenticatorAppGps')
      throw badRequest('countryLookupMethod must be clientIpAddress or authenticatorAppGps.');
    return {
      '@odata.type': COUNTRY_TYPE,
      ...common,
      countriesAndRegions: countries,
      includeUnknownCountriesAndRegions: input.includeUnknownCountriesAndRegions ?? b?.includeUnknownCountriesAndRegions ?? false,
      countryLookupMethod: method,
    };
  }
  throw badRequest(`@odata.type must be ${IP_TYPE} or ${COUNTRY_TYPE}.`);
}

export const listLocations = (db: Kysely<DB>) => listNamedLocations(db);

export async function getLocation(db: Kysely<DB>, id: string): Promise<NamedLocation> {
  const l = isGuid(id) ? await findNamedLocation(db, id.toLowerCase()) : undefined;
  if (!l) throw notFound('namedLocation', id);
  return l;
}

export async function createLocation(db: Kysely<DB>, ctx: RequestContext, input: NamedLocationInput): Promise<NamedLocation> {
  const loc = build(input, null);
  return db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    if ((await countNamedLocations(trx)) >= MAX_NAMED_LOCATIONS)
      throw badRequest(`A tenant can have at most ${MAX_NAMED_LOCATIONS} named locations.`);
    await upsertNamedLocation(trx, loc, true);
    await audit(trx, ctx, 'Add named location', 'Add', loc);
    return loc;
  });
}

export async function updateLocation(db: Kysely<DB>, ctx: RequestContext, id: string, input: NamedLocationInput): Promise<NamedLocation> {
  return db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const next = build(input, await getLocation(trx, id));
    await upsertNamedLocation(trx, next, false);
    await audit(trx, ctx, 'Update named location', 'Update', next);
    return next;
  });
}

/** A trusted location cannot be deleted until it is untrusted (§1.4); nor one a policy names. */
export async function deleteLocation(db: Kysely<DB>, ctx: RequestContext, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockAndBumpGeneration(trx);
    const loc = await getLocation(trx, id);
    if (loc['@odata.type'] === IP_TYPE && loc.isTrusted)
      throw badRequest('A trusted named location cannot be deleted; set isTrusted to false first.');
    const users = await policiesUsingLocation(trx, loc.id);
    if (users.length)
      throw conflict(
        `Named location '${loc.displayName}' is used by ${users.length} Conditional Access polic${users.length === 1 ? 'y' : 'ies'}.`,
      );
    await deleteNamedLocation(trx, loc.id);
    await audit(trx, ctx, 'Delete named location', 'Delete', loc);
  });
}

async function audit(
  trx: Kysely<DB>,
  ctx: RequestContext,
  activity: string,
  op: 'Add' | 'Update' | 'Delete',
  l: NamedLocation,
): Promise<void> {
  await recordAudit(trx, ctx, {
    category: 'Policy',
    activity,
    operationType: op,
    targets: [{ id: l.id, displayName: l.displayName, type: 'Policy' }],
  });
}
