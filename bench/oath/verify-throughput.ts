import { createHmac, randomBytes } from 'node:crypto';
import { verifyCode } from '../../packages/server/src/methods/oath/verifyCode.ts';
import { hotp } from '../../packages/server/src/methods/oath/hotp.ts';
import { timeStep } from '../../packages/server/src/methods/oath/totp.ts';

/**
 * In-process verification rate of the pure core (`verifyCode`: parse, window search, HMAC,
 * constant-time compare, replay decision) against the raw HMAC-SHA1 rate on the same machine in
 * the same run. Each check is a success one step after the last accepted one, the common case.
 */
export function measureInProcess(iterations: number): { verifyPerSecond: number; hmacPerSecond: number; ratio: number } {
  const key = randomBytes(20);
  const now = Date.now();
  const step = timeStep(now, 30);
  const code = hotp(key, step);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  // Warm up both paths.
  for (let i = 0; i < 20_000; i++) {
    createHmac('sha1', key).update(msg).digest();
    verifyCode({ key, params: { hash: 'hmacsha1', digits: 6, period: 30 }, code, nowMs: now, lastStep: step - 1, drift: 0 });
  }
  let t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) createHmac('sha1', key).update(msg).digest();
  const hmacNs = Number(process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  let ok = 0;
  for (let i = 0; i < iterations; i++)
    if (verifyCode({ key, params: { hash: 'hmacsha1', digits: 6, period: 30 }, code, nowMs: now, lastStep: step - 1, drift: 0 }).ok) ok++;
  const verifyNs = Number(process.hrtime.bigint() - t);
  if (ok !== iterations) throw new Error(`verifyCode refused a valid code (${ok}/${iterations})`);
  const hmacPerSecond = iterations / (hmacNs / 1e9);
  const verifyPerSecond = iterations / (verifyNs / 1e9);
  return { verifyPerSecond, hmacPerSecond, ratio: verifyPerSecond / hmacPerSecond };
}
