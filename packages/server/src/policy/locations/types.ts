/** Graph `ipNamedLocation` (entra-spec §1.4, G ipnamedlocation.md). */
export type IpNamedLocation = {
  '@odata.type': '#microsoft.graph.ipNamedLocation';
  id: string;
  displayName: string;
  createdDateTime: string;
  modifiedDateTime: string;
  isTrusted: boolean;
  ipRanges: Array<{ '@odata.type': '#microsoft.graph.iPv4CidrRange' | '#microsoft.graph.iPv6CidrRange'; cidrAddress: string }>;
};

/** Graph `countryNamedLocation`: stored; evaluated only when a country is known (ADR 0008). */
export type CountryNamedLocation = {
  '@odata.type': '#microsoft.graph.countryNamedLocation';
  id: string;
  displayName: string;
  createdDateTime: string;
  modifiedDateTime: string;
  countriesAndRegions: string[];
  includeUnknownCountriesAndRegions: boolean;
  countryLookupMethod: 'clientIpAddress' | 'authenticatorAppGps';
};

export type NamedLocation = IpNamedLocation | CountryNamedLocation;
export const IP_TYPE = '#microsoft.graph.ipNamedLocation';
export const COUNTRY_TYPE = '#microsoft.graph.countryNamedLocation';
