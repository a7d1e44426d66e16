import type { AppContext } from '../core/context.ts';
import type { BusEvent } from '../events/bus.ts';
import { actionButton, shortCode } from './actions.ts';
import { compactId, type Button } from './command.ts';
import { disputeVoteButtons } from './commands/dispute.ts';
import { formatAmount, t, type Locale } from './i18n.ts';
import type { NotifyHelpers } from './notify.ts';
import { promptButtons, promptState } from './prompts.ts';

/** A payload field as text: strings as they are, anything else empty. */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const micros = (value: unknown): bigint => BigInt(typeof value === 'string' && /^-?\d+$/.test(value) ? value : '0');
const money = (locale: Locale, value: unknown) => formatAmount(locale, micros(value));

/**
 * The economy's events as messages: the people a deal, withdrawal, dispute or reward concerns are told privately (with
 * the buttons for their next step), officers get approval cards and vote buttons, the pool's chat hears what is public.
 */
export async function notifyEconomy(app: AppContext, event: BusEvent, h: NotifyHelpers): Promise<void> {
  const p = event.payload;
  const code = (id: unknown) => shortCode(String(id));
  const deal = (locale: Locale) => ({
    title: text(p.title),
    code: code(p.dealId),
    amount: money(locale, p.amountMicros),
  });
  switch (event.type) {
    case 'OfferListed':
      await h.post('notify-offer-listed', {
        seller: await h.nameOf(p.sellerUserId),
        title: String(p.title),
        price: money(h.pool.locale, p.priceMicros),
        currency: h.pool.currency,
        code: code(p.offerId),
      });
      return;
    case 'DealReserved': {
      const buyer = await h.nameOf(p.buyerUserId);
      await h.direct(
        p.sellerUserId,
        'notify-deal-reserved',
        (locale) => ({ ...deal(locale), buyer, quantity: Number(p.quantity ?? 1) }),
        (locale) => [
          [
            actionButton(t(locale, 'deal-button-deliver', { code: code(p.dealId) }), 'deal', 'deliver', {
              deal: compactId(String(p.dealId)),
            }),
          ],
        ],
      );
      return;
    }
    case 'DealDelivered': {
      const seller = await h.nameOf(p.sellerUserId);
      await h.direct(
        p.buyerUserId,
        'notify-deal-delivered',
        (locale) => ({ ...deal(locale), seller }),
        (locale) => [
          [
            actionButton(t(locale, 'deal-button-confirm', { code: code(p.dealId) }), 'deal', 'confirm', {
              deal: compactId(String(p.dealId)),
            }),
          ],
        ],
      );
      return;
    }
    case 'DealCompleted':
      await h.direct(p.sellerUserId, 'notify-deal-completed', (locale) => ({
        ...deal(locale),
        net: money(locale, p.netMicros),
      }));
      return;
    case 'DealCancelled':
    case 'DealExpired':
      for (const userId of [p.buyerUserId, p.sellerUserId])
        await h.direct(userId, event.type === 'DealCancelled' ? 'notify-deal-cancelled' : 'notify-deal-expired', deal);
      return;
    case 'DisputeOpened': {
      const opener = await h.nameOf(p.openedBy);
      const deciders = Array.isArray(p.deciderUserIds) ? p.deciderUserIds : [];
      for (const userId of deciders)
        await h.direct(
          userId,
          'notify-dispute-opened',
          (locale) => ({
            ...deal(locale),
            opener,
            statement: text(p.statement),
            dispute: code(p.disputeId),
            quorum: Number(p.quorum ?? 1),
          }),
          (locale) => [disputeVoteButtons(locale, String(p.disputeId))],
        );
      const other = p.openedBy === p.buyerUserId ? p.sellerUserId : p.buyerUserId;
      await h.direct(other, 'notify-dispute-against', (locale) => ({
        ...deal(locale),
        opener,
        dispute: code(p.disputeId),
      }));
      await h.post('notify-dispute-posted', { title: text(p.title), dispute: code(p.disputeId) });
      return;
    }
    case 'DisputeResolved':
      for (const userId of [p.buyerUserId, p.sellerUserId])
        await h.direct(userId, 'notify-dispute-resolved', (locale) => ({
          ...deal(locale),
          outcome: t(locale, `dispute-outcome-${String(p.outcome)}`),
          refund: money(locale, p.refundMicros),
        }));
      return;
    case 'WithdrawalRequested':
      await withdrawalCard(app, event, h);
      return;
    case 'WithdrawalConfirmed': {
      await h.direct(p.userId, 'notify-withdrawal-confirmed', (locale) => ({
        amount: money(locale, p.amountMicros),
        code: code(p.withdrawalId),
      }));
      const rows = await app.em.execute<{ destination: string; owner_user_id: string }[]>(
        'select w.destination, p.owner_user_id from withdrawals w join pools p on p.id = w.pool_id where w.id = ?',
        [p.withdrawalId],
      );
      const member = await h.nameOf(p.userId);
      if (rows[0])
        await h.direct(rows[0].owner_user_id, 'notify-withdrawal-pay', (locale) => ({
          member,
          amount: money(locale, p.amountMicros),
          kind: t(locale, `destination-${String(p.destinationKind)}`),
          destination: rows[0]?.destination ?? '',
          code: code(p.withdrawalId),
        }));
      return;
    }
    case 'WithdrawalRejected':
    case 'WithdrawalExpired':
    case 'WithdrawalCompleted':
      await h.direct(
        p.userId,
        `notify-${event.type === 'WithdrawalRejected' ? 'withdrawal-rejected' : event.type === 'WithdrawalExpired' ? 'withdrawal-expired' : 'withdrawal-completed'}`,
        (locale) => ({
          amount: money(locale, p.amountMicros),
          code: code(p.withdrawalId),
          reference: text(p.reference),
        }),
      );
      return;
    case 'RewardsHeld':
    case 'RewardsReleased':
      for (const share of Array.isArray(p.shares) ? (p.shares as { userId: string; amountMicros: string }[]) : [])
        await h.direct(
          share.userId,
          event.type === 'RewardsHeld' ? 'notify-reward-held' : 'notify-reward-released',
          (locale) => ({
            amount: money(locale, share.amountMicros),
            release: text(p.releaseAt).slice(0, 16).replace('T', ' '),
          }),
        );
      return;
    case 'FraudFlagged': {
      const names = await Promise.all((Array.isArray(p.userIds) ? p.userIds : []).map((id) => h.nameOf(id)));
      for (const userId of await officersOf(app, event.poolId))
        await h.direct(userId, 'notify-fraud', (locale) => ({
          kind: t(locale, `fraud-kind-${String(p.kind)}`),
          members: names.join(', '),
          evidence: JSON.stringify(p.evidence ?? {}).slice(0, 300),
        }));
      return;
    }
    case 'TopupCredited':
    case 'TopupFailed':
    case 'TopupRefunded':
    case 'TopupHeldForReview':
      await h.direct(
        p.userId,
        {
          TopupCredited: 'topup-credited',
          TopupFailed: 'topup-failed',
          TopupRefunded: 'topup-refunded',
          TopupHeldForReview: 'topup-review',
        }[event.type],
        (locale) => ({ amount: money(locale, p.amountMicros) }),
      );
      return;
    case 'SessionEnded':
      for (const [userId, key] of [
        [p.buyerUserId, 'notify-session-ended-buyer'],
        [p.sellerUserId, 'notify-session-ended-node'],
      ] as const)
        await h.direct(userId, key, (locale) => ({
          minutes: Number(p.usedMinutes ?? 0),
          amount: money(locale, p.amountMicros),
          refund: money(locale, p.slaRefundMicros),
          returned: money(locale, p.returnedMicros),
        }));
      return;
    case 'MembershipFeesCharged':
      await h.post('notify-fees', {
        period: String(p.period),
        paid: Number(p.paid ?? 0),
        unpaid: Number(p.unpaid ?? 0),
      });
      return;
    default:
      return;
  }
}

async function officersOf(app: AppContext, poolId: string | null): Promise<string[]> {
  const rows = await app.em.execute<{ user_id: string }[]>(
    "select user_id from pool_members where pool_id = ? and role in ('owner', 'officer') and status = 'active'",
    [poolId],
  );
  return rows.map((row) => row.user_id);
}

/**
 * The approval card of a withdrawal, to each owner and officer who may decide it, with the prompt's buttons; a press
 * counts a vote (role checked on every press) and updates the tally on the card that was pressed.
 */
async function withdrawalCard(app: AppContext, event: BusEvent, h: NotifyHelpers): Promise<void> {
  const p = event.payload;
  const prompts = await app.em.execute<
    { id: string; quorum: number; created_by: string; payload: { selfVote?: boolean } }[]
  >('select id, quorum, created_by, payload from prompts where id = ?', [p.promptId]);
  const prompt = prompts[0];
  if (!prompt) return;
  const member = await h.nameOf(p.userId);
  const view = {
    id: prompt.id,
    kind: 'withdrawal',
    poolId: event.poolId ?? '',
    createdBy: prompt.created_by,
    audience: 'officer' as const,
    quorum: prompt.quorum,
    payload: {},
    status: 'open' as const,
    expiresAt: new Date(),
  };
  for (const userId of await officersOf(app, event.poolId)) {
    if (userId === prompt.created_by && prompt.payload.selfVote !== true) continue;
    await h.direct(
      userId,
      'notify-withdrawal-requested',
      (locale) => ({
        member,
        amount: money(locale, p.amountMicros),
        kind: t(locale, `destination-${String(p.destinationKind)}`),
        code: shortCode(String(p.withdrawalId)),
        state: promptState(locale, view, { approve: 0, reject: 0 }),
      }),
      (locale): Button[][] => [promptButtons(locale, view)],
    );
  }
}
