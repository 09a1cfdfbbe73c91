import type { OathTokenRow } from './repository.ts';

/**
 * Graph shapes (entra-spec §6.3): `hardwareOathTokenAuthenticationMethodDevice` (beta),
 * `hardwareOathAuthenticationMethod` and `softwareOathAuthenticationMethod`. `secretKey` is
 * write-only and always null here.
 */
export interface HardwareOathDevice {
  id: string;
  displayName: string | null;
  serialNumber: string;
  manufacturer: string | null;
  model: string | null;
  secretKey: null;
  timeIntervalInSeconds: 30 | 60;
  hashFunction: 'hmacsha1' | 'hmacsha256' | 'hmacsha512';
  digits: 6 | 8;
  status: 'available' | 'assigned' | 'activated' | 'failedActivation';
  lastUsedDateTime: string | null;
  createdDateTime: string;
  assignedTo: { id: string; displayName: string | null } | null;
}

export interface HardwareOathMethod {
  '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethod';
  id: string;
  displayName: string | null;
  device: HardwareOathDevice;
}

export interface SoftwareOathMethod {
  '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod';
  id: string;
  secretKey: null;
  displayName: string | null;
  status: 'pending' | 'activated';
  createdDateTime: string;
  lastUsedDateTime: string | null;
}

export function toDevice(row: OathTokenRow, userDisplayName: string | null = null): HardwareOathDevice {
  return {
    id: row.id,
    displayName: row.displayName,
    serialNumber: row.serialNumber ?? '',
    manufacturer: row.manufacturer,
    model: row.model,
    secretKey: null,
    timeIntervalInSeconds: row.timeInterval,
    hashFunction: row.hashFunction,
    digits: row.digits,
    status: row.status,
    lastUsedDateTime: row.lastUsedAt?.toISOString() ?? null,
    createdDateTime: row.createdAt.toISOString(),
    assignedTo: row.userId ? { id: row.userId, displayName: userDisplayName } : null,
  };
}

export function toHardwareMethod(row: OathTokenRow, userDisplayName: string | null): HardwareOathMethod {
  return {
    '@odata.type': '#microsoft.graph.hardwareOathAuthenticationMethod',
    id: row.id,
    displayName: row.displayName,
    device: toDevice(row, userDisplayName),
  };
}

export function toSoftwareMethod(row: OathTokenRow): SoftwareOathMethod {
  return {
    '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod',
    id: row.id,
    secretKey: null,
    displayName: row.displayName,
    status: row.status === 'activated' ? 'activated' : 'pending',
    createdDateTime: row.createdAt.toISOString(),
    lastUsedDateTime: row.lastUsedAt?.toISOString() ?? null,
  };
}
