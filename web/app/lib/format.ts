import type { Locale } from '../i18n.ts';

const MICROS = 1_000_000n;

/** Micros (a decimal string, exact for any size) as an amount for people: grouped, up to 6 decimals, no trailing 0. */
export function formatMicros(locale: Locale, micros: string | bigint): string {
  const value = typeof micros === 'bigint' ? micros : BigInt(micros);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const format = new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-US');
  const decimal = format.formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
  const fraction = (abs % MICROS).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '−' : ''}${format.format(abs / MICROS)}${fraction ? `${decimal}${fraction}` : ''}`;
}

/** A date and time in the reader's language, in UTC (the server renders the same text the browser hydrates). */
export function formatWhen(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(new Date(iso));
}
