import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { creditFor, parseDecimal6, quote } from './rates.ts';

test('quotes round up, credits round down, at the recorded rate', () => {
  // 1 USD = 1 unit: 10.005 units cost 1001 cents, which credit 10.01 units.
  assert.deepEqual(quote('stripe', 10_005_000n, 1_000_000), { providerAmount: '1001', providerCurrency: 'usd' });
  assert.equal(creditFor('stripe', '1001', 1_000_000), 10_010_000n);
  // 1 Star = 0.013 units: 1 unit costs 77 Stars, which credit 1.001 units.
  assert.deepEqual(quote('stars', 1_000_000n, 13_000), { providerAmount: '77', providerCurrency: 'XTR' });
  assert.equal(creditFor('stars', '77', 13_000), 1_001_000n);
  assert.deepEqual(quote('nowpayments', 5_000_000n, 1_000_000), { providerAmount: '5', providerCurrency: 'usdttrc20' });
  assert.equal(creditFor('nowpayments', '4.9999999', 1_000_000), 4_999_999n);
  assert.equal(creditFor('nowpayments', 'abc', 1_000_000), null);
  assert.equal(parseDecimal6('0.1'), 100_000n);
});

test('what a member pays always credits at least what they asked for', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('stripe' as const, 'stars' as const, 'nowpayments' as const),
      fc.bigInt({ min: 1n, max: 10n ** 15n }),
      fc.integer({ min: 1, max: 100_000_000 }),
      (provider, amount, rate) => {
        const asked = quote(provider, amount, rate);
        const credited = creditFor(provider, asked.providerAmount, rate);
        assert.ok(credited !== null && credited >= amount, `${provider} ${amount} at ${rate}: ${credited}`);
      },
    ),
  );
});
