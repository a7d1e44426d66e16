import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCodes } from '../core/errors.ts';
import { formatAmount, hasMessage, LOCALES, messageKeys, pickLocale, t } from './i18n.ts';
import { commands } from './commands/index.ts';

test('English and Russian have the same messages', () => {
  assert.deepEqual(messageKeys('ru').sort(), messageKeys('en').sort());
});

test('every business error code and every command description has a message in both languages', () => {
  for (const locale of LOCALES) {
    for (const code of Object.values(ErrorCodes))
      assert.ok(hasMessage(locale, `error-${code}`), `${locale}: error-${code}`);
    for (const def of commands) {
      assert.ok(hasMessage(locale, def.descriptionKey), `${locale}: ${def.descriptionKey}`);
      for (const sub of Object.values(def.subcommands ?? {})) {
        assert.ok(hasMessage(locale, sub.descriptionKey));
        for (const option of sub.options) assert.ok(hasMessage(locale, option.descriptionKey));
      }
      for (const option of def.options ?? []) assert.ok(hasMessage(locale, option.descriptionKey));
    }
  }
});

test('Russian plurals: one, few, many', () => {
  const machines = (used: number) => t('ru', 'machines', { used, limit: 25, base: 25, bonus: 0, bought: 0 });
  assert.match(machines(1), /^У вас 1 машина /);
  assert.match(machines(3), /^У вас 3 машины /);
  assert.match(machines(5), /^У вас 5 машин /);
  assert.match(machines(21), /^У вас 21 машина /);
  assert.match(machines(11), /^У вас 11 машин /);
});

test('amounts are exact and formatted per language', () => {
  assert.equal(formatAmount('en', 1_234_567_500_000n), '1,234,567.5');
  assert.equal(formatAmount('ru', 1_234_567_500_000n).replace(/\s/g, ' '), '1 234 567,5');
  assert.equal(formatAmount('en', 1n), '0.000001');
  assert.equal(formatAmount('en', 9_223_372_036_854_775_807n), '9,223,372,036,854.775807');
  assert.equal(formatAmount('en', -2_000_000n), '−2');
});

test('platform locales map to a supported language', () => {
  assert.equal(pickLocale('ru'), 'ru');
  assert.equal(pickLocale('ru-RU'), 'ru');
  assert.equal(pickLocale('en-GB'), 'en');
  assert.equal(pickLocale('de'), 'en');
  assert.equal(pickLocale(undefined), 'en');
});
