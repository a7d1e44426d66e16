import { err, ok, type Result } from '../errors.ts';

/** 1 unit of a pool's currency = 1,000,000 micros. */
export const MICROS_PER_UNIT = 1_000_000n;
const FRACTION_DIGITS = 6;

/** The largest amount a ledger column holds: PostgreSQL bigint. */
export const MAX_MICROS = 9_223_372_036_854_775_807n;

export type AmountError = 'INVALID_AMOUNT';

/**
 * Parses a decimal amount in units ("10.5", "0.000001", "1 000,25") into micros.
 * Rejects more than six decimals rather than rounding: money typed by a person is never silently changed.
 */
export function parseAmountToMicros(input: string): Result<bigint, AmountError> {
  const text = input
    .trim()
    .replace(/[\s\u00a0_]/g, '')
    .replace(',', '.');
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text) ?? /^()\.(\d+)$/.exec(text);
  if (!match) return err('INVALID_AMOUNT');
  const whole = match[1] || '0';
  const fraction = match[2] ?? '';
  if (fraction.length > FRACTION_DIGITS) return err('INVALID_AMOUNT');
  const micros = BigInt(whole) * MICROS_PER_UNIT + BigInt(fraction.padEnd(FRACTION_DIGITS, '0') || '0');
  if (micros <= 0n || micros > MAX_MICROS) return err('INVALID_AMOUNT');
  return ok(micros);
}

/** Parses the REST representation: a decimal string of integer micros ("1500000"). */
export function parseMicrosString(input: string): Result<bigint, AmountError> {
  if (!/^\d{1,19}$/.test(input)) return err('INVALID_AMOUNT');
  const micros = BigInt(input);
  if (micros <= 0n || micros > MAX_MICROS) return err('INVALID_AMOUNT');
  return ok(micros);
}

/** Formats micros as a plain decimal in units, trimming trailing zeros: 1500000n → "1.5". */
export function formatMicros(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / MICROS_PER_UNIT;
  const fraction = (abs % MICROS_PER_UNIT).toString().padStart(FRACTION_DIGITS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
