import { Migration } from '@mikro-orm/migrations';

/**
 * Host agents and GameBoost sessions: one-time join codes a member makes in chat and types into `agent join`, the
 * machine credential the agent then authenticates with (stored as a hash), what the agent reports about its machine,
 * the pool's SLA rules, and rented sessions with their measured quality (the evidence for refunds and disputes).
 */
export class Migration0009Agent extends Migration {
  override up(): void {
    this.addSql(`
create table agent_join_codes (
  code_hash text primary key,
  pool_id uuid not null references pools(id),
  user_id uuid not null references users(id),
  expires_at timestamptz not null,
  used_at timestamptz,
  machine_id uuid references machines(id)
);
create index agent_join_codes_user on agent_join_codes (user_id, expires_at);

create table machine_credentials (
  machine_id uuid primary key references machines(id),
  secret_hash text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

alter table machines
  add column benchmark jsonb,
  add column agent_version text,
  add column last_seen_at timestamptz;

alter table pools
  add column sla_min_fps smallint not null default 30 check (sla_min_fps between 1 and 240),
  add column sla_max_rtt_ms integer not null default 150 check (sla_max_rtt_ms between 10 and 5000);

create table gameboost_sessions (
  id uuid primary key,
  pool_id uuid not null references pools(id),
  offer_id uuid not null references offers(id),
  machine_id uuid not null references machines(id),
  buyer_user_id uuid not null references users(id),
  seller_user_id uuid not null references users(id),
  rented_minutes integer not null check (rented_minutes between 1 and 1440),
  price_per_hour_micros bigint not null check (price_per_hour_micros > 0),
  hold_micros bigint not null check (hold_micros > 0),
  fee_bps integer not null,
  hold_id uuid,
  ledger_key text not null unique,
  -- reserving → waiting (for the stream) → live → ended; failed when the hold was refused.
  status text not null check (status in ('reserving', 'failed', 'waiting', 'live', 'ended')),
  -- Hash of the short-lived token the browser signals with.
  viewer_token_hash text,
  started_at timestamptz,
  ended_at timestamptz,
  end_reason text check (end_reason in ('buyer', 'seller', 'timeout', 'agent_lost', 'never_started')),
  used_minutes integer,
  charged_micros bigint,
  sla_refund_micros bigint,
  sla jsonb,
  settlement_transfer_ids uuid[] not null default '{}',
  created_at timestamptz not null default now()
);
create index gameboost_sessions_open on gameboost_sessions (created_at) where status in ('waiting', 'live');
create index gameboost_sessions_machine on gameboost_sessions (machine_id, status);

create table session_metrics (
  session_id uuid not null references gameboost_sessions(id),
  source text not null check (source in ('browser', 'agent')),
  at timestamptz not null default now(),
  fps real,
  rtt_ms real,
  packet_loss real,
  freezes integer,
  bitrate_kbps integer
);
create index session_metrics_session on session_metrics (session_id, at);
`);
  }

  override down(): void {
    this.addSql(`drop table session_metrics, gameboost_sessions, machine_credentials, agent_join_codes;
alter table machines drop column benchmark, drop column agent_version, drop column last_seen_at;
alter table pools drop column sla_min_fps, drop column sla_max_rtt_ms;`);
  }
}
