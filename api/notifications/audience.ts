import type { BusEvent } from '../../events/bus.ts';

/** Who is listening on one stream: the user and the pools they currently belong to (active or suspended). */
export interface Subscriber {
  userId: string;
  poolIds: Set<string>;
}

const LEDGER_EVENTS = new Set(['HoldCreated', 'HoldReleased', 'HoldVoided', 'HoldExpired', 'TransferPosted']);
/** Payload fields that name a person. */
const PERSON_FIELDS = ['userId', 'targetUserId', 'byUserId', 'fromUserId', 'toUserId', 'debitUserId', 'creditUserId'];

const names = (event: BusEvent, userId: string) => PERSON_FIELDS.some((field) => event.payload[field] === userId);

/**
 * Whether a subscriber gets an event, and whether it is about them. Ledger movements go only to the people whose
 * accounts they touch (everyone else's trades are noise; the pool ledger is there to read). Other events of a pool go
 * to its members. Platform events (no pool) go only to the people they name.
 */
export function audienceOf(event: BusEvent, subscriber: Subscriber): { mine: boolean } | null {
  const mine = names(event, subscriber.userId);
  if (LEDGER_EVENTS.has(event.type)) return mine ? { mine } : null;
  if (mine) return { mine };
  if (event.poolId !== null && subscriber.poolIds.has(event.poolId)) return { mine: false };
  return null;
}

/** Keeps a subscriber's pools current from the membership events that name them (before audienceOf decides). */
export function applyMembershipChange(event: BusEvent, subscriber: Subscriber): void {
  if (event.poolId === null || event.payload.userId !== subscriber.userId) return;
  if (event.type === 'MemberJoined' || event.type === 'PoolCreated') subscriber.poolIds.add(event.poolId);
  if (event.type === 'MemberLeft') subscriber.poolIds.delete(event.poolId);
  if (event.type === 'MemberStatusChanged') {
    const status = event.payload.status;
    if (status === 'active' || status === 'suspended') subscriber.poolIds.add(event.poolId);
    else subscriber.poolIds.delete(event.poolId);
  }
}
