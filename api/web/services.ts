import type { AppContext } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { getMe } from '../../core/users/get-me.ts';
import { getBalance } from '../../core/holds/pool-reads.ts';
import { getPool } from '../../core/pools/get-pool.ts';
import { listOffers } from '../../core/market/list-offers.ts';
import { acceptOffer } from '../../core/market/accept-offer.ts';
import { listMyDeals } from '../../core/market/list-deals.ts';
import { listWithdrawals } from '../../core/withdrawals/list-withdrawals.ts';
import { startSession } from '../../core/gameboost/start-session.ts';
import { endSession } from '../../core/gameboost/end-session.ts';
import { listSessions } from '../../core/gameboost/session-view.ts';
import { agentStatuses } from '../../core/agents/agent-status.ts';
import { standingOf } from '../../core/reputation/scores.ts';
import { OFFER_KINDS, type OfferKind } from '../../core/pools/pool-view.ts';
import {
  peekLoginLink,
  setViewerLocale,
  signInWithDiscord,
  signInWithLink,
  signInWithTelegram,
  signOut,
  type Locale,
  type Viewer,
} from '../../core/web/web-auth.ts';
import { discordAuthorizeUrl, discordUserFromCode, type DiscordOAuthConfig } from '../../lib/discord-oauth.ts';
import { ownSession } from '../v1/gameboost.ts';
import { iceServersFor } from '../../core/gameboost/ice.ts';

/**
 * What the web companion's loaders and actions call. Amounts leave as decimal strings of micros (the page formats
 * them for the reader's language); every read checks the viewer's access through the same use cases as REST.
 */
export function createWebServices(options: { telegramBotToken?: string; discord?: DiscordOAuthConfig }) {
  const { discord, telegramBotToken } = options;
  return {
    signInMethods: { telegram: Boolean(telegramBotToken), discord: Boolean(discord) },

    peekLoginLink: (app: AppContext, token: string) => peekLoginLink(app, token),
    signInWithLink: (app: AppContext, token: string, userAgent: string) => signInWithLink(app, { token, userAgent }),
    signInWithTelegram(app: AppContext, initData: string, userAgent: string) {
      if (!telegramBotToken) throw new AppError('SIGN_IN_REFUSED', 'Telegram is not connected here');
      return signInWithTelegram(app, { initData, botToken: telegramBotToken, userAgent });
    },
    discordAuthorizeUrl(state: string): string | null {
      return discord ? discordAuthorizeUrl(discord, state) : null;
    },
    async signInWithDiscord(app: AppContext, code: string, userAgent: string) {
      if (!discord) throw new AppError('SIGN_IN_REFUSED', 'Discord sign-in is not configured here');
      return signInWithDiscord(app, { discordUser: await discordUserFromCode(discord, code), userAgent });
    },
    signOut: (app: AppContext, viewer: Viewer) => signOut(app, viewer.sessionId),
    setLocale: (app: AppContext, viewer: Viewer, locale: Locale) => setViewerLocale(app, viewer, locale),

    /** Every pool the viewer belongs to with their balance there. */
    async overview(app: AppContext, viewer: Viewer) {
      const me = await getMe(app, viewer);
      const pools = await Promise.all(
        me.pools.map(async (p) => {
          const balance = p.status === 'banned' ? null : await getBalance(app, viewer, { poolId: p.poolId });
          return {
            ...p,
            availableMicros: String(balance?.availableMicros ?? 0n),
            heldMicros: String(balance?.pendingMicros ?? 0n),
          };
        }),
      );
      return { displayName: me.displayName, identities: me.identities.map((i) => i.platform), pools };
    },

    /** One pool's wallet: balance, money on hold and where it is going, history, withdrawals. */
    async wallet(app: AppContext, viewer: Viewer, input: { poolId: string; before?: string }) {
      const { pool, membership } = await getPool(app, viewer, { poolId: input.poolId });
      if (!membership) throw new AppError('NOT_A_MEMBER');
      const [balance, account, withdrawals, deals, standing] = await Promise.all([
        getBalance(app, viewer, { poolId: pool.id }),
        app.ledger.store.findAccount({
          poolId: pool.id,
          currency: pool.currency,
          kind: 'member',
          userId: viewer.userId,
        }),
        listWithdrawals(app, viewer, { poolId: pool.id, limit: 20 }),
        listMyDeals(app, viewer, { poolId: pool.id, open: true, limit: 20 }),
        standingOf(app.em, pool.id, viewer.userId),
      ]);
      const accountId = account?.id ?? '00000000-0000-0000-0000-000000000000';
      const [holds, history] = await Promise.all([
        app.em.execute<HoldRow[]>(
          `select t.id, t.amount, t.code, t.memo, t.timeout_at, t.created_at, c.kind as to_kind, u.display_name as to_name
             from ledger_transfers t join ledger_open_holds h on h.hold_id = t.id
             join ledger_accounts c on c.id = t.credit_account_id left join users u on u.id = c.user_id
            where t.debit_account_id = ? and t.kind = 'pending' order by t.id desc limit 50`,
          [accountId],
        ),
        app.em.execute<HistoryRow[]>(
          `select t.id, t.kind, t.amount, t.code, t.memo, t.created_at, t.debit_account_id = ? as outgoing,
                  o.kind as other_kind, u.display_name as other_name
             from ledger_transfers t
             join ledger_accounts o on o.id = case when t.debit_account_id = ? then t.credit_account_id else t.debit_account_id end
             left join users u on u.id = o.user_id
            where (t.debit_account_id = ? or t.credit_account_id = ?) and t.kind in ('posted', 'post_pending')
              and (?::uuid is null or t.id < ?::uuid)
            order by t.id desc limit ${HISTORY_PAGE + 1}`,
          [accountId, accountId, accountId, accountId, input.before ?? null, input.before ?? null],
        ),
      ]);
      return {
        pool: { id: pool.id, name: pool.name, currency: pool.currency, role: membership.role },
        balance: {
          availableMicros: String(balance.availableMicros),
          heldMicros: String(balance.pendingMicros),
          postedMicros: String(balance.postedMicros),
        },
        rating: standing.rating,
        reliability: standing.reliability,
        holds: holds.map((h) => ({
          id: h.id,
          amountMicros: String(h.amount),
          code: h.code,
          memo: h.memo,
          to: h.to_name,
          toKind: h.to_kind,
          timeoutAt: new Date(h.timeout_at).toISOString(),
          createdAt: new Date(h.created_at).toISOString(),
        })),
        history: history.slice(0, HISTORY_PAGE).map((t) => ({
          id: t.id,
          amountMicros: String(t.amount),
          direction: t.outgoing ? ('out' as const) : ('in' as const),
          code: t.code,
          memo: t.memo,
          counterparty: t.other_name,
          counterpartyKind: t.other_kind,
          createdAt: new Date(t.created_at).toISOString(),
        })),
        nextBefore: history.length > HISTORY_PAGE ? (history[HISTORY_PAGE - 1]?.id ?? null) : null,
        withdrawals: withdrawals.map((w) => ({
          id: w.id,
          amountMicros: String(w.amountMicros),
          destinationKind: w.destinationKind,
          status: w.status,
          approvals: w.approvals,
          quorum: w.quorum,
          reference: w.reference,
          requestedAt: w.requestedAt.toISOString(),
        })),
        deals: deals.map((d) => ({
          id: d.id,
          title: d.title,
          status: d.status,
          totalMicros: String(d.totalMicros),
          role: d.buyerUserId === viewer.userId ? ('buyer' as const) : ('seller' as const),
        })),
      };
    },

    async market(
      app: AppContext,
      viewer: Viewer,
      input: { poolId: string; kind?: string; sort?: string; search?: string; maxPrice?: string; page: number },
    ) {
      const { pool, membership } = await getPool(app, viewer, { poolId: input.poolId });
      const kind = (OFFER_KINDS as readonly string[]).includes(input.kind ?? '')
        ? (input.kind as OfferKind)
        : undefined;
      const maxPrice = /^[0-9]{1,12}(\.[0-9]{1,6})?$/.test(input.maxPrice ?? '') ? input.maxPrice : undefined;
      const { offers, total } = await listOffers(app, viewer, {
        poolId: pool.id,
        kind,
        sort: input.sort === 'rating' ? 'rating' : 'price',
        search: input.search?.trim().slice(0, 100) || undefined,
        maxPriceMicros: maxPrice ? unitsToMicros(maxPrice) : undefined,
        offset: (input.page - 1) * MARKET_PAGE,
        limit: MARKET_PAGE,
      });
      return {
        pool: { id: pool.id, name: pool.name, currency: pool.currency, role: membership?.role ?? null },
        total,
        pages: Math.max(1, Math.ceil(total / MARKET_PAGE)),
        offers: offers.map((o) => ({
          id: o.id,
          kind: o.kind,
          title: o.title,
          description: o.description,
          sellerName: o.sellerName,
          sellerRating: o.sellerRating,
          mine: o.sellerUserId === viewer.userId,
          machineName: o.machineName,
          cpuScore: o.cpuScore,
          encodeFps: o.encodeFps,
          gpuEncodeFps: o.gpuEncodeFps,
          priceMicros: String(o.priceMicros),
          quantityLeft: o.quantityLeft,
        })),
      };
    },

    async buy(app: AppContext, viewer: Viewer, input: { offerId: string; quantity: number; idempotencyKey: string }) {
      const { deal } = await acceptOffer(app, viewer, input);
      return { dealId: deal.id, title: deal.title, totalMicros: String(deal.totalMicros), poolId: deal.poolId };
    },

    /**
     * GameBoost nodes of a pool: each slot offer with its machine's presence, benchmark, and the quality its recent
     * sessions measured in viewers' browsers (median RTT and FPS) — what "latency" means before you connect.
     */
    async nodes(app: AppContext, viewer: Viewer, input: { poolId: string }) {
      const { pool, membership } = await getPool(app, viewer, { poolId: input.poolId });
      const { offers } = await listOffers(app, viewer, {
        poolId: pool.id,
        kind: 'gameboost_slot',
        sort: 'rating',
        offset: 0,
        limit: 100,
      });
      const machineIds = [...new Set(offers.flatMap((o) => (o.machineId ? [o.machineId] : [])))];
      const [agents, quality, mine] = await Promise.all([
        agentStatuses(app, machineIds),
        machineIds.length === 0
          ? Promise.resolve([] as QualityRow[])
          : app.em.execute<QualityRow[]>(
              `select s.machine_id,
                      percentile_cont(0.5) within group (order by m.rtt_ms) as rtt_ms,
                      percentile_cont(0.5) within group (order by m.fps) as fps,
                      count(distinct s.id)::int as sessions
                 from gameboost_sessions s join session_metrics m on m.session_id = s.id and m.source = 'browser'
                where s.machine_id in (?) and s.created_at > now() - interval '30 days'
                group by s.machine_id`,
              [machineIds],
            ),
        listSessions(app.em, 'buyer_user_id = ? and pool_id = ? order by created_at desc limit 10', [
          viewer.userId,
          pool.id,
        ]),
      ]);
      const byMachine = new Map(quality.map((q) => [q.machine_id, q]));
      return {
        pool: { id: pool.id, name: pool.name, currency: pool.currency, role: membership?.role ?? null },
        nodes: offers.map((o) => {
          const agent = o.machineId ? agents.get(o.machineId) : undefined;
          const q = o.machineId ? byMachine.get(o.machineId) : undefined;
          return {
            offerId: o.id,
            title: o.title,
            sellerName: o.sellerName,
            rating: o.sellerRating,
            mine: o.sellerUserId === viewer.userId,
            machineName: o.machineName,
            cpuScore: o.cpuScore,
            encodeFps: o.encodeFps,
            gpuEncodeFps: o.gpuEncodeFps,
            online: agent?.online ?? false,
            pricePerHourMicros: String(o.priceMicros),
            medianRttMs: q?.rtt_ms === null || q?.rtt_ms === undefined ? null : Math.round(Number(q.rtt_ms)),
            medianFps: q?.fps === null || q?.fps === undefined ? null : Math.round(Number(q.fps)),
            sessions: q?.sessions ?? 0,
          };
        }),
        sessions: mine.map(sessionJson),
      };
    },

    async rent(app: AppContext, viewer: Viewer, input: { offerId: string; minutes: number; idempotencyKey: string }) {
      const { session, viewerToken } = await startSession(app, viewer, input);
      const iceServers = iceServersFor(app.ice, `viewer-${session.id}`);
      return { sessionId: session.id, viewerToken, poolId: session.poolId, iceServers };
    },

    /** One of the viewer's sessions, with its pool's name and currency for the bill. */
    async session(app: AppContext, viewer: Viewer, sessionId: string) {
      const session = sessionJson(await ownSession(app.em, viewer.userId, sessionId));
      const [pool] = await app.em.execute<{ name: string; currency: string }[]>(
        'select name, currency from pools where id = ?',
        [session.poolId],
      );
      return { ...session, poolName: pool?.name ?? '', currency: pool?.currency ?? '' };
    },

    async endSession(app: AppContext, viewer: Viewer, sessionId: string) {
      await ownSession(app.em, viewer.userId, sessionId);
      return sessionJson(await endSession(app, viewer, { sessionId }));
    },
  };
}

export type WebServices = ReturnType<typeof createWebServices>;

const HISTORY_PAGE = 25;
const MARKET_PAGE = 20;

function unitsToMicros(units: string): bigint {
  const [whole = '0', fraction = ''] = units.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0'));
}

function sessionJson(s: Awaited<ReturnType<typeof listSessions>>[number]) {
  return {
    id: s.id,
    poolId: s.poolId,
    status: s.status,
    rentedMinutes: s.rentedMinutes,
    usedMinutes: s.usedMinutes,
    holdMicros: String(s.holdMicros),
    chargedMicros: s.chargedMicros === null ? null : String(s.chargedMicros),
    slaRefundMicros: s.slaRefundMicros === null ? null : String(s.slaRefundMicros),
    endReason: s.endReason,
    startedAt: s.startedAt?.toISOString() ?? null,
    endedAt: s.endedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}

interface HoldRow {
  id: string;
  amount: string;
  code: string;
  memo: string;
  timeout_at: Date;
  created_at: Date;
  to_kind: string;
  to_name: string | null;
}

interface HistoryRow {
  id: string;
  kind: string;
  amount: string;
  code: string;
  memo: string;
  created_at: Date;
  outgoing: boolean;
  other_kind: string;
  other_name: string | null;
}

interface QualityRow {
  machine_id: string;
  rtt_ms: number | string | null;
  fps: number | string | null;
  sessions: number;
}
