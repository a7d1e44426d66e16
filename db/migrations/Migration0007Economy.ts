import { Migration } from '@mikro-orm/migrations';

/**
 * The pool economy: offers and deals (escrow by holds), off-platform withdrawals, disputes with officers' votes,
 * contributions and reward distributions, anti-fraud flags. Money never lives in these tables: they name the ledger
 * holds and transfers that carry it, and each saga step is recorded before and after the ledger moves.
 */
export class Migration0007Economy extends Migration {
  override up(): void {
    this.addSql(`
alter table pools
  add column owner_cut_bps integer not null default 0 check (owner_cut_bps between 0 and 5000),
  add column membership_fee_micros bigint check (membership_fee_micros > 0),
  add column min_seller_rating smallint not null default 0 check (min_seller_rating between 0 and 100),
  add column min_buyer_reliability smallint not null default 0 check (min_buyer_reliability between 0 and 100),
  add column min_payout_reliability smallint not null default 0 check (min_payout_reliability between 0 and 100);

create table offers (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  seller_user_id uuid not null references users(id),
  kind text not null check (kind in ('compute_time', 'gameboost_slot', 'private_access', 'cosmetic')),
  title text not null check (length(title) between 1 and 120),
  description text not null default '' check (length(description) <= 1000),
  machine_id uuid references machines(id),
  target_pool_id uuid references pools(id),
  price_micros bigint not null check (price_micros > 0),
  -- null: unlimited; otherwise units left to sell (hours for time offers, items otherwise).
  quantity_left integer check (quantity_left >= 0),
  status text not null default 'active' check (status in ('active', 'paused', 'closed')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((kind in ('compute_time', 'gameboost_slot')) = (machine_id is not null)),
  check ((kind = 'private_access') = (target_pool_id is not null))
);
create index offers_browse on offers (pool_id, status, kind, price_micros);

create table deals (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  offer_id uuid not null references offers(id),
  buyer_user_id uuid not null references users(id),
  seller_user_id uuid not null references users(id),
  kind text not null,
  quantity integer not null check (quantity between 1 and 1000),
  unit_price_micros bigint not null check (unit_price_micros > 0),
  total_micros bigint not null check (total_micros > 0),
  -- reserving → reserved → delivered → completed; or failed (no money moved), cancelled/expired (hold voided),
  -- disputed (money frozen in the pool's escrow until the dispute settles).
  status text not null check (status in ('reserving', 'failed', 'reserved', 'delivered', 'completed', 'cancelled',
                                         'expired', 'disputed', 'settled_by_dispute')),
  ledger_key text not null unique,
  hold_id uuid,
  fee_micros bigint,
  owner_cut_micros bigint,
  settlement_transfer_ids uuid[] not null default '{}',
  delivered_at timestamptz,
  -- When a delivered deal completes by itself if nobody disputes it.
  completes_at timestamptz,
  closed_at timestamptz,
  created_at timestamptz not null default now()
);
create index deals_buyer on deals (pool_id, buyer_user_id, created_at);
create index deals_seller on deals (pool_id, seller_user_id, created_at);
create index deals_due on deals (completes_at) where status = 'delivered';
create index deals_open on deals (created_at) where status in ('reserving', 'reserved');

create table withdrawals (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  amount_micros bigint not null check (amount_micros > 0),
  destination_kind text not null,
  destination text not null check (length(destination) between 1 and 200),
  -- requesting → requested → confirmed → completed; or failed (no hold), rejected / expired (hold voided).
  status text not null check (status in ('requesting', 'failed', 'requested', 'confirmed', 'completed', 'rejected',
                                         'expired')),
  ledger_key text not null unique,
  hold_id uuid,
  prompt_id uuid references prompts(id),
  reference text check (length(reference) between 1 and 200),
  completed_by uuid references users(id),
  requested_at timestamptz not null default now(),
  confirmed_at timestamptz,
  closed_at timestamptz
);
create index withdrawals_member on withdrawals (pool_id, user_id, requested_at);
create index withdrawals_open on withdrawals (requested_at) where status in ('requesting', 'requested', 'confirmed');

create table disputes (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  deal_id uuid not null unique references deals(id),
  opened_by uuid not null references users(id),
  -- open (money frozen in escrow) → resolved (a quorum agreed) → completed (the settlement posted).
  status text not null check (status in ('opening', 'open', 'resolved', 'completed')),
  escrow_key text not null unique,
  outcome text check (outcome in ('refund_full', 'refund_partial', 'payout')),
  refund_micros bigint check (refund_micros >= 0),
  settlement_transfer_ids uuid[] not null default '{}',
  evidence jsonb not null default '{}',
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  completed_at timestamptz
);

create table dispute_statements (
  id uuid primary key,
  dispute_id uuid not null references disputes(id),
  user_id uuid not null references users(id),
  text text not null check (length(text) between 1 and 2000),
  created_at timestamptz not null default now()
);
create index dispute_statements_dispute on dispute_statements (dispute_id, created_at);

create table dispute_votes (
  dispute_id uuid not null references disputes(id),
  user_id uuid not null references users(id),
  outcome text not null check (outcome in ('refund_full', 'refund_partial', 'payout')),
  refund_micros bigint check (refund_micros >= 0),
  created_at timestamptz not null default now(),
  primary key (dispute_id, user_id)
);

create table contributions (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  machine_id uuid references machines(id),
  units bigint not null check (units > 0),
  work_kind text not null default 'work' check (length(work_kind) between 1 and 40),
  -- 'owner' until the jobs issue lands; 'verified' for work the platform checked itself.
  source text not null check (source in ('owner', 'verified')),
  worked_at timestamptz not null,
  recorded_by uuid not null references users(id),
  idempotency_key text not null unique,
  created_at timestamptz not null default now()
);
create index contributions_window on contributions (pool_id, worked_at);

create table rewards (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  amount_micros bigint not null check (amount_micros > 0),
  window_start timestamptz not null,
  window_end timestamptz not null check (window_end > window_start),
  source text not null check (source in ('treasury', 'external')),
  reference text,
  -- distributing → held (every share is a hold) → released; or failed / cancelled (holds voided, money back).
  status text not null check (status in ('distributing', 'failed', 'held', 'released', 'cancelled')),
  ledger_key text not null unique,
  -- Held until then so the owner can still cancel when the window's work turns out bad; released after by the job.
  release_at timestamptz not null,
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  closed_at timestamptz
);
create index rewards_due on rewards (release_at) where status = 'held';

create table reward_shares (
  reward_id uuid not null references rewards(id),
  user_id uuid not null references users(id),
  units bigint not null,
  amount_micros bigint not null check (amount_micros > 0),
  hold_id uuid,
  primary key (reward_id, user_id)
);

create table membership_fee_charges (
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  period text not null check (length(period) between 1 and 20),
  status text not null check (status in ('paid', 'unpaid')),
  amount_micros bigint not null,
  created_at timestamptz not null default now(),
  primary key (pool_id, user_id, period)
);

create table fraud_flags (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  kind text not null check (kind in ('round_trip', 'trade_cycle', 'shared_hwid', 'shared_ip')),
  user_ids uuid[] not null,
  -- The same suspicion is flagged once: the kind and the sorted users.
  fingerprint text not null,
  evidence jsonb not null,
  status text not null default 'open' check (status in ('open', 'dismissed', 'confirmed')),
  created_at timestamptz not null default now(),
  unique (pool_id, fingerprint)
);
create index fraud_flags_open on fraud_flags (created_at) where status = 'open';

-- Where people were seen from, as keyed hashes: lets anti-fraud notice two accounts behind one address.
create table user_sightings (
  user_id uuid not null references users(id),
  ip_hash text not null,
  last_seen_at timestamptz not null default now(),
  primary key (user_id, ip_hash)
);
create index user_sightings_ip on user_sightings (ip_hash);
`);
  }

  override down(): void {
    this.addSql(`
drop table user_sightings, fraud_flags, membership_fee_charges, reward_shares, rewards, contributions,
  dispute_votes, dispute_statements, disputes, withdrawals, deals, offers;
alter table pools drop column owner_cut_bps, drop column membership_fee_micros, drop column min_seller_rating,
  drop column min_buyer_reliability, drop column min_payout_reliability;`);
  }
}
