import type { WebContext } from '../../api/web/context.ts';

declare module 'react-router' {
  // Loaders and actions receive the platform through the context Express builds for each request.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends WebContext {}
}
