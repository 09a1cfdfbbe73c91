/**
 * @latchkey/entra-emulator — a local stand-in for Microsoft Graph / Entra ID (planned), faithful
 * to the documented behaviour in shared/reference/entra-spec.md §5 and §8 (throttling with
 * Retry-After, paging, eventual consistency, error shapes), for the Entra connector's tests and
 * demos. The only stand-in Latchkey's tests may use, because Graph cannot be reached from here.
 */
export const PACKAGE = { name: '@latchkey/entra-emulator', status: 'shell' } as const;
