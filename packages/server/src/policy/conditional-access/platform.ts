/** A device platform as Conditional Access names it (entra-spec §1.4), or `unknown`. */
export type DevicePlatform = 'android' | 'iOS' | 'windows' | 'windowsPhone' | 'macOS' | 'linux' | 'unknown';

/** Checked in order: more specific tokens first (Android UAs also say Linux; Windows Phone also says Android). */
const RULES: ReadonlyArray<[RegExp, DevicePlatform]> = [
  [/Windows Phone|Windows Mobile/i, 'windowsPhone'],
  [/Android/i, 'android'],
  [/iPhone|iPad|iPod|\biOS\b|CFNetwork\/.*Darwin/i, 'iOS'],
  [/Windows NT|Win64|Win32|Windows 1\d/i, 'windows'],
  [/CrOS/i, 'unknown'],
  [/Macintosh|Mac OS X|macOS/i, 'macOS'],
  [/Linux|X11|Ubuntu|Fedora/i, 'linux'],
];

/**
 * The platform a User-Agent claims. The User-Agent is unverified (§1.4: use platform conditions
 * with compliance or as a block), and anything unrecognised — no header, a script, ChromeOS —
 * is `unknown`: it matches `includePlatforms: ["all"]` and no specific platform, so the
 * "include all, exclude the supported ones, block" pattern blocks it (ADR 0008).
 */
export function platformFromUserAgent(userAgent: string | null | undefined): DevicePlatform {
  if (!userAgent) return 'unknown';
  for (const [re, platform] of RULES) if (re.test(userAgent)) return platform;
  return 'unknown';
}
