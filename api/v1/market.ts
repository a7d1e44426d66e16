import { z } from 'zod';
import { acceptOffer } from '../../core/market/accept-offer.ts';
import { cancelDeal } from '../../core/market/cancel-deal.ts';
import { confirmDeal } from '../../core/market/complete-deal.ts';
import { createOffer } from '../../core/market/create-offer.ts';
import { deliverDeal } from '../../core/market/deliver-deal.ts';
import { getDeal, listMyDeals } from '../../core/market/list-deals.ts';
import { listOffers } from '../../core/market/list-offers.ts';
import { loadOffer } from '../../core/market/offer-view.ts';
import { updateOffer } from '../../core/market/update-offer.ts';
import { OFFER_KINDS } from '../../core/pools/pool-view.ts';
import { canReadAsMember, loadPoolAccess } from '../../core/access/pool-access.ts';
import { AppError } from '../../core/errors.ts';
import { defineRoute } from '../rest/route.ts';
import { CursorQuery, decodeCursor, encodeCursor, MicrosIn, Uuid } from '../rest/schemas.ts';
import { DealSchema, dealJson, OfferSchema, offerJson } from './economy-views.ts';
import { actorOf, page } from './views.ts';

const PoolParams = z.object({ poolId: Uuid });
const OfferParams = z.object({ offerId: Uuid });
const DealParams = z.object({ dealId: Uuid });
const ACTING = ['POOL_NOT_FOUND', 'NOT_A_MEMBER', 'MEMBER_SUSPENDED', 'MEMBER_BANNED', 'POOL_SUSPENDED'] as const;
const DEAL_STEP = [...ACTING, 'DEAL_NOT_FOUND', 'DEAL_WRONG_STATE', 'NOT_DEAL_PARTY'] as const;

export const createOfferRoute = defineRoute({
  method: 'post',
  path: '/pools/{poolId}/offers',
  operationId: 'createOffer',
  summary: 'List an offer on the pool’s marketplace',
  description:
    'Compute time and GameBoost slots are priced per hour and name one of your machines; private access names the private or premium pool it opens (you must run it); cosmetics are items. The pool’s minimum price per kind and its rating restriction apply.',
  tags: ['marketplace'],
  auth: 'write',
  idempotency: 'optional',
  params: PoolParams,
  body: z.strictObject({
    kind: z.enum(OFFER_KINDS),
    title: z.string().trim().min(1).max(120),
    description: z.string().max(1000).optional(),
    priceMicros: MicrosIn,
    quantity: z.int().min(1).max(100_000).optional(),
    machineId: Uuid.optional(),
    targetPoolId: Uuid.optional(),
  }),
  response: { status: 201, description: 'The offer.', schema: z.object({ offer: OfferSchema }) },
  errors: [
    ...ACTING,
    'PRICE_BELOW_MINIMUM',
    'RESTRICTED_BY_REPUTATION',
    'MACHINE_NOT_FOUND',
    'NOT_AN_OFFICER',
    'INVALID_AMOUNT',
  ],
  async handler({ params, body, caller, app }) {
    return { offer: offerJson(await createOffer(app, actorOf(caller), { poolId: params.poolId, ...body })) };
  },
});

export const listOffersRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/offers',
  operationId: 'listOffers',
  summary: 'Browse the pool’s active offers',
  description: 'Cheapest first, or best-rated sellers first with `sort=rating`. Paged by `offset`.',
  tags: ['marketplace'],
  auth: 'read',
  params: PoolParams,
  query: z.strictObject({
    kind: z.enum(OFFER_KINDS).optional(),
    maxPriceMicros: MicrosIn.optional(),
    minRating: z.coerce.number().int().min(0).max(100).optional(),
    seller: Uuid.optional(),
    q: z.string().max(100).optional(),
    sort: z.enum(['price', 'rating']).default('price'),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  }),
  response: {
    status: 200,
    description: 'A page of offers and how many match.',
    schema: z.object({ items: z.array(OfferSchema), total: z.number().int() }),
  },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER'],
  async handler({ params, query, caller, app }) {
    const { offers, total } = await listOffers(app, actorOf(caller), {
      poolId: params.poolId,
      kind: query.kind,
      maxPriceMicros: query.maxPriceMicros,
      minRating: query.minRating,
      sellerUserId: query.seller,
      search: query.q,
      sort: query.sort,
      offset: query.offset,
      limit: query.limit,
    });
    return { items: offers.map(offerJson), total };
  },
});

export const getOfferRoute = defineRoute({
  method: 'get',
  path: '/offers/{offerId}',
  operationId: 'getOffer',
  summary: 'One offer',
  tags: ['marketplace'],
  auth: 'read',
  params: OfferParams,
  response: { status: 200, description: 'The offer.', schema: z.object({ offer: OfferSchema }) },
  errors: ['OFFER_NOT_FOUND', 'NOT_A_MEMBER'],
  async handler({ params, caller, app }) {
    const offer = await loadOffer(app.em, params.offerId);
    if (!canReadAsMember(await loadPoolAccess(app.em, actorOf(caller), offer.poolId)))
      throw new AppError('NOT_A_MEMBER');
    return { offer: offerJson(offer) };
  },
});

export const updateOfferRoute = defineRoute({
  method: 'patch',
  path: '/offers/{offerId}',
  operationId: 'updateOffer',
  summary: 'Pause, resume, close or reprice an offer',
  description: 'The seller changes their offer; officers and the owner may pause or close any offer (moderation).',
  tags: ['marketplace'],
  auth: 'write',
  params: OfferParams,
  body: z.strictObject({
    status: z.enum(['active', 'paused', 'closed']).optional(),
    priceMicros: MicrosIn.optional(),
    quantity: z.int().min(0).max(100_000).nullable().optional(),
  }),
  response: { status: 200, description: 'The offer as it is now.', schema: z.object({ offer: OfferSchema }) },
  errors: [...ACTING, 'OFFER_NOT_FOUND', 'OFFER_NOT_AVAILABLE', 'NOT_DEAL_PARTY', 'PRICE_BELOW_MINIMUM'],
  async handler({ params, body, caller, app }) {
    return { offer: offerJson(await updateOffer(app, actorOf(caller), { offerId: params.offerId, ...body })) };
  },
});

export const acceptOfferRoute = defineRoute({
  method: 'post',
  path: '/offers/{offerId}/accept',
  operationId: 'acceptOffer',
  summary: 'Buy or reserve: hold the price in the seller’s favour',
  description:
    'Places a hold of price × quantity on your balance. The seller delivers; you confirm (or the deal completes by itself after the pool’s dispute window) and the seller is paid less the platform fee and the pool’s cut, fixed now. Cancellation or expiry returns everything.',
  tags: ['marketplace'],
  auth: 'write',
  idempotency: 'required',
  params: OfferParams,
  body: z.strictObject({ quantity: z.int().min(1).max(1000).default(1) }),
  response: { status: 201, description: 'The deal.', schema: z.object({ deal: DealSchema }) },
  errors: [
    ...ACTING,
    'OFFER_NOT_FOUND',
    'OFFER_NOT_AVAILABLE',
    'OWN_OFFER',
    'INSUFFICIENT_FUNDS',
    'PURCHASE_CAP_REACHED',
    'RESTRICTED_BY_REPUTATION',
    'IDEMPOTENCY_KEY_REUSED',
  ],
  async handler({ params, body, caller, app, idempotencyKey }) {
    const { deal } = await acceptOffer(app, actorOf(caller), {
      offerId: params.offerId,
      quantity: body.quantity,
      idempotencyKey: idempotencyKey as string,
    });
    return { deal: dealJson(deal) };
  },
});

export const listDealsRoute = defineRoute({
  method: 'get',
  path: '/pools/{poolId}/deals',
  operationId: 'listMyDeals',
  summary: 'Your deals in the pool, as buyer or seller',
  tags: ['marketplace'],
  auth: 'read',
  params: PoolParams,
  query: CursorQuery.extend({ open: z.enum(['true', 'false']).optional() }),
  response: { status: 200, description: 'Newest first.', schema: page(DealSchema) },
  errors: ['POOL_NOT_FOUND', 'NOT_A_MEMBER'],
  async handler({ params, query, caller, app }) {
    const rows = await listMyDeals(app, actorOf(caller), {
      poolId: params.poolId,
      open: query.open === 'true',
      beforeId: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(dealJson), nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null };
  },
});

export const getDealRoute = defineRoute({
  method: 'get',
  path: '/deals/{dealId}',
  operationId: 'getDeal',
  summary: 'One deal (its buyer, seller, or the pool’s officers)',
  tags: ['marketplace'],
  auth: 'read',
  params: DealParams,
  response: { status: 200, description: 'The deal.', schema: z.object({ deal: DealSchema }) },
  errors: ['DEAL_NOT_FOUND', 'NOT_A_MEMBER', 'NOT_AN_OFFICER'],
  async handler({ params, caller, app }) {
    return { deal: dealJson(await getDeal(app, actorOf(caller), params)) };
  },
});

const dealStep = (
  name: 'deliver' | 'confirm' | 'cancel',
  summary: string,
  description: string,
  step: typeof deliverDeal,
) =>
  defineRoute({
    method: 'post',
    path: `/deals/{dealId}/${name}`,
    operationId: `${name}Deal`,
    summary,
    description,
    tags: ['marketplace'],
    auth: 'write',
    idempotency: 'optional',
    params: DealParams,
    response: { status: 200, description: 'The deal as it is now.', schema: z.object({ deal: DealSchema }) },
    errors: DEAL_STEP,
    async handler({ params, caller, app }) {
      return { deal: dealJson(await step(app, actorOf(caller), params)) };
    },
  });

export const deliverDealRoute = dealStep(
  'deliver',
  'The seller marks the deal delivered',
  'Starts the dispute window; after it the deal completes by itself.',
  deliverDeal,
);
export const confirmDealRoute = dealStep(
  'confirm',
  'The buyer confirms: the seller is paid now',
  'Posts the hold: the seller gets the price less the platform fee and the pool’s cut, in one linked chain.',
  confirmDeal,
);
export const cancelDealRoute = dealStep(
  'cancel',
  'Call the deal off and refund the buyer',
  'The buyer until delivery, the seller until completion, officers at any open step.',
  cancelDeal,
);

export const marketRoutes = [
  createOfferRoute,
  listOffersRoute,
  getOfferRoute,
  updateOfferRoute,
  acceptOfferRoute,
  listDealsRoute,
  getDealRoute,
  deliverDealRoute,
  confirmDealRoute,
  cancelDealRoute,
];
