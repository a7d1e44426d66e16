import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import { ErrorCodes, type ErrorCode } from '../core/errors.ts';
import { MICROS_PER_UNIT } from '../core/money/amount.ts';

import { LOCALES, type Locale } from '../lib/locales.ts';

export { LOCALES, type Locale };

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'locales');

/** Every `.ftl` file of a language (bot.ftl, economy.ftl…), in name order. */
function localeFiles(locale: Locale): { name: string; text: string }[] {
  const dir = path.join(root, locale);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.ftl'))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
}

function load(locale: Locale): FluentBundle {
  // Numbers reach messages already formatted (see formatAmount); isolation marks would show up in chat clients.
  const bundle = new FluentBundle(locale, { useIsolating: false });
  for (const file of localeFiles(locale)) {
    // A key defined twice across files is a bug, not an override.
    const errors = bundle.addResource(new FluentResource(file.text));
    if (errors.length > 0)
      throw new Error(`locales/${locale}/${file.name}: ${errors.map((e) => e.message).join('; ')}`);
  }
  return bundle;
}

const bundles: Record<Locale, FluentBundle> = { en: load('en'), ru: load('ru') };

/** The closest supported language for a platform's locale tag ('ru', 'ru-RU', 'en-GB'…); English otherwise. */
export function pickLocale(tag: string | null | undefined): Locale {
  return tag?.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export type Args = Record<string, FluentVariable>;

/** A message in the given language; a missing message is a bug (the locale tests check every key exists in both). */
export function t(locale: Locale, key: string, args: Args = {}): string {
  const bundle = bundles[locale];
  const message = bundle.getMessage(key);
  if (!message?.value) throw new Error(`missing message ${key} in ${locale}`);
  const errors: Error[] = [];
  const text = bundle.formatPattern(message.value, args, errors);
  if (errors.length > 0) throw new Error(`message ${key} in ${locale}: ${errors.map((e) => e.message).join('; ')}`);
  return text;
}

export function hasMessage(locale: Locale, key: string): boolean {
  return bundles[locale].hasMessage(key);
}

/** An amount of micros for people: grouped per locale, up to 6 decimals, no trailing zeros, exact for any bigint. */
export function formatAmount(locale: Locale, micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const units = abs / MICROS_PER_UNIT;
  const fraction = (abs % MICROS_PER_UNIT).toString().padStart(6, '0').replace(/0+$/, '');
  const format = new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-US');
  const decimal = format.formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
  return `${negative ? '−' : ''}${format.format(units)}${fraction ? `${decimal}${fraction}` : ''}`;
}

/** The message for a business error, with its details (retryAfterSeconds, limit, detail) as arguments. */
export function errorMessage(
  locale: Locale,
  code: ErrorCode,
  details: Record<string, unknown> = {},
  detail = '',
): string {
  const args: Args = { detail };
  for (const [name, value] of Object.entries(details))
    if (typeof value === 'string' || typeof value === 'number') args[name] = value;
  return t(locale, `error-${code}`, args);
}

/** Every key of the English file, to check the Russian one has the same (test/bots.locales.test.ts). */
export function messageKeys(locale: Locale): string[] {
  return localeFiles(locale).flatMap((file) =>
    [...file.text.matchAll(/^([a-zA-Z][\w-]*) =/gm)].map((match) => match[1] as string),
  );
}

export const ALL_ERROR_CODES = Object.values(ErrorCodes);
