import type pg from 'pg';
import { GENESIS_HASH, type PoolHead } from '../core/ledger/chain.ts';
import type {
  AccountDelta,
  AccountMismatch,
  BatchSnapshot,
  BatchWrite,
  Checkpoint,
  HoldView,
  LedgerStore,
  LedgerTx,
  OpenAccountInput,
  StoredIdempotency,
} from '../core/ledger/store.ts';
import {
  PLATFORM_ACCOUNT_KINDS,
  type Account,
  type AccountKind,
  type Transfer,
  type TransferKind,
} from '../core/ledger/types.ts';
import { isUuid, uuidv7 } from '../lib/uuid.ts';
import { pgArray } from './pg.ts';

const ACCOUNT_COLUMNS =
  'id, pool_id, currency, kind, user_id, no_overdraft, debits_pending, debits_posted, credits_pending, credits_posted';
const TRANSFER_COLUMNS =
  'id, pool_id, lane, seq, kind, debit_account_id, credit_account_id, amount, currency, pending_id, timeout_at, linked_id, code, memo, created_at, prev_hash, hash';

interface AccountRow {
  id: string;
  pool_id: string | null;
  currency: string;
  kind: AccountKind;
  user_id: string | null;
  no_overdraft: boolean;
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
}

interface TransferRow {
  id: string;
  pool_id: string;
  lane: number;
  seq: string;
  kind: TransferKind;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  currency: string;
  pending_id: string | null;
  timeout_at: Date | null;
  linked_id: string | null;
  code: string;
  memo: string;
  created_at: Date;
  prev_hash: string;
  hash: string;
}

export const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  poolId: row.pool_id,
  currency: row.currency,
  kind: row.kind,
  userId: row.user_id,
  noOverdraft: row.no_overdraft,
  debitsPendingMicros: BigInt(row.debits_pending),
  debitsPostedMicros: BigInt(row.debits_posted),
  creditsPendingMicros: BigInt(row.credits_pending),
  creditsPostedMicros: BigInt(row.credits_posted),
});

export const toTransfer = (row: TransferRow): Transfer => ({
  id: row.id,
  poolId: row.pool_id,
  lane: row.lane,
  seq: BigInt(row.seq),
  kind: row.kind,
  debitAccountId: row.debit_account_id,
  creditAccountId: row.credit_account_id,
  amountMicros: BigInt(row.amount),
  currency: row.currency,
  pendingId: row.pending_id,
  timeoutAt: row.timeout_at,
  linkedId: row.linked_id,
  code: row.code,
  memo: row.memo,
  createdAt: row.created_at,
  prevHash: row.prev_hash,
  hash: row.hash,
});

/** SQLSTATEs after which the whole batch can run again unchanged. */
const RETRYABLE = new Set(['40001', '40P01', '23505']);

const checkedClients = new WeakSet<pg.PoolClient>();

/** The literal arrays of the batch statements rely on standard_conforming_strings (PostgreSQL's default since 9.1). */
async function assertStandardStrings(client: pg.PoolClient): Promise<void> {
  if (checkedClients.has(client)) return;
  const { rows } = await client.query<{ setting: string }>(
    "select current_setting('standard_conforming_strings') as setting",
  );
  if (rows[0]?.setting !== 'on') throw new Error('the ledger needs standard_conforming_strings = on');
  checkedClients.add(client);
}

/**
 * The ledger on PostgreSQL through node-postgres: a batch is three round trips (see PgLedgerTx) whatever the number
 * of commands in it.
 */
export class PgLedgerStore implements LedgerStore {
  constructor(private readonly pool: pg.Pool) {}

  async transaction<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new PgLedgerTx(client);
    try {
      await assertStandardStrings(client);
      const result = await fn(tx);
      if (!tx.finished) await tx.commit(null);
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  isRetryable(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && RETRYABLE.has(code);
  }

  async openAccount(input: OpenAccountInput): Promise<Account> {
    const noOverdraft = !['custodial', 'external'].includes(input.kind);
    if (PLATFORM_ACCOUNT_KINDS.includes(input.kind) !== (input.poolId === null)) {
      throw new Error(`a ${input.kind} account ${input.poolId === null ? 'needs' : 'takes no'} pool`);
    }
    await this.pool.query(
      `insert into ledger_accounts (id, pool_id, currency, kind, user_id, no_overdraft)
       values ($1, $2, $3, $4, $5, $6) on conflict on constraint ledger_accounts_identity do nothing`,
      [uuidv7(), input.poolId, input.currency, input.kind, input.userId, noOverdraft],
    );
    const account = await this.findAccount(input);
    if (!account) throw new Error('account vanished after insert');
    return account;
  }

  async findAccount(input: OpenAccountInput): Promise<Account | null> {
    const { rows } = await this.pool.query<AccountRow>(
      `select ${ACCOUNT_COLUMNS} from ledger_accounts
       where pool_id is not distinct from $1 and kind = $2 and user_id is not distinct from $3 and currency = $4`,
      [input.poolId, input.kind, input.userId, input.currency],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async getAccount(id: string): Promise<Account | null> {
    const { rows } = await this.pool.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from ledger_accounts where id = $1`, [
      id,
    ]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async getHold(holdId: string): Promise<HoldView | null> {
    // Prepared: planned once per connection (every release and void reads its hold first).
    const { rows } = await this.pool.query<TransferRow>({
      name: 'ledger-get-hold',
      text: `select ${TRANSFER_COLUMNS} from ledger_transfers
       where (id = $1 and kind = 'pending') or pending_id = $1 order by seq`,
      values: [holdId],
    });
    const hold = rows.find((row) => row.id === holdId);
    if (!hold) return null;
    const resolution = rows.find((row) => row.pending_id === holdId);
    return { transfer: toTransfer(hold), resolution: resolution ? toTransfer(resolution) : null };
  }

  async listTransfers(poolId: string, options: { beforeId?: string; limit: number }): Promise<Transfer[]> {
    const { rows } = await this.pool.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers
       where pool_id = $1 and ($2::uuid is null or id < $2) order by id desc limit $3`,
      [poolId, options.beforeId ?? null, options.limit],
    );
    return rows.map(toTransfer);
  }

  async dueHolds(limit: number): Promise<{ holdId: string; poolId: string }[]> {
    const { rows } = await this.pool.query<{ hold_id: string; pool_id: string }>(
      `select hold_id, pool_id from ledger_open_holds where timeout_at <= clock_timestamp()
       order by timeout_at limit $1`,
      [limit],
    );
    return rows.map((row) => ({ holdId: row.hold_id, poolId: row.pool_id }));
  }

  async chainPage(poolId: string, lane: number, afterSeq: bigint, limit: number): Promise<Transfer[]> {
    const { rows } = await this.pool.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers
       where pool_id = $1 and lane = $2 and seq > $3 order by seq limit $4`,
      [poolId, lane, afterSeq.toString(), limit],
    );
    return rows.map(toTransfer);
  }

  async balanceMismatches(poolId: string | null): Promise<{ accountsChecked: number; mismatches: AccountMismatch[] }> {
    // Recomputes each account's four totals from the transfers alone: posted from posted and post_pending rows;
    // pending from pending rows that have no resolution yet.
    const { rows } = await this.pool.query<
      AccountRow & {
        c_debits_pending: string;
        c_debits_posted: string;
        c_credits_pending: string;
        c_credits_posted: string;
      }
    >(
      `with scope as (
         select a.* from ledger_accounts a
         where $1::uuid is null or a.pool_id = $1
            or exists (select 1 from ledger_transfers t where t.pool_id = $1
                       and (t.debit_account_id = a.id or t.credit_account_id = a.id))
       ),
       moves as (
         select t.debit_account_id as account_id,
                case when t.kind in ('posted', 'post_pending') then t.amount else 0 end as debit_posted,
                case when t.kind = 'pending' and r.id is null then t.amount else 0 end as debit_pending,
                0::bigint as credit_posted, 0::bigint as credit_pending
         from ledger_transfers t left join ledger_transfers r on r.pending_id = t.id
         union all
         select t.credit_account_id, 0, 0,
                case when t.kind in ('posted', 'post_pending') then t.amount else 0 end,
                case when t.kind = 'pending' and r.id is null then t.amount else 0 end
         from ledger_transfers t left join ledger_transfers r on r.pending_id = t.id
       ),
       totals as (
         select account_id, sum(debit_posted) dpo, sum(debit_pending) dpe, sum(credit_posted) cpo, sum(credit_pending) cpe
         from moves where account_id in (select id from scope) group by account_id
       )
       select s.*, coalesce(t.dpe, 0)::text c_debits_pending, coalesce(t.dpo, 0)::text c_debits_posted,
              coalesce(t.cpe, 0)::text c_credits_pending, coalesce(t.cpo, 0)::text c_credits_posted,
              count(*) over () as checked
       from scope s left join totals t on t.account_id = s.id`,
      [poolId],
    );
    const mismatches: AccountMismatch[] = [];
    for (const row of rows) {
      const stored = toAccount(row);
      const computed = {
        debitsPendingMicros: BigInt(row.c_debits_pending),
        debitsPostedMicros: BigInt(row.c_debits_posted),
        creditsPendingMicros: BigInt(row.c_credits_pending),
        creditsPostedMicros: BigInt(row.c_credits_posted),
      };
      if (
        stored.debitsPendingMicros !== computed.debitsPendingMicros ||
        stored.debitsPostedMicros !== computed.debitsPostedMicros ||
        stored.creditsPendingMicros !== computed.creditsPendingMicros ||
        stored.creditsPostedMicros !== computed.creditsPostedMicros
      ) {
        const { debitsPendingMicros, debitsPostedMicros, creditsPendingMicros, creditsPostedMicros } = stored;
        mismatches.push({
          accountId: row.id,
          stored: { debitsPendingMicros, debitsPostedMicros, creditsPendingMicros, creditsPostedMicros },
          computed,
        });
      }
    }
    return { accountsChecked: rows.length, mismatches };
  }

  async currencyTotals(): Promise<{ currency: string; postedMicros: bigint; pendingMicros: bigint }[]> {
    const { rows } = await this.pool.query<{ currency: string; posted: string; pending: string }>(
      `select currency,
              (sum(credits_posted::numeric) - sum(debits_posted::numeric))::text posted,
              (sum(credits_pending::numeric) - sum(debits_pending::numeric))::text pending
       from ledger_accounts group by currency order by currency`,
    );
    return rows.map((row) => ({
      currency: row.currency,
      postedMicros: BigInt(row.posted),
      pendingMicros: BigInt(row.pending),
    }));
  }

  async ruleViolations(poolId: string | null): Promise<string[]> {
    const { rows } = await this.pool.query<{ violation: string }>(
      `select 'account ' || id || ' is overdrawn' violation from ledger_accounts
        where no_overdraft and debits_posted + debits_pending > credits_posted
          and ($1::uuid is null or pool_id = $1)
       union all
       select 'hold ' || h.id || ' is resolved by a transfer on other accounts or for more than it held'
         from ledger_transfers r join ledger_transfers h on h.id = r.pending_id
        where ($1::uuid is null or r.pool_id = $1)
          and (h.kind <> 'pending' or r.debit_account_id <> h.debit_account_id
               or r.credit_account_id <> h.credit_account_id or r.amount > h.amount
               or (r.kind <> 'post_pending' and r.amount <> h.amount))
       union all
       select 'transfer ' || t.id || ' names a missing account, pool or hold' from ledger_transfers t
        where ($1::uuid is null or t.pool_id = $1)
          and (not exists (select 1 from ledger_accounts a where a.id = t.debit_account_id)
               or not exists (select 1 from ledger_accounts a where a.id = t.credit_account_id)
               or not exists (select 1 from pools p where p.id = t.pool_id)
               or (t.pending_id is not null
                   and not exists (select 1 from ledger_transfers h where h.id = t.pending_id)))
       union all
       select 'transfer ' || t.id || ' lies outside its chain (lane ' || t.lane || ', seq ' || t.seq || ')'
         from ledger_transfers t
         left join ledger_pool_heads h on h.pool_id = t.pool_id and h.lane = t.lane
        where ($1::uuid is null or t.pool_id = $1) and (h.pool_id is null or t.seq > h.last_seq)
       union all
       select 'hold ' || pending_id || ' resolved ' || count(*) || ' times' from ledger_transfers
        where pending_id is not null and ($1::uuid is null or pool_id = $1)
        group by pending_id having count(*) > 1`,
      [poolId],
    );
    return rows.map((row) => row.violation);
  }

  async chainHeads(poolId: string | null): Promise<PoolHead[]> {
    const { rows } = await this.pool.query<{ pool_id: string; lane: number; last_seq: string; last_hash: string }>(
      `select pool_id, lane, last_seq, last_hash from ledger_pool_heads
       where ($1::uuid is null or pool_id = $1) order by pool_id, lane`,
      [poolId],
    );
    return rows.map((row) => ({
      poolId: row.pool_id,
      lane: row.lane,
      lastSeq: BigInt(row.last_seq),
      lastHash: row.last_hash,
    }));
  }

  async checkpoints(poolId: string, lane: number): Promise<Checkpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      'select pool_id, lane, seq, hash, created_at from ledger_checkpoints where pool_id = $1 and lane = $2 order by seq',
      [poolId, lane],
    );
    return rows.map(toCheckpoint);
  }

  async writeCheckpoints(poolId: string): Promise<Checkpoint[]> {
    // The checkpoints and their outbox events (the bots post them into the pool's chat) commit together.
    const { rows } = await this.pool.query<CheckpointRow>(
      `with sealed as (
         insert into ledger_checkpoints (pool_id, lane, seq, hash)
         select pool_id, lane, last_seq, last_hash from ledger_pool_heads where pool_id = $1 and last_seq > 0
         on conflict do nothing
         returning pool_id, lane, seq, hash, created_at
       ),
       event as (
         insert into outbox_events (type, pool_id, payload)
         select 'LedgerCheckpointSealed', pool_id, jsonb_build_object('lane', lane, 'seq', seq::text, 'hash', hash)
         from sealed
       )
       select pool_id, lane, seq, hash, created_at from sealed order by lane`,
      [poolId],
    );
    return rows.map(toCheckpoint);
  }
}

interface CheckpointRow {
  pool_id: string;
  lane: number;
  seq: string;
  hash: string;
  created_at: Date;
}

const toCheckpoint = (row: CheckpointRow): Checkpoint => ({
  poolId: row.pool_id,
  lane: row.lane,
  seq: BigInt(row.seq),
  hash: row.hash,
  createdAt: row.created_at,
});

/** A SQL string literal; with standard_conforming_strings on (checked at connect), only quotes need doubling. */
const lit = (text: string): string => `'${text.replace(/'/g, "''")}'`;
const uuidArray = (ids: Iterable<string>): string => lit(pgArray([...ids].filter(isUuid)));
/** A typed array literal for the batch statements: `'{…}'::type[]`. */
const arr = (values: readonly Value[], type: string): string => `${lit(pgArray(values))}::${type}[]`;

/** `unnest(...)` arguments: one typed array literal per column, each column read from the rows by its getter. */
function columns<Row>(rows: readonly Row[], spec: readonly [(row: Row) => Value, string][]): string {
  return spec.map(([get, type]) => arr(rows.map(get), type)).join(', ');
}
type Value = string | bigint | number | Date | null;

const DELTA_COLUMNS: readonly [(delta: AccountDelta) => Value, string][] = [
  [(x) => x.accountId, 'uuid'],
  [(x) => x.debitsPendingMicros, 'bigint'],
  [(x) => x.debitsPostedMicros, 'bigint'],
  [(x) => x.creditsPendingMicros, 'bigint'],
  [(x) => x.creditsPostedMicros, 'bigint'],
];

const TRANSFER_INSERT_COLUMNS: readonly [(transfer: Transfer) => Value, string][] = [
  [(x) => x.id, 'uuid'],
  [(x) => x.poolId, 'uuid'],
  [(x) => x.seq, 'bigint'],
  [(x) => x.kind, 'text'],
  [(x) => x.debitAccountId, 'uuid'],
  [(x) => x.creditAccountId, 'uuid'],
  [(x) => x.amountMicros, 'bigint'],
  [(x) => x.currency, 'text'],
  [(x) => x.pendingId, 'uuid'],
  [(x) => x.timeoutAt, 'timestamptz'],
  [(x) => x.linkedId, 'uuid'],
  [(x) => x.code, 'text'],
  [(x) => x.memo, 'text'],
  [(x) => x.createdAt, 'timestamptz'],
  [(x) => x.prevHash, 'text'],
  [(x) => x.hash, 'text'],
];

/** Adds the deltas to the accounts' four totals: the one account UPDATE of a batch, for pool and platform rows alike. */
function addDeltas(deltas: readonly AccountDelta[]): string {
  return `update ledger_accounts acc
    set debits_pending = acc.debits_pending + v.dpe, debits_posted = acc.debits_posted + v.dpo,
        credits_pending = acc.credits_pending + v.cpe, credits_posted = acc.credits_posted + v.cpo
    from unnest(${columns(deltas, DELTA_COLUMNS)}) as v(id, dpe, dpo, cpe, cpo)
    where acc.id = v.id`;
}

/**
 * One batch's transaction, in two round trips: `open` (BEGIN, the holds, the account and chain-head locks, then the
 * reads that must see what committed before the locks were granted) and `commit` (the write statement and COMMIT).
 * The statements of one round trip go as a single simple-protocol query with literal arrays: several statements, one
 * network exchange, and each statement still takes its own snapshot.
 */
class PgLedgerTx implements LedgerTx {
  finished = false;

  constructor(private readonly client: pg.PoolClient) {}

  async open(input: {
    holdIds: string[];
    accountIds: string[];
    keys: string[];
    poolIds: string[];
    lane: number;
  }): Promise<BatchSnapshot> {
    const holds = uuidArray(input.holdIds);
    const accounts = uuidArray(input.accountIds);
    const pools = uuidArray(input.poolIds);
    const lane = input.lane;
    if (!Number.isInteger(lane) || lane < 0 || lane >= 16) throw new RangeError(`lane ${lane}`);
    // Every statement of a batch touches a handful of rows by key; the planner, which cannot see inside the literal
    // arrays, would otherwise hash-join them against whole tables.
    const results = (await this.client.query(`begin;
      set local enable_seqscan = off; set local enable_hashjoin = off; set local enable_mergejoin = off;
      select ${TRANSFER_COLUMNS} from ledger_transfers where id = any(${holds}::uuid[]) and kind = 'pending';
      with ids as (
        select unnest(${accounts}::uuid[]) as id
        union select debit_account_id from ledger_transfers where id = any(${holds}::uuid[]) and kind = 'pending'
        union select credit_account_id from ledger_transfers where id = any(${holds}::uuid[]) and kind = 'pending'
      ),
      locked as (
        select ${ACCOUNT_COLUMNS} from ledger_accounts
        where id in (select id from ids) and pool_id is not null order by id for no key update
      )
      select * from locked
      union all
      select ${ACCOUNT_COLUMNS} from ledger_accounts where id in (select id from ids) and pool_id is null;
      insert into ledger_pool_heads (pool_id, lane, last_seq, last_hash)
        select p, ${lane}, 0, ${lit(GENESIS_HASH)} from unnest(${pools}::uuid[]) as p
        where exists (select 1 from pools where pools.id = p)
          and not exists (select 1 from ledger_pool_heads h where h.pool_id = p and h.lane = ${lane})
        order by 1 on conflict do nothing;
      select pool_id, last_seq, last_hash from ledger_pool_heads
        where pool_id = any(${pools}::uuid[]) and lane = ${lane} order by pool_id for update;
      select 'k' as tag, key as a, request_hash as b, array_to_string(transfer_ids, ',') as c
        from ledger_idempotency where key = any(${lit(pgArray(input.keys))}::text[])
      union all
      select 'r', pending_id::text, kind, null from ledger_transfers where pending_id = any(${holds}::uuid[])
      union all
      select 'c', floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text, null, null;`)) as unknown as [
      unknown,
      unknown,
      unknown,
      unknown,
      pg.QueryResult<TransferRow>,
      pg.QueryResult<AccountRow>,
      unknown,
      pg.QueryResult<{ pool_id: string; last_seq: string; last_hash: string }>,
      pg.QueryResult<{ tag: 'k' | 'r' | 'c'; a: string; b: string | null; c: string | null }>,
    ];
    const stored = new Map<string, StoredIdempotency>();
    const resolutions = new Map<string, TransferKind>();
    let nowMs = Number.NaN;
    for (const row of results[8].rows) {
      if (row.tag === 'k') stored.set(row.a, { requestHash: row.b ?? '', transferIds: row.c ? row.c.split(',') : [] });
      else if (row.tag === 'r') resolutions.set(row.a, row.b as TransferKind);
      else nowMs = Number(row.a);
    }
    if (!Number.isFinite(nowMs)) throw new Error('the database clock was not read');
    return {
      holds: new Map(results[4].rows.map((row) => [row.id, toTransfer(row)])),
      accounts: new Map(results[5].rows.map((row) => [row.id, toAccount(row)])),
      heads: new Map(
        results[7].rows.map((row) => [
          row.pool_id,
          { poolId: row.pool_id, lane, lastSeq: BigInt(row.last_seq), lastHash: row.last_hash },
        ]),
      ),
      stored,
      resolutions,
      nowMs,
    };
  }

  async loadTransfers(ids: string[]): Promise<Transfer[]> {
    const { rows } = await this.client.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers where id = any($1::uuid[]) order by pool_id, lane, seq`,
      [pgArray(ids)],
    );
    return rows.map(toTransfer);
  }

  async commit(batch: BatchWrite | null): Promise<void> {
    this.finished = true;
    if (!batch) {
      await this.client.query('commit');
      return;
    }
    const lane = batch.transfers[0]?.lane ?? 0;
    if (!Number.isInteger(lane) || lane < 0 || lane >= 16) throw new RangeError(`lane ${lane}`);
    const pool = batch.accountDeltas.filter((delta) => !delta.platform);
    // Platform accounts (fee, custodial wallet, outside world) are hot: they are locked last, in id order, and updated
    // in the statement before COMMIT, so their row locks are held only for the commit.
    const platform = batch.accountDeltas
      .filter((delta) => delta.platform && isUuid(delta.accountId))
      .sort((x, y) => (x.accountId < y.accountId ? -1 : 1));
    const platformIds = arr(
      platform.map((x) => x.accountId),
      'uuid',
    );
    const platformUpdates =
      platform.length === 0
        ? ''
        : `select 1 from ledger_accounts where id = any(${platformIds}) order by id for no key update;
           ${addDeltas(platform)};`;
    const transfers = columns(batch.transfers, TRANSFER_INSERT_COLUMNS);
    const opened = columns(batch.openedHolds, [
      [(x) => x.holdId, 'uuid'],
      [(x) => x.poolId, 'uuid'],
      [(x) => x.timeoutAt, 'timestamptz'],
    ]);
    const closed = arr(batch.closedHoldIds, 'uuid');
    const keys = columns(batch.idempotency, [
      [(x) => x.key, 'text'],
      [(x) => x.requestHash, 'text'],
      [(x) => x.transferIds.join(','), 'text'],
    ]);
    const heads = columns(batch.heads, [
      [(x) => x.poolId, 'uuid'],
      [(x) => x.lastSeq, 'bigint'],
      [(x) => x.lastHash, 'text'],
    ]);
    await this.client.query(`
      with
      t as (insert into ledger_transfers (${TRANSFER_COLUMNS})
            select x.id, x.pool_id, ${lane}, x.seq, x.kind, x.debit, x.credit, x.amount, x.currency, x.pending,
                   x.timeout, x.linked, x.code, x.memo, x.created, x.prev, x.hash
            from unnest(${transfers})
              as x(id, pool_id, seq, kind, debit, credit, amount, currency, pending, timeout, linked, code, memo,
                   created, prev, hash)
            returning id, pool_id, seq, kind, debit_account_id, credit_account_id, amount, currency, pending_id,
                      timeout_at, linked_id, code),
      a as (${addDeltas(pool)}),
      oh as (insert into ledger_open_holds (hold_id, pool_id, timeout_at) select * from unnest(${opened})),
      ch as (delete from ledger_open_holds where hold_id = any(${closed})),
      i as (insert into ledger_idempotency (key, request_hash, transfer_ids)
            select k, h, string_to_array(r, ',')::uuid[] from unnest(${keys}) as x(k, h, r)),
      -- One event per transfer (LEDGER_EVENT_BY_KIND, LedgerEventPayload), built here from the rows just inserted.
      o as (insert into outbox_events (type, pool_id, payload)
            select case t.kind when 'posted' then 'TransferPosted' when 'pending' then 'HoldCreated'
                               when 'post_pending' then 'HoldReleased' when 'void_pending' then 'HoldVoided'
                               else 'HoldExpired' end,
                   t.pool_id,
                   jsonb_build_object(
                     'transferId', t.id, 'kind', t.kind, 'debitAccountId', t.debit_account_id,
                     'creditAccountId', t.credit_account_id, 'debitUserId', da.user_id, 'creditUserId', ca.user_id,
                     'currency', t.currency, 'code', t.code, 'amountMicros', t.amount::text,
                     'holdId', case when t.kind = 'pending' then t.id else t.pending_id end,
                     'holdMicros', coalesce(hold.amount, case when t.kind = 'pending' then t.amount end)::text,
                     'timeoutAt', t.timeout_at, 'linkedId', t.linked_id)
            from t
            left join ledger_accounts da on da.id = t.debit_account_id
            left join ledger_accounts ca on ca.id = t.credit_account_id
            left join ledger_transfers hold on hold.id = t.pending_id
            order by t.pool_id, t.seq),
      h as (update ledger_pool_heads ph set last_seq = v.s, last_hash = v.hh
            from unnest(${heads}) as v(pid, s, hh)
            where ph.pool_id = v.pid and ph.lane = ${lane})
      select 1;
      ${platformUpdates}
      commit;`);
  }
}
