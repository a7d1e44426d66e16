import { err, ok, type Result } from '../errors.ts';

export const DESTINATION_KINDS = ['usdt_trc20', 'usdt_erc20', 'card', 'iban', 'paypal', 'other'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

const luhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
};

/** ISO 13616: move the country and check digits to the end, letters to numbers, and the number mod 97 is 1. */
const ibanValid = (iban: string): boolean => {
  const moved = `${iban.slice(4)}${iban.slice(0, 4)}`;
  let remainder = 0;
  for (const char of moved) {
    const value = /[A-Z]/.test(char) ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
};

/**
 * Checks a withdrawal destination for its kind and returns it normalized (spaces out, letters cased as the kind
 * writes them); the error is a short English detail for VALIDATION messages. It cannot prove an address exists —
 * only that it is shaped right and, where the format has one, that its checksum holds.
 */
export function parseDestination(kind: DestinationKind, input: string): Result<string, string> {
  const text = input.trim();
  switch (kind) {
    case 'usdt_trc20':
      return /^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(text)
        ? ok(text)
        : err('a TRON address starts with T and has 34 characters');
    case 'usdt_erc20':
      return /^0x[0-9a-fA-F]{40}$/.test(text) ? ok(text) : err('an Ethereum address is 0x and 40 hex digits');
    case 'card': {
      const digits = text.replace(/[\s-]/g, '');
      if (!/^\d{13,19}$/.test(digits)) return err('a card number has 13 to 19 digits');
      return luhn(digits) ? ok(digits) : err('that card number has a typo (its check digit is wrong)');
    }
    case 'iban': {
      const iban = text.replace(/\s/g, '').toUpperCase();
      if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban))
        return err('an IBAN is a country code, 2 digits and up to 30 more');
      return ibanValid(iban) ? ok(iban) : err('that IBAN has a typo (its check digits are wrong)');
    }
    case 'paypal':
      return /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/.test(text) && text.length <= 200
        ? ok(text.toLowerCase())
        : err('PayPal needs the e-mail address of the account');
    case 'other':
      return text.length >= 5 && text.length <= 200 ? ok(text) : err('payment details take 5 to 200 characters');
  }
}
