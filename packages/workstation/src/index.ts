/**
 * @latchkey/workstation — the workstation client (planned): pairs a workstation with a user's
 * phone authenticator by QR code and unlocks it by phone approval over the end-to-end encrypted
 * relay. Wire formats live in @latchkey/protocol. Nothing here runs yet; this shell fixes the
 * package's place in the workspace so the server never grows workstation code.
 */
export const PACKAGE = { name: '@latchkey/workstation', status: 'shell' } as const;
