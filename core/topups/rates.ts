import { MICROS_PER_UNIT } from '../money/amount.ts';

export const PROVIDERS = ['stripe', 'nowpayments', 'stars'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What a provider is asked for: an amount in its own terms and currency. */
export interface ProviderQuote {
  /** Stripe: whole cents; Stars: whole Stars; NOWPayments: USDT as a decimal string with up to 6 decimals. */
  providerAmount: string;
  providerCurrency: 'usd' | 'XTR' | 'usdttrc20';
}

/**
 * Rounding, named once: the member is asked for the provider amount rounded UP (they never pay less than what they
 * asked to receive), and is credited what they actually paid converted at the recorded rate, rounded DOWN (the
 * platform never credits more than it received). `rateMicros` is pool micros per provider unit (1 USD, 1 USDT, 1 Star).
 */
export const TOPUP_ROUNDING = 'ask-up-credit-down' as const;

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

export function quote(provider: Provider, amountMicros: bigint, rateMicros: number): ProviderQuote {
  const rate = BigInt(rateMicros);
  switch (provider) {
    case 'stripe':
      return { providerAmount: ceilDiv(amountMicros * 100n, rate).toString(), providerCurrency: 'usd' };
    case 'stars':
      return { providerAmount: ceilDiv(amountMicros, rate).toString(), providerCurrency: 'XTR' };
    case 'nowpayments':
      return {
        providerAmount: formatDecimal6(ceilDiv(amountMicros * MICROS_PER_UNIT, rate)),
        providerCurrency: 'usdttrc20',
      };
  }
}

/** Pool micros for a paid provider amount (in the quote's terms), rounded down; null when it is not a valid amount. */
export function creditFor(provider: Provider, paid: string, rateMicros: number): bigint | null {
  const rate = BigInt(rateMicros);
  if (provider === 'nowpayments') {
    const units = parseDecimal6(paid);
    return units === null ? null : (units * rate) / MICROS_PER_UNIT;
  }
  if (!/^[0-9]{1,19}$/.test(paid)) return null;
  const whole = BigInt(paid);
  return provider === 'stripe' ? (whole * rate) / 100n : whole * rate;
}

/** "12.5" → 12_500_000 millionths; digits past the sixth are dropped (rounded down); null when not a decimal. */
export function parseDecimal6(text: string): bigint | null {
  const match = /^([0-9]{1,19})(?:\.([0-9]+))?$/.exec(text.trim());
  if (!match?.[1]) return null;
  const fraction = (match[2] ?? '').slice(0, 6).padEnd(6, '0');
  return BigInt(match[1]) * MICROS_PER_UNIT + BigInt(fraction);
}

export function formatDecimal6(millionths: bigint): string {
  const fraction = (millionths % MICROS_PER_UNIT).toString().padStart(6, '0').replace(/0+$/, '');
  return `${millionths / MICROS_PER_UNIT}${fraction ? `.${fraction}` : ''}`;
}
