import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.ts';
import type { DestinationKind } from './destination.ts';

export type WithdrawalStatus =
  'requesting' | 'failed' | 'requested' | 'confirmed' | 'completed' | 'rejected' | 'expired';

/** Money leaving the platform: held from the member's balance, approved by officers, paid by the owner outside. */
export interface Withdrawal {
  id: string;
  poolId: string;
  userId: string;
  amountMicros: bigint;
  destinationKind: DestinationKind;
  destination: string;
  status: WithdrawalStatus;
  holdId: string | null;
  promptId: string | null;
  /** The owner's record of the outside payment (transaction hash, transfer number). */
  reference: string | null;
  completedBy: string | null;
  requestedAt: Date;
  confirmedAt: Date | null;
  closedAt: Date | null;
  /** Approvals so far and needed, from the approval prompt. */
  approvals: number;
  rejections: number;
  quorum: number;
  ledgerKey: string;
}

interface WithdrawalRow {
  id: string;
  pool_id: string;
  user_id: string;
  amount_micros: string;
  destination_kind: DestinationKind;
  destination: string;
  status: WithdrawalStatus;
  hold_id: string | null;
  prompt_id: string | null;
  reference: string | null;
  completed_by: string | null;
  requested_at: Date;
  confirmed_at: Date | null;
  closed_at: Date | null;
  approvals: string;
  rejections: string;
  quorum: number | null;
  ledger_key: string;
}

export const WITHDRAWAL_SELECT = `
  select w.*, p.quorum,
         (select count(*) from prompt_votes v where v.prompt_id = w.prompt_id and v.choice = 'approve') as approvals,
         (select count(*) from prompt_votes v where v.prompt_id = w.prompt_id and v.choice = 'reject') as rejections
    from withdrawals w left join prompts p on p.id = w.prompt_id`;

const date = (value: Date | null) => (value === null ? null : new Date(value));

export function withdrawalFromRow(row: WithdrawalRow): Withdrawal {
  return {
    id: row.id,
    poolId: row.pool_id,
    userId: row.user_id,
    amountMicros: BigInt(row.amount_micros),
    destinationKind: row.destination_kind,
    destination: row.destination,
    status: row.status,
    holdId: row.hold_id,
    promptId: row.prompt_id,
    reference: row.reference,
    completedBy: row.completed_by,
    requestedAt: new Date(row.requested_at),
    confirmedAt: date(row.confirmed_at),
    closedAt: date(row.closed_at),
    approvals: Number(row.approvals),
    rejections: Number(row.rejections),
    quorum: row.quorum ?? 0,
    ledgerKey: row.ledger_key,
  };
}

export async function loadWithdrawal(em: EntityManager, id: string): Promise<Withdrawal> {
  const rows = await em.execute<WithdrawalRow[]>(`${WITHDRAWAL_SELECT} where w.id = ?`, [id]);
  if (!rows[0]) throw new AppError('WITHDRAWAL_NOT_FOUND');
  return withdrawalFromRow(rows[0]);
}

export async function findWithdrawal(em: EntityManager, where: 'ledger_key' | 'prompt_id', value: string) {
  const rows = await em.execute<WithdrawalRow[]>(`${WITHDRAWAL_SELECT} where w.${where} = ?`, [value]);
  return rows[0] ? withdrawalFromRow(rows[0]) : null;
}

export async function listWithdrawalRows(em: EntityManager, where: string, values: unknown[]): Promise<Withdrawal[]> {
  const rows = await em.execute<WithdrawalRow[]>(`${WITHDRAWAL_SELECT} where ${where}`, values);
  return rows.map(withdrawalFromRow);
}

export function requireWithdrawalStatus(withdrawal: Withdrawal, allowed: readonly WithdrawalStatus[]): void {
  if (!allowed.includes(withdrawal.status))
    throw new AppError('WITHDRAWAL_WRONG_STATE', `the withdrawal is ${withdrawal.status}`, {
      state: withdrawal.status,
    });
}

export const withdrawalPayload = (w: Withdrawal) => ({
  withdrawalId: w.id,
  userId: w.userId,
  amountMicros: w.amountMicros.toString(),
  destinationKind: w.destinationKind,
});
