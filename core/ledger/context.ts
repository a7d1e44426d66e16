import type { LedgerEngine } from './engine.ts';
import type { LedgerStore } from './store.ts';
import type { Account } from './types.ts';

/** What the ledger use cases need: the group-commit engine for writes and the store for reads. */
export interface LedgerContext {
  engine: LedgerEngine;
  store: LedgerStore;
}

export interface PlatformAccounts {
  fee: Account;
  custodial: Account;
  external: Account;
}

const platformCache = new WeakMap<LedgerContext, Map<string, Promise<PlatformAccounts>>>();

/** The platform's fee, custodial-wallet and outside-world accounts of a currency, opened on first use. */
export function platformAccounts(ctx: LedgerContext, currency: string): Promise<PlatformAccounts> {
  let byCurrency = platformCache.get(ctx);
  if (!byCurrency) platformCache.set(ctx, (byCurrency = new Map<string, Promise<PlatformAccounts>>()));
  let accounts = byCurrency.get(currency);
  if (!accounts) {
    const open = (kind: 'platform_fee' | 'custodial' | 'external') =>
      ctx.store.openAccount({ poolId: null, currency, kind, userId: null });
    accounts = Promise.all([open('platform_fee'), open('custodial'), open('external')]).then(
      ([fee, custodial, external]) => ({ fee, custodial, external }),
    );
    accounts.catch(() => byCurrency.delete(currency));
    byCurrency.set(currency, accounts);
  }
  return accounts;
}
