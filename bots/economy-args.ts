import { AppError } from '../core/errors.ts';
import { parseAmountToMicros } from '../core/money/amount.ts';
import { BotRefusal, expandId, personalPool, type CommandContext } from './command.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An id as typed or carried by a button: a UUID, the same without dashes, or a short code (#1a2b3c4d). */
function idForm(value: string): { id: string } | { code: string } | null {
  const text = value.trim().toLowerCase().replace(/^#/, '');
  if (UUID.test(text)) return { id: text };
  if (/^[0-9a-f]{32}$/.test(text)) return { id: expandId(text) };
  if (/^[0-9a-f]{8}$/.test(text)) return { code: text };
  return null;
}

/**
 * Resolves an offer, deal, dispute or withdrawal named in chat to its id: by id directly, or by short code within the
 * pool the command is about (the chat's pool, or the sender's pool in a private chat).
 */
export async function resolveId(
  ctx: CommandContext,
  table: 'offers' | 'deals' | 'disputes' | 'withdrawals',
  value: string | undefined,
  poolName?: string,
): Promise<string> {
  const form = value ? idForm(value) : null;
  const notFound = {
    offers: 'OFFER_NOT_FOUND',
    deals: 'DEAL_NOT_FOUND',
    disputes: 'DISPUTE_NOT_FOUND',
    withdrawals: 'WITHDRAWAL_NOT_FOUND',
  } as const;
  if (!form) throw new AppError(notFound[table]);
  if ('id' in form) return form.id;
  const { poolId } = await personalPool(ctx, poolName);
  const rows = await ctx.app.em.execute<{ id: string }[]>(
    `select id from ${table} where pool_id = ? and replace(id::text, '-', '') like ? limit 2`,
    [poolId, `%${form.code}`],
  );
  if (rows.length !== 1 || !rows[0]) throw new AppError(notFound[table]);
  return rows[0].id;
}

/** An amount typed in chat ("10", "10.5", "1 000,25"); a localized refusal otherwise. */
export function amountArg(value: string | undefined): bigint {
  const text = (value ?? '').trim();
  const parsed = parseAmountToMicros(text.replace(/[\s\u00a0]/g, '').replace(',', '.'));
  if (!parsed.ok || parsed.value <= 0n) throw new BotRefusal('amount-invalid', { input: text });
  return parsed.value;
}

/** A whole number typed in chat within bounds; VALIDATION_FAILED otherwise. */
export function wholeArg(name: string, value: string | undefined, min: number, max: number, fallback?: number): number {
  if ((value === undefined || value.trim() === '') && fallback !== undefined) return fallback;
  const number = Number(value?.trim());
  if (!Number.isInteger(number) || number < min || number > max)
    throw new AppError('VALIDATION_FAILED', `${name}: a whole number from ${min} to ${max}`);
  return number;
}
