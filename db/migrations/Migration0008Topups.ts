import { Migration } from '@mikro-orm/migrations';

/**
 * Money in: a top-up is created when a member asks to pay, carries the rate that converts the provider's amount into
 * pool micros, and is credited once, on the provider's confirmed event. Every provider event is stored by its id
 * before it is acted on, so a redelivery changes nothing.
 */
export class Migration0008Topups extends Migration {
  override up(): void {
    this.addSql(`
create table topups (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  provider text not null check (provider in ('stripe', 'nowpayments', 'stars')),
  -- pending → confirming → credited; or failed, expired, review (amounts disagree: a person looks), refunded.
  status text not null check (status in ('pending', 'confirming', 'credited', 'failed', 'expired', 'review', 'refunded')),
  amount_micros bigint not null check (amount_micros > 0),
  -- What the provider is asked for, in its smallest unit (cents, Stars) or as a decimal (USDT), and its currency.
  provider_amount text not null,
  provider_currency text not null,
  -- Pool micros per provider unit (1 USD, 1 USDT, 1 Star), fixed when the top-up was created.
  rate_micros integer not null check (rate_micros > 0),
  provider_ref text,
  provider_status text,
  pay_url text,
  paid_amount text,
  credited_micros bigint,
  credited_transfer_ids uuid[] not null default '{}',
  idempotency_key text not null unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (provider, provider_ref)
);
create index topups_open on topups (created_at) where status in ('pending', 'confirming');
create index topups_member on topups (pool_id, user_id, created_at);

create table provider_events (
  provider text not null,
  event_id text not null,
  topup_id uuid references topups(id),
  type text not null,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  primary key (provider, event_id)
);
`);
  }

  override down(): void {
    this.addSql('drop table provider_events, topups;');
  }
}
