import type pg from 'pg';
import { GENESIS_HASH, type PoolHead } from '../core/ledger/chain.ts';
import type {
  AccountMismatch,
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
import { uuidv7 } from '../lib/uuid.ts';

const ACCOUNT_COLUMNS =
  'id, pool_id, currency, kind, user_id, no_overdraft, debits_pending, debits_posted, credits_pending, credits_posted';
const TRANSFER_COLUMNS =
  'id, pool_id, seq, kind, debit_account_id, credit_account_id, amount, currency, pending_id, timeout_at, linked_id, code, memo, created_at, prev_hash, hash';

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

/**
 * The ledger on PostgreSQL through node-postgres: a batch is six round trips (three reads, the account locks, one
 * write statement made of data-modifying CTEs, the commit) whatever the number of commands in it.
 */
export class PgLedgerStore implements LedgerStore {
  constructor(private readonly pool: pg.Pool) {}

  async transaction<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await fn(new PgLedgerTx(client));
      await client.query('commit');
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
    if (input.poolId) {
      await this.pool.query(
        `insert into ledger_pool_heads (pool_id, last_seq, last_hash) values ($1, 0, $2) on conflict do nothing`,
        [input.poolId, GENESIS_HASH],
      );
    }
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
    const { rows } = await this.pool.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers
       where (id = $1 and kind = 'pending') or pending_id = $1 order by seq`,
      [holdId],
    );
    const hold = rows.find((row) => row.id === holdId);
    if (!hold) return null;
    const resolution = rows.find((row) => row.pending_id === holdId);
    return { transfer: toTransfer(hold), resolution: resolution ? toTransfer(resolution) : null };
  }

  async listTransfers(poolId: string, options: { beforeSeq?: bigint; limit: number }): Promise<Transfer[]> {
    const { rows } = await this.pool.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers
       where pool_id = $1 and ($2::bigint is null or seq < $2) order by seq desc limit $3`,
      [poolId, options.beforeSeq?.toString() ?? null, options.limit],
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

  async chainPage(poolId: string, afterSeq: bigint, limit: number): Promise<Transfer[]> {
    const { rows } = await this.pool.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers where pool_id = $1 and seq > $2 order by seq limit $3`,
      [poolId, afterSeq.toString(), limit],
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
       select 'hold ' || pending_id || ' resolved ' || count(*) || ' times' from ledger_transfers
        where pending_id is not null and ($1::uuid is null or pool_id = $1)
        group by pending_id having count(*) > 1`,
      [poolId],
    );
    return rows.map((row) => row.violation);
  }

  async poolIdsWithTransfers(): Promise<string[]> {
    const { rows } = await this.pool.query<{ pool_id: string }>(
      'select pool_id from ledger_pool_heads order by pool_id',
    );
    return rows.map((row) => row.pool_id);
  }

  async checkpoints(poolId: string): Promise<Checkpoint[]> {
    const { rows } = await this.pool.query<{ pool_id: string; seq: string; hash: string; created_at: Date }>(
      'select pool_id, seq, hash, created_at from ledger_checkpoints where pool_id = $1 order by seq',
      [poolId],
    );
    return rows.map((row) => ({
      poolId: row.pool_id,
      seq: BigInt(row.seq),
      hash: row.hash,
      createdAt: row.created_at,
    }));
  }

  async writeCheckpoint(poolId: string): Promise<Checkpoint | null> {
    // The checkpoint and its outbox event (the bots post it into the pool's chat) commit together.
    const { rows } = await this.pool.query<{ pool_id: string; seq: string; hash: string; created_at: Date }>(
      `with head as (
         select pool_id, last_seq, last_hash from ledger_pool_heads where pool_id = $1 and last_seq > 0
       ),
       sealed as (
         insert into ledger_checkpoints (pool_id, seq, hash)
         select pool_id, last_seq, last_hash from head
         on conflict do nothing
         returning pool_id, seq, hash, created_at
       ),
       event as (
         insert into outbox_events (type, pool_id, payload)
         select 'LedgerCheckpointSealed', pool_id, jsonb_build_object('seq', seq::text, 'hash', hash) from sealed
       )
       select pool_id, seq, hash, created_at from sealed`,
      [poolId],
    );
    const row = rows[0];
    return row ? { poolId: row.pool_id, seq: BigInt(row.seq), hash: row.hash, createdAt: row.created_at } : null;
  }

  async poolHead(poolId: string): Promise<{ lastSeq: bigint; lastHash: string } | null> {
    const { rows } = await this.pool.query<{ last_seq: string; last_hash: string }>(
      'select last_seq, last_hash from ledger_pool_heads where pool_id = $1',
      [poolId],
    );
    const row = rows[0];
    return row ? { lastSeq: BigInt(row.last_seq), lastHash: row.last_hash } : null;
  }
}

class PgLedgerTx implements LedgerTx {
  constructor(private readonly client: pg.PoolClient) {}

  async findIdempotency(keys: string[]): Promise<Map<string, StoredIdempotency>> {
    const { rows } = await this.client.query<{ key: string; request_hash: string; transfer_ids: string[] }>(
      'select key, request_hash, transfer_ids from ledger_idempotency where key = any($1::text[])',
      [keys],
    );
    return new Map(rows.map((row) => [row.key, { requestHash: row.request_hash, transferIds: row.transfer_ids }]));
  }

  async loadTransfers(ids: string[]): Promise<Transfer[]> {
    const { rows } = await this.client.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers where id = any($1::uuid[]) order by pool_id, seq`,
      [ids],
    );
    return rows.map(toTransfer);
  }

  async loadHolds(ids: string[]): Promise<Map<string, Transfer>> {
    const { rows } = await this.client.query<TransferRow>(
      `select ${TRANSFER_COLUMNS} from ledger_transfers where id = any($1::uuid[]) and kind = 'pending'`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, toTransfer(row)]));
  }

  async lockAccounts(ids: string[]): Promise<{ accounts: Map<string, Account>; nowMs: number }> {
    const { rows } = await this.client.query<AccountRow>(
      `select ${ACCOUNT_COLUMNS} from ledger_accounts where id = any($1::uuid[]) order by id for update`,
      [ids],
    );
    const clock = await this.client.query<{ now_ms: string }>(
      'select floor(extract(epoch from clock_timestamp()) * 1000)::bigint::text as now_ms',
    );
    return {
      accounts: new Map(rows.map((row) => [row.id, toAccount(row)])),
      nowMs: Number(clock.rows[0]?.now_ms),
    };
  }

  async loadResolutions(holdIds: string[]): Promise<Map<string, TransferKind>> {
    const { rows } = await this.client.query<{ pending_id: string; kind: TransferKind }>(
      'select pending_id, kind from ledger_transfers where pending_id = any($1::uuid[])',
      [holdIds],
    );
    return new Map(rows.map((row) => [row.pending_id, row.kind]));
  }

  async lockPoolHeads(poolIds: string[]): Promise<Map<string, PoolHead>> {
    const select = () =>
      this.client.query<{ pool_id: string; last_seq: string; last_hash: string }>(
        'select pool_id, last_seq, last_hash from ledger_pool_heads where pool_id = any($1::uuid[]) order by pool_id for update',
        [poolIds],
      );
    let { rows } = await select();
    if (rows.length < poolIds.length) {
      await this.client.query(
        `insert into ledger_pool_heads (pool_id, last_seq, last_hash)
         select unnest($1::uuid[]), 0, $2 order by 1 on conflict do nothing`,
        [poolIds, GENESIS_HASH],
      );
      ({ rows } = await select());
    }
    return new Map(
      rows.map((row) => [row.pool_id, { poolId: row.pool_id, lastSeq: BigInt(row.last_seq), lastHash: row.last_hash }]),
    );
  }

  async write(batch: BatchWrite): Promise<void> {
    const t = batch.transfers;
    const a = batch.accounts;
    const text = (values: bigint[]) => values.map(String);
    await this.client.query(
      `with
       t as (insert into ledger_transfers (${TRANSFER_COLUMNS})
             select * from unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::uuid[], $6::uuid[], $7::bigint[],
                                  $8::text[], $9::uuid[], $10::timestamptz[], $11::uuid[], $12::text[], $13::text[],
                                  $14::timestamptz[], $15::text[], $16::text[])),
       a as (update ledger_accounts acc
             set debits_pending = v.dpe, debits_posted = v.dpo, credits_pending = v.cpe, credits_posted = v.cpo
             from unnest($17::uuid[], $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[]) as v(id, dpe, dpo, cpe, cpo)
             where acc.id = v.id),
       oh as (insert into ledger_open_holds (hold_id, pool_id, timeout_at)
              select * from unnest($22::uuid[], $23::uuid[], $24::timestamptz[])),
       ch as (delete from ledger_open_holds where hold_id = any($25::uuid[])),
       i as (insert into ledger_idempotency (key, request_hash, transfer_ids)
             select k, h, string_to_array(r, ',')::uuid[] from unnest($26::text[], $27::text[], $28::text[]) as x(k, h, r)),
       o as (insert into outbox_events (type, pool_id, payload)
             select ty, p, pl::jsonb from unnest($29::text[], $30::uuid[], $31::text[]) as y(ty, p, pl)),
       h as (update ledger_pool_heads ph set last_seq = v.s, last_hash = v.hh
             from unnest($32::uuid[], $33::bigint[], $34::text[]) as v(pid, s, hh) where ph.pool_id = v.pid)
       select 1`,
      [
        t.map((x) => x.id),
        t.map((x) => x.poolId),
        text(t.map((x) => x.seq)),
        t.map((x) => x.kind),
        t.map((x) => x.debitAccountId),
        t.map((x) => x.creditAccountId),
        text(t.map((x) => x.amountMicros)),
        t.map((x) => x.currency),
        t.map((x) => x.pendingId),
        t.map((x) => x.timeoutAt),
        t.map((x) => x.linkedId),
        t.map((x) => x.code),
        t.map((x) => x.memo),
        t.map((x) => x.createdAt),
        t.map((x) => x.prevHash),
        t.map((x) => x.hash),
        a.map((x) => x.id),
        text(a.map((x) => x.debitsPendingMicros)),
        text(a.map((x) => x.debitsPostedMicros)),
        text(a.map((x) => x.creditsPendingMicros)),
        text(a.map((x) => x.creditsPostedMicros)),
        batch.openedHolds.map((x) => x.holdId),
        batch.openedHolds.map((x) => x.poolId),
        batch.openedHolds.map((x) => x.timeoutAt),
        batch.closedHoldIds,
        batch.idempotency.map((x) => x.key),
        batch.idempotency.map((x) => x.requestHash),
        batch.idempotency.map((x) => x.transferIds.join(',')),
        batch.events.map((x) => x.type),
        batch.events.map((x) => x.poolId),
        batch.events.map((x) => JSON.stringify(x.payload)),
        batch.heads.map((x) => x.poolId),
        text(batch.heads.map((x) => x.lastSeq)),
        batch.heads.map((x) => x.lastHash),
      ],
    );
  }
}
