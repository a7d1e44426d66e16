import { defineEntity, p } from '@mikro-orm/core';

/**
 * MikroORM mappings of the tables that db/migrations creates. The ledger's write path goes through the engine and
 * db/ledger-store.ts; these mappings serve reads and the other domains (users, tokens, pools).
 */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    displayName: p.text(),
    isGlobalAdmin: p.boolean().default(false),
    locale: p.enum(['en', 'ru']).default('en'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export const PersonalAccessToken = defineEntity({
  name: 'PersonalAccessToken',
  tableName: 'personal_access_tokens',
  properties: {
    id: p.uuid().primary(),
    user: () => p.manyToOne(User),
    name: p.text(),
    /** sha256 of the secret; the secret itself is shown once and never stored. */
    tokenHash: p.text().unique(),
    scopes: p.array().default([]),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export const Pool = defineEntity({
  name: 'Pool',
  tableName: 'pools',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    type: p.enum(['public', 'private', 'premium']),
    currency: p.text().default('PRC'),
    owner: () => p.manyToOne(User).fieldName('owner_user_id'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export const LedgerAccount = defineEntity({
  name: 'LedgerAccount',
  tableName: 'ledger_accounts',
  readonly: true,
  properties: {
    id: p.uuid().primary(),
    poolId: p.uuid().nullable(),
    currency: p.text(),
    kind: p.enum(['member', 'treasury', 'escrow', 'platform_fee', 'custodial', 'external']),
    userId: p.uuid().nullable(),
    noOverdraft: p.boolean(),
    debitsPending: p.bigint(),
    debitsPosted: p.bigint(),
    creditsPending: p.bigint(),
    creditsPosted: p.bigint(),
    createdAt: p.datetime(),
  },
});

export const OutboxEvent = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_events',
  properties: {
    id: p.bigint('string').primary().autoincrement(),
    type: p.text(),
    poolId: p.uuid().nullable(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    publishedAt: p.datetime().nullable(),
  },
});

export const entities = [User, PersonalAccessToken, Pool, LedgerAccount, OutboxEvent];
