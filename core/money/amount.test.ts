import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatMicros, MAX_MICROS, MICROS_PER_UNIT, parseAmountToMicros, parseMicrosString } from './amount.ts';

describe('parseAmountToMicros', () => {
  const accepted: [string, bigint][] = [
    ['10.5', 10_500_000n],
    ['0.000001', 1n],
    ['1', 1_000_000n],
    ['1 000,25', 1_000_250_000n],
    ['1\u00a0000', 1_000_000_000n],
    ['1_000', 1_000_000_000n],
    ['  7  ', 7_000_000n],
    ['.5', 500_000n],
    ['5.', 5_000_000n],
    ['007.010', 7_010_000n],
    ['9223372036854.775807', MAX_MICROS],
  ];
  for (const [input, micros] of accepted) {
    test(`reads ${JSON.stringify(input)} as ${micros} micros`, () => {
      assert.deepEqual(parseAmountToMicros(input), { ok: true, value: micros });
    });
  }

  const rejected = [
    '',
    ' ',
    '.',
    '0',
    '0.0',
    '0.000000',
    '-1',
    '+1',
    '1.0000001',
    '0.0000001',
    'abc',
    '1e3',
    '1.2.3',
    '1,000.25',
    '1,2,3',
    '0x10',
    'Infinity',
    'NaN',
    '9223372036854.775808',
    '99999999999999999999',
  ];
  for (const input of rejected) {
    test(`rejects ${JSON.stringify(input)} without rounding`, () => {
      assert.deepEqual(parseAmountToMicros(input), { ok: false, error: 'INVALID_AMOUNT' });
    });
  }

  test('round-trips every amount the ledger can hold through formatMicros', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_MICROS }), (micros) => {
        assert.deepEqual(parseAmountToMicros(formatMicros(micros)), { ok: true, value: micros });
      }),
    );
  });

  test('never rounds: seven decimals are refused whatever the digits', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 9 }), (whole, seventh) => {
        assert.equal(parseAmountToMicros(`${whole}.000000${seventh}`).ok, false);
      }),
    );
  });
});

describe('parseMicrosString', () => {
  test('reads integer micros', () => {
    assert.deepEqual(parseMicrosString('1500000'), { ok: true, value: 1_500_000n });
    assert.deepEqual(parseMicrosString('1'), { ok: true, value: 1n });
    assert.deepEqual(parseMicrosString('0001'), { ok: true, value: 1n });
    assert.deepEqual(parseMicrosString(MAX_MICROS.toString()), { ok: true, value: MAX_MICROS });
  });

  for (const input of [
    '',
    '0',
    '000',
    '-1',
    '+1',
    '1.5',
    ' 1',
    '1 ',
    '1e6',
    '9223372036854775808',
    '10000000000000000000',
    '12345678901234567890',
  ]) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parseMicrosString(input), { ok: false, error: 'INVALID_AMOUNT' });
    });
  }

  test('round-trips String(micros) for every storable amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_MICROS }), (micros) => {
        assert.deepEqual(parseMicrosString(micros.toString()), { ok: true, value: micros });
      }),
    );
  });
});

describe('formatMicros', () => {
  const cases: [bigint, string][] = [
    [0n, '0'],
    [1n, '0.000001'],
    [10n, '0.00001'],
    [500_000n, '0.5'],
    [1_000_000n, '1'],
    [1_500_000n, '1.5'],
    [1_000_250_000n, '1000.25'],
    [-1n, '-0.000001'],
    [-1_500_000n, '-1.5'],
    [MAX_MICROS, '9223372036854.775807'],
  ];
  for (const [micros, text] of cases) {
    test(`formats ${micros} as ${text}`, () => {
      assert.equal(formatMicros(micros), text);
    });
  }

  test('never ends in a trailing zero after the point, and negation only adds a sign', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_MICROS }), (micros) => {
        const text = formatMicros(micros);
        assert.doesNotMatch(text, /\.\d*0$|\.$/);
        assert.equal(formatMicros(-micros), `-${text}`);
        const [whole] = text.split('.');
        assert.equal(BigInt(whole ?? ''), micros / MICROS_PER_UNIT);
      }),
    );
  });
});
