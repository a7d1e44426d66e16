import { Migration } from '@mikro-orm/migrations';

/**
 * People and pools: linked identities, memberships and roles, pool settings and chat bindings, machines, referral
 * codes, purchased machine slots, platform settings, and the HTTP layer's idempotency records.
 */
export class Migration0002PoolsPeople extends Migration {
  override up(): void {
    this.addSql(`
-- A person is one user across platforms. 'local' identities are names given on the command line (admin token).
create table user_identities (
  platform text not null check (platform in ('local', 'discord', 'telegram')),
  external_id text not null check (length(external_id) between 1 and 100),
  user_id uuid not null references users(id),
  username text check (length(username) <= 100),
  linked_at timestamptz not null default now(),
  primary key (platform, external_id)
);
create unique index user_identities_one_per_platform on user_identities (user_id, platform);
insert into user_identities (platform, external_id, user_id)
  select 'local', lower(display_name), id from users;
-- Display names come from chat platforms now and may repeat; identities are what is unique.
drop index users_display_name;

-- A one-time code shown on one platform and entered on the other; only its hash is kept.
create table identity_link_codes (
  code_hash text primary key,
  user_id uuid not null references users(id),
  issued_on text not null check (issued_on in ('local', 'discord', 'telegram')),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index identity_link_codes_user on identity_link_codes (user_id);

alter table pools
  add column status text not null default 'active' check (status in ('pending', 'active', 'suspended')),
  add column password_hash text,
  add column discord_guild_id text unique check (length(discord_guild_id) between 1 and 32),
  add column telegram_chat_id text unique check (length(telegram_chat_id) between 1 and 32),
  add column rules text not null default '' check (length(rules) <= 4000),
  add column member_purchase_cap_micros bigint check (member_purchase_cap_micros > 0),
  add column member_rental_cap_micros bigint check (member_rental_cap_micros > 0),
  add column cap_period_hours integer not null default 24 check (cap_period_hours between 1 and 8760),
  add column min_prices jsonb not null default '{}',
  add column withdrawal_quorum smallint not null default 1 check (withdrawal_quorum between 1 and 50),
  add column hold_timeout_seconds integer not null default 86400 check (hold_timeout_seconds between 60 and 31536000),
  add column dispute_window_hours integer not null default 72 check (dispute_window_hours between 1 and 8760),
  add column machine_slot_price_micros bigint check (machine_slot_price_micros > 0),
  add column suspended_reason text,
  add column creation_key text unique,
  add column updated_at timestamptz not null default now();
alter table pools add constraint pools_private_has_password check (type <> 'private' or password_hash is not null);

create table pool_members (
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  role text not null check (role in ('owner', 'officer', 'member')),
  status text not null check (status in ('active', 'left', 'suspended', 'banned')),
  referred_by_user_id uuid references users(id),
  joined_at timestamptz not null default now(),
  status_changed_at timestamptz not null default now(),
  status_reason text check (length(status_reason) <= 500),
  primary key (pool_id, user_id),
  constraint pool_members_no_self_referral check (referred_by_user_id is distinct from user_id),
  constraint pool_members_owner_is_active check (role <> 'owner' or status = 'active')
);
create unique index pool_members_one_owner on pool_members (pool_id) where role = 'owner';
create index pool_members_user on pool_members (user_id);
create index pool_members_referrer on pool_members (pool_id, referred_by_user_id) where referred_by_user_id is not null;
insert into pool_members (pool_id, user_id, role, status)
  select id, owner_user_id, 'owner', 'active' from pools;

create table referral_codes (
  code text primary key check (code ~ '^[A-Z0-9]{6,16}$'),
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index referral_codes_member on referral_codes (pool_id, user_id);

create table machines (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  name text not null check (length(name) between 1 and 64),
  hardware jsonb not null,
  hwid_hash text not null check (hwid_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  removed_at timestamptz
);
-- One physical machine is registered once per pool, and a member's machine names are distinct.
create unique index machines_hwid on machines (pool_id, hwid_hash) where removed_at is null;
create unique index machines_name on machines (pool_id, user_id, lower(name)) where removed_at is null;
create index machines_member on machines (pool_id, user_id, id);

-- A purchase is recorded 'pending' before the ledger moves money and settled after; a job settles the ones a crash
-- left pending by asking the ledger whether the payment's idempotency key committed.
create table machine_slot_purchases (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  slots integer not null check (slots between 1 and 100),
  unit_price_micros bigint not null check (unit_price_micros > 0),
  ledger_key text not null unique,
  status text not null check (status in ('pending', 'completed', 'failed')),
  transfer_ids uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  settled_at timestamptz
);
create index machine_slot_purchases_member on machine_slot_purchases (pool_id, user_id) where status = 'completed';
create index machine_slot_purchases_pending on machine_slot_purchases (created_at) where status = 'pending';

-- Values the Global Admin sets at run time (fee rate, premium price). Absent keys fall back to the configuration.
create table platform_settings (
  key text primary key,
  value jsonb not null,
  updated_by uuid references users(id),
  updated_at timestamptz not null default now()
);

-- The HTTP layer's Idempotency-Key records: the first response is replayed for the same key and body.
create table api_idempotency (
  user_id uuid not null,
  key text not null check (length(key) between 1 and 200),
  method text not null,
  path text not null,
  request_hash text not null,
  status integer,
  response jsonb,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  primary key (user_id, key)
);
create index api_idempotency_created on api_idempotency (created_at);
`);
  }

  override down(): void {
    this.addSql(`
drop table if exists api_idempotency, platform_settings, machine_slot_purchases, machines, referral_codes,
  pool_members, identity_link_codes, user_identities cascade;
alter table pools drop constraint if exists pools_private_has_password;
alter table pools drop column status, drop column password_hash, drop column discord_guild_id,
  drop column telegram_chat_id, drop column rules, drop column member_purchase_cap_micros,
  drop column member_rental_cap_micros, drop column cap_period_hours, drop column min_prices,
  drop column withdrawal_quorum, drop column hold_timeout_seconds, drop column dispute_window_hours,
  drop column machine_slot_price_micros, drop column suspended_reason, drop column creation_key,
  drop column updated_at;
create unique index users_display_name on users (lower(display_name));
`);
  }
}
