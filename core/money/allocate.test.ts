import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate, BPS_DENOMINATOR, ROUNDING_RULE, splitFee } from './allocate.ts';

const sum = (values: readonly bigint[]) => values.reduce((total, value) => total + value, 0n);
const abs = (value: bigint) => (value < 0n ? -value : value);

/** Weights with at least one positive: zeros are allowed, as a reward split gives nothing to members without work. */
const weightsArb = fc
  .array(fc.bigInt({ min: 0n, max: 1_000_000_000n }), { minLength: 1, maxLength: 12 })
  .filter((weights) => weights.some((weight) => weight > 0n));
const totalArb = fc.oneof(fc.bigInt({ min: 0n, max: 1_000n }), fc.bigInt({ min: 0n, max: 9_223_372_036_854_775_807n }));

describe('allocate', () => {
  test('names its rounding rule', () => {
    assert.equal(ROUNDING_RULE, 'largest-remainder');
  });

  test('gives the left-over micros to the largest remainders, ties to the earlier share', () => {
    assert.deepEqual(allocate(100n, [1n, 1n, 1n]), [34n, 33n, 33n]);
    assert.deepEqual(allocate(5n, [1n, 1n]), [3n, 2n]);
    assert.deepEqual(allocate(2n, [1n, 1n, 1n]), [1n, 1n, 0n]);
    // 10 × [1, 2, 7] / 10 is exact.
    assert.deepEqual(allocate(10n, [1n, 2n, 7n]), [1n, 2n, 7n]);
    // 7 × [1, 3] / 4 = [1.75, 5.25]: floors [1, 5], the one left goes to the first (remainder .75 > .25).
    assert.deepEqual(allocate(7n, [1n, 3n]), [2n, 5n]);
    // 7 × [3, 1] / 4 = [5.25, 1.75]: the later share has the larger remainder and wins it.
    assert.deepEqual(allocate(7n, [3n, 1n]), [5n, 2n]);
    assert.deepEqual(allocate(0n, [1n, 2n]), [0n, 0n]);
    assert.deepEqual(allocate(9n, [0n, 1n, 0n]), [0n, 9n, 0n]);
    assert.deepEqual(allocate(1n, [5n]), [1n]);
  });

  test('refuses inputs it cannot split', () => {
    assert.throws(() => allocate(-1n, [1n]), RangeError);
    assert.throws(() => allocate(1n, []), RangeError);
    assert.throws(() => allocate(1n, [1n, -1n]), RangeError);
    assert.throws(() => allocate(1n, [0n, 0n]), RangeError);
  });

  test('property: shares sum to the total, each within one micro of its exact proportion, order stable', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, (total, weights) => {
        const shares = allocate(total, weights);
        const weightSum = sum(weights);
        assert.equal(shares.length, weights.length);
        assert.equal(sum(shares), total);
        shares.forEach((share, i) => {
          const weight = weights[i] ?? 0n;
          // |share − total·w/W| < 1  ⇔  |share·W − total·w| < W; largest remainder gives floor or floor + 1.
          assert.ok(abs(share * weightSum - total * weight) < weightSum, `share ${i} too far from its proportion`);
          assert.ok(share >= (total * weight) / weightSum);
          if (weight === 0n) assert.equal(share, 0n);
        });
        // Order stable: the same input gives the same output, a larger weight never gets a smaller share, and of
        // equal weights the earlier one gets the extra micro (never the later).
        assert.deepEqual(allocate(total, weights), shares);
        for (let i = 0; i < weights.length; i += 1) {
          for (let j = i + 1; j < weights.length; j += 1) {
            const [wi, wj, si, sj] = [weights[i] ?? 0n, weights[j] ?? 0n, shares[i] ?? 0n, shares[j] ?? 0n];
            if (wi > wj) assert.ok(si >= sj);
            if (wi < wj) assert.ok(si <= sj);
            if (wi === wj) assert.ok(si - sj === 0n || si - sj === 1n, `equal weights ${i} < ${j}: ${si} vs ${sj}`);
          }
        }
      }),
    );
  });

  test('property: scaling every weight by the same factor changes nothing', () => {
    fc.assert(
      fc.property(totalArb, weightsArb, fc.bigInt({ min: 2n, max: 1000n }), (total, weights, factor) => {
        assert.deepEqual(
          allocate(
            total,
            weights.map((weight) => weight * factor),
          ),
          allocate(total, weights),
        );
      }),
    );
  });
});

describe('splitFee', () => {
  test('takes the rate in basis points from the gross', () => {
    assert.deepEqual(splitFee(1_500_000n, 1000), { feeMicros: 150_000n, netMicros: 1_350_000n });
    assert.deepEqual(splitFee(1_000_000n, 0), { feeMicros: 0n, netMicros: 1_000_000n });
    assert.deepEqual(splitFee(1_000_000n, 10_000), { feeMicros: 1_000_000n, netMicros: 0n });
    // 5 × 10% = 0.5: a tie of remainders goes to the earlier share, which is the payee's net.
    assert.deepEqual(splitFee(5n, 1000), { feeMicros: 0n, netMicros: 5n });
    // 1 × 50% = 0.5: the payee keeps the micro, so below 100% the fee never takes the whole amount.
    assert.deepEqual(splitFee(1n, 5000), { feeMicros: 0n, netMicros: 1n });
    // 1 × 10% = 0.1: the net keeps the micro.
    assert.deepEqual(splitFee(1n, 1000), { feeMicros: 0n, netMicros: 1n });
    assert.deepEqual(splitFee(0n, 1000), { feeMicros: 0n, netMicros: 0n });
  });

  test('refuses a rate outside 0..10000 or not a whole number of basis points', () => {
    for (const bps of [-1, 10_001, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => splitFee(100n, bps), RangeError, `feeBps ${bps}`);
    }
  });

  test('property: fee + net = gross, and the fee is gross × rate rounded half down', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 10_000 }), (gross, bps) => {
        const { feeMicros, netMicros } = splitFee(gross, bps);
        assert.equal(feeMicros + netMicros, gross);
        // Half down: the largest integer f with f − gross × rate < 1/2, i.e. ceil(gross × rate − 1/2).
        const twice = 2n * gross * BigInt(bps);
        const expected = (twice - BPS_DENOMINATOR + 2n * BPS_DENOMINATOR - 1n) / (2n * BPS_DENOMINATOR);
        assert.equal(feeMicros, expected < 0n ? 0n : expected);
        assert.ok(feeMicros >= 0n && netMicros >= 0n);
        if (bps <= 5_000 && gross > 0n) assert.ok(netMicros > 0n, 'up to 50% the payee always gets something');
      }),
    );
  });
});
