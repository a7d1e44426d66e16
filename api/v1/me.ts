import { z } from 'zod';
import { createAccessToken, listAccessTokens, revokeAccessToken, TOKEN_SCOPES } from '../../core/auth/tokens.ts';
import { AppError } from '../../core/errors.ts';
import { createLinkCode, redeemLinkCode } from '../../core/identities/link-codes.ts';
import { getPlatformSettings, updatePlatformSettings } from '../../core/platform/settings.ts';
import { getMe } from '../../core/users/get-me.ts';
import { defineRoute } from '../rest/route.ts';
import { MicrosIn, MicrosOut, Uuid } from '../rest/schemas.ts';
import { actorOf } from './views.ts';

export const meRoute = defineRoute({
  method: 'get',
  path: '/me',
  operationId: 'getMe',
  summary: 'The caller, linked identities, pools and roles',
  tags: ['me'],
  auth: 'read',
  response: {
    status: 200,
    description: 'Who you are.',
    schema: z.object({
      userId: z.uuid(),
      displayName: z.string(),
      isGlobalAdmin: z.boolean(),
      locale: z.enum(['en', 'ru']),
      identities: z.array(
        z.object({
          platform: z.enum(['local', 'discord', 'telegram']),
          externalId: z.string(),
          username: z.string().nullable(),
          linkedAt: z.iso.datetime(),
        }),
      ),
      pools: z.array(
        z.object({
          poolId: z.uuid(),
          name: z.string(),
          type: z.string(),
          currency: z.string(),
          role: z.enum(['owner', 'officer', 'member']),
          status: z.enum(['active', 'left', 'suspended', 'banned']),
        }),
      ),
    }),
  },
  errors: ['USER_NOT_FOUND'],
  async handler({ caller, app }) {
    const me = await getMe(app, actorOf(caller));
    return { ...me, identities: me.identities.map((i) => ({ ...i, linkedAt: i.linkedAt.toISOString() })) };
  },
});

export const createLinkCodeRoute = defineRoute({
  method: 'post',
  path: '/me/link-codes',
  operationId: 'createLinkCode',
  summary: 'A one-time code to link another platform’s identity to you (valid 10 minutes)',
  tags: ['me'],
  auth: 'write',
  body: z.strictObject({ issuedOn: z.enum(['local', 'discord', 'telegram']).default('local') }).optional(),
  response: {
    status: 201,
    description: 'Enter the code on the other platform.',
    schema: z.object({ code: z.string(), expiresAt: z.iso.datetime() }),
  },
  errors: [],
  async handler({ body, caller, app }) {
    const { code, expiresAt } = await createLinkCode(app, actorOf(caller), { issuedOn: body?.issuedOn ?? 'local' });
    return { code, expiresAt: expiresAt.toISOString() };
  },
});

export const redeemLinkCodeRoute = defineRoute({
  method: 'post',
  path: '/me/link',
  operationId: 'redeemLinkCode',
  summary: 'Enter a link code: your identities join the user who was shown it',
  description: 'Your own tokens are revoked afterwards: you act as the linked user from then on.',
  tags: ['me'],
  auth: 'write',
  body: z.strictObject({ code: z.string().min(1).max(20) }),
  response: {
    status: 200,
    description: 'Linked.',
    schema: z.object({ userId: z.uuid(), linked: z.array(z.enum(['local', 'discord', 'telegram'])) }),
  },
  errors: ['LINK_CODE_INVALID', 'IDENTITY_ALREADY_LINKED', 'RATE_LIMITED'],
  async handler({ body, caller, app }) {
    return redeemLinkCode(app, actorOf(caller), body);
  },
});

const TokenSchema = z.object({
  tokenId: z.uuid(),
  name: z.string(),
  scopes: z.array(z.enum(TOKEN_SCOPES)),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});

export const listTokensRoute = defineRoute({
  method: 'get',
  path: '/me/tokens',
  operationId: 'listTokens',
  summary: 'Your personal access tokens (never their secrets)',
  tags: ['me'],
  auth: 'read',
  response: {
    status: 200,
    description: 'Live tokens, newest first.',
    schema: z.object({ items: z.array(TokenSchema) }),
  },
  errors: [],
  async handler({ caller, app }) {
    const tokens = await listAccessTokens(app.em, actorOf(caller).userId);
    return {
      items: tokens.map((t) => ({
        ...t,
        createdAt: t.createdAt.toISOString(),
        lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
      })),
    };
  },
});

export const createTokenRoute = defineRoute({
  method: 'post',
  path: '/me/tokens',
  operationId: 'createToken',
  summary: 'Create a personal access token (the secret is shown once)',
  description: 'A token cannot carry a scope its creator’s token lacks.',
  tags: ['me'],
  auth: 'write',
  body: z.strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).max(3),
  }),
  response: { status: 201, description: 'The new token.', schema: z.object({ tokenId: z.uuid(), token: z.string() }) },
  errors: ['INSUFFICIENT_SCOPE'],
  async handler({ body, caller, app }) {
    if (!caller) throw new Error('unauthenticated token creation');
    const missing = body.scopes.filter((scope) => !caller.scopes.includes(scope));
    if (missing.length > 0) throw new AppError('INSUFFICIENT_SCOPE', `your credential lacks ${missing.join(', ')}`);
    return createAccessToken(app.em, { userId: caller.userId, name: body.name, scopes: [...new Set(body.scopes)] });
  },
});

export const revokeTokenRoute = defineRoute({
  method: 'delete',
  path: '/me/tokens/{tokenId}',
  operationId: 'revokeToken',
  summary: 'Revoke one of your tokens',
  tags: ['me'],
  auth: 'write',
  params: z.object({ tokenId: Uuid }),
  response: { status: 200, description: 'Revoked.', schema: z.object({ tokenId: z.uuid(), revoked: z.literal(true) }) },
  errors: ['VALIDATION_FAILED'],
  async handler({ params, caller, app }) {
    if (!(await revokeAccessToken(app.em, actorOf(caller).userId, params.tokenId)))
      throw new AppError('VALIDATION_FAILED', 'no live token of yours has that id');
    return { tokenId: params.tokenId, revoked: true as const };
  },
});

const PlatformSettingsSchema = z.object({
  platformFeeBps: z.number().int(),
  premiumPoolFeeMicros: MicrosOut,
});

export const getPlatformSettingsRoute = defineRoute({
  method: 'get',
  path: '/platform/settings',
  operationId: 'getPlatformSettings',
  summary: 'The platform fee rate and the premium pool price',
  tags: ['platform'],
  auth: 'read',
  response: { status: 200, description: 'Current values.', schema: PlatformSettingsSchema },
  errors: [],
  async handler({ app }) {
    const settings = await getPlatformSettings(app.em, app.defaults);
    return { ...settings, premiumPoolFeeMicros: settings.premiumPoolFeeMicros.toString() };
  },
});

export const updatePlatformSettingsRoute = defineRoute({
  method: 'patch',
  path: '/platform/settings',
  operationId: 'updatePlatformSettings',
  summary: 'Change the platform fee rate or the premium pool price (Global Admin)',
  tags: ['platform'],
  auth: 'admin',
  body: z.strictObject({
    platformFeeBps: z.int().min(0).max(5000).optional(),
    premiumPoolFeeMicros: MicrosIn.optional(),
  }),
  response: { status: 200, description: 'Values now.', schema: PlatformSettingsSchema },
  errors: ['NOT_GLOBAL_ADMIN', 'VALIDATION_FAILED'],
  async handler({ body, caller, app }) {
    const settings = await updatePlatformSettings(app, actorOf(caller), body);
    return { ...settings, premiumPoolFeeMicros: settings.premiumPoolFeeMicros.toString() };
  },
});

export const meRoutes = [
  meRoute,
  createLinkCodeRoute,
  redeemLinkCodeRoute,
  listTokensRoute,
  createTokenRoute,
  revokeTokenRoute,
  getPlatformSettingsRoute,
  updatePlatformSettingsRoute,
];
