import { Migration } from '@mikro-orm/migrations';

/**
 * Users, access tokens, pools (the first slice: later issues add settings) and the ledger.
 * The ledger tables that hold history (transfers, checkpoints) refuse UPDATE, DELETE and TRUNCATE in a trigger:
 * corrections are reversing transfers. Account totals are a projection of the transfers, kept in the same
 * transaction and recomputable by verification.
 */
export class Migration0001Foundation extends Migration {
  override up(): void {
    this.addSql(`
create table users (
  id uuid primary key,
  display_name text not null check (length(display_name) between 1 and 100),
  is_global_admin boolean not null default false,
  locale text not null default 'en' check (locale in ('en', 'ru')),
  created_at timestamptz not null default now()
);
-- The first user ever is the Global Admin, and there is one.
create unique index users_one_global_admin on users ((true)) where is_global_admin;
create unique index users_display_name on users (lower(display_name));

create table personal_access_tokens (
  id uuid primary key,
  user_id uuid not null references users(id),
  name text not null,
  token_hash text not null unique,
  scopes text[] not null default '{}',
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index personal_access_tokens_user on personal_access_tokens (user_id);

create table pools (
  id uuid primary key,
  name text not null check (length(name) between 1 and 100),
  type text not null check (type in ('public', 'private', 'premium')),
  currency text not null default 'PRC' check (currency ~ '^[A-Z0-9]{2,12}$'),
  owner_user_id uuid not null references users(id),
  created_at timestamptz not null default now()
);

-- Totals change in place (HOT updates need free space on the page); history lives in ledger_transfers.
create table ledger_accounts (
  id uuid primary key,
  pool_id uuid references pools(id),
  currency text not null check (currency ~ '^[A-Z0-9]{2,12}$'),
  kind text not null check (kind in ('member', 'treasury', 'escrow', 'platform_fee', 'custodial', 'external')),
  user_id uuid references users(id),
  no_overdraft boolean not null,
  debits_pending bigint not null default 0 check (debits_pending >= 0),
  debits_posted bigint not null default 0 check (debits_posted >= 0),
  credits_pending bigint not null default 0 check (credits_pending >= 0),
  credits_posted bigint not null default 0 check (credits_posted >= 0),
  created_at timestamptz not null default now(),
  constraint ledger_accounts_available_not_negative
    check (not no_overdraft or debits_posted + debits_pending <= credits_posted),
  constraint ledger_accounts_member_has_user check ((kind = 'member') = (user_id is not null)),
  constraint ledger_accounts_platform_has_no_pool
    check ((kind in ('platform_fee', 'custodial', 'external')) = (pool_id is null)),
  constraint ledger_accounts_identity unique nulls not distinct (pool_id, kind, user_id, currency)
) with (fillfactor = 80);
create index ledger_accounts_user on ledger_accounts (user_id) where user_id is not null;

-- No foreign keys on this hot, append-only table: the engine validates every account and hold under lock in the
-- same transaction, and verification reports any row that names a missing account or hold.
create table ledger_transfers (
  id uuid primary key,
  pool_id uuid not null,
  lane smallint not null check (lane between 0 and 15),
  seq bigint not null check (seq > 0),
  kind text not null check (kind in ('posted', 'pending', 'post_pending', 'void_pending', 'expire_pending')),
  debit_account_id uuid not null,
  credit_account_id uuid not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  pending_id uuid,
  timeout_at timestamptz,
  linked_id uuid,
  code text not null check (length(code) between 1 and 64),
  memo text not null default '' check (length(memo) <= 500),
  created_at timestamptz not null,
  prev_hash text not null,
  hash text not null,
  constraint ledger_transfers_distinct_accounts check (debit_account_id <> credit_account_id),
  constraint ledger_transfers_resolution_names_hold
    check ((kind in ('post_pending', 'void_pending', 'expire_pending')) = (pending_id is not null)),
  constraint ledger_transfers_hold_has_timeout check ((kind = 'pending') = (timeout_at is not null))
);
-- Each lane of a pool's hash chain is gap-free; listings go newest first by the time-ordered id.
create unique index ledger_transfers_chain on ledger_transfers (pool_id, lane, seq);
create index ledger_transfers_pool_id on ledger_transfers (pool_id, id);
-- A pending transfer resolves exactly once: posted, voided or expired.
create unique index ledger_transfers_one_resolution on ledger_transfers (pending_id) where pending_id is not null;
create index ledger_transfers_debit on ledger_transfers (debit_account_id);
create index ledger_transfers_credit on ledger_transfers (credit_account_id);

-- Holds still pending, for the expiry sweep. A projection: rows leave when the hold resolves.
create table ledger_open_holds (
  hold_id uuid primary key,
  pool_id uuid not null,
  timeout_at timestamptz not null
);
create index ledger_open_holds_timeout on ledger_open_holds (timeout_at);

-- A command's key, the hash of its input and the transfers it wrote: a replay returns those same rows.
create table ledger_idempotency (
  key text primary key,
  request_hash text not null,
  transfer_ids uuid[] not null,
  created_at timestamptz not null default now()
);

-- The end of each lane of each pool's chain: concurrent batches append to different lanes.
create table ledger_pool_heads (
  pool_id uuid not null references pools(id),
  lane smallint not null check (lane between 0 and 15),
  last_seq bigint not null,
  last_hash text not null,
  primary key (pool_id, lane)
);

create table ledger_checkpoints (
  pool_id uuid not null references pools(id),
  lane smallint not null,
  seq bigint not null,
  hash text not null,
  created_at timestamptz not null default now(),
  primary key (pool_id, lane, seq)
);

create function ledger_forbid_change() returns trigger language plpgsql as $fn$
begin
  raise exception 'ledger history is append-only: % on % is refused; post a reversing transfer instead',
    tg_op, tg_table_name using errcode = 'P0001';
end
$fn$;
create trigger ledger_transfers_append_only before update or delete on ledger_transfers
  for each row execute function ledger_forbid_change();
create trigger ledger_transfers_no_truncate before truncate on ledger_transfers
  for each statement execute function ledger_forbid_change();
create trigger ledger_checkpoints_append_only before update or delete on ledger_checkpoints
  for each row execute function ledger_forbid_change();
create trigger ledger_checkpoints_no_truncate before truncate on ledger_checkpoints
  for each statement execute function ledger_forbid_change();

create table outbox_events (
  id bigint generated always as identity primary key,
  type text not null,
  pool_id uuid,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index outbox_events_unpublished on outbox_events (id) where published_at is null;
`);
  }

  override down(): void {
    this.addSql(`
drop table if exists outbox_events, ledger_checkpoints, ledger_pool_heads, ledger_idempotency, ledger_open_holds,
  ledger_transfers, ledger_accounts, pools, personal_access_tokens, users cascade;
drop function if exists ledger_forbid_change();
`);
  }
}
