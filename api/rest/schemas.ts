import { z } from 'zod';
import { AppError } from '../../core/errors.ts';

const MAX_MICROS = 9_223_372_036_854_775_807n;

/** A UUID in a path, query or body (any case; stored lower-case). */
export const Uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a UUID')
  .transform((value) => value.toLowerCase())
  .meta({ format: 'uuid', example: '0193a5c2-7a51-7c3e-9a43-2f9a8e6b1d20' });

/**
 * An amount in: a decimal string of positive integer micros (1 unit = 1,000,000 micros), because JSON numbers cannot
 * carry 64-bit integers. No sign, no decimals, no leading zeros, at most the ledger's largest amount.
 */
export const MicrosIn = z
  .string()
  .regex(/^[1-9][0-9]{0,18}$/, 'must be a positive whole number of micros as a string, e.g. "1500000" for 1.5')
  .transform((value, ctx) => {
    const micros = BigInt(value);
    if (micros > MAX_MICROS) {
      ctx.addIssue({ code: 'custom', message: 'is larger than the ledger stores' });
      return z.NEVER;
    }
    return micros;
  })
  .meta({ description: 'Integer micros as a decimal string (1 unit = 1000000).', example: '1500000' });

/** An amount out: a decimal string of integer micros. */
export const MicrosOut = z
  .string()
  .regex(/^-?[0-9]+$/)
  .meta({ description: 'Integer micros as a decimal string (1 unit = 1000000).', example: '1500000' });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
  })
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details with a stable `code`.' });

/** Cursor pagination: `cursor` from the previous page's `nextCursor`, `limit` 1..100 (50 by default). */
export const CursorQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

/** Cursors are opaque to clients: the position (an id) in base64url, so nobody builds them by hand. */
export const encodeCursor = (id: string): string => Buffer.from(`v1:${id}`).toString('base64url');

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith('v1:') ? decoded.slice(3) : '';
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))
    throw new AppError('VALIDATION_FAILED', 'cursor is not one this API gave out', {
      errors: [{ path: 'query.cursor', message: 'unknown cursor' }],
    });
  return id;
}
