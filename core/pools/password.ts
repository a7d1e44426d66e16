import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt N=2^15, r=8, p=1: 32 MiB and tens of milliseconds per guess, on the libuv pool so the event loop stays free. */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** A slow, salted hash of a private pool's password, in the self-describing form `scrypt$N$r$p$salt$key`. */
export async function hashPoolPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash (parameters read from the hash, so they can be raised). */
export async function verifyPoolPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) throw new Error('unknown password hash format');
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** 8..128 characters: long enough to resist guessing within the attempt limits, short enough to type in chat. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < 8) return 'a pool password needs at least 8 characters';
  if (length > 128) return 'a pool password has at most 128 characters';
  return null;
}
