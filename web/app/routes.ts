import { index, route, type RouteConfig } from '@react-router/dev/routes';

export default [
  index('routes/home.tsx'),
  route('auth/link/:token', 'routes/auth-link.tsx'),
  route('auth/telegram', 'routes/auth-telegram.tsx'),
  route('auth/discord', 'routes/auth-discord.tsx'),
  route('auth/discord/callback', 'routes/auth-discord-callback.tsx'),
  route('signout', 'routes/signout.tsx'),
  route('language', 'routes/language.tsx'),
  route('pools/:poolId', 'routes/wallet.tsx'),
  route('pools/:poolId/market', 'routes/market.tsx'),
  route('pools/:poolId/gameboost', 'routes/gameboost.tsx'),
  route('sessions/:sessionId', 'routes/session.tsx'),
  route('*', 'routes/not-found.tsx'),
] satisfies RouteConfig;
