/**
 * Splitting money. Every split goes through `allocate`, whose rounding rule is named here once:
 *
 * LARGEST_REMAINDER (Hamilton): each share gets floor(total × weight / Σweights); the micros left over go one each
 * to the shares with the largest fractional remainders, ties to the earlier share. Σ shares = total, always.
 */
export const ROUNDING_RULE = 'largest-remainder' as const;

export const BPS_DENOMINATOR = 10_000n;

export function allocate(totalMicros: bigint, weights: readonly bigint[]): bigint[] {
  if (totalMicros < 0n) throw new RangeError('allocate: total must not be negative');
  if (weights.length === 0) throw new RangeError('allocate: at least one weight');
  if (weights.some((weight) => weight < 0n)) throw new RangeError('allocate: weights must not be negative');
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0n);
  if (weightSum === 0n) throw new RangeError('allocate: weights must not all be zero');

  const shares = weights.map((weight) => (totalMicros * weight) / weightSum);
  const remainders = weights.map((weight, index) => ({ index, remainder: (totalMicros * weight) % weightSum }));
  let leftover = totalMicros - shares.reduce((sum, share) => sum + share, 0n);
  // leftover < weights.length because each floor loses less than one micro.
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (leftover === 0n) break;
    shares[index] = (shares[index] ?? 0n) + 1n;
    leftover -= 1n;
  }
  const total = shares.reduce((sum, share) => sum + share, 0n);
  if (total !== totalMicros) throw new Error(`allocate: lost ${totalMicros - total} micros`);
  return shares;
}

/**
 * Splits a gross amount into net and fee at a rate in basis points (1000 = 10%), by `allocate`'s rule with the net
 * share first: a tie goes to the payee, so below a 100% rate the fee never takes the whole amount.
 */
export function splitFee(grossMicros: bigint, feeBps: number): { feeMicros: bigint; netMicros: bigint } {
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > 10_000) throw new RangeError('feeBps must be 0..10000');
  const bps = BigInt(feeBps);
  const [netMicros = 0n, feeMicros = 0n] = allocate(grossMicros, [BPS_DENOMINATOR - bps, bps]);
  return { feeMicros, netMicros };
}
