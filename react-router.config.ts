import type { Config } from '@react-router/dev/config';

/** The web companion (web/app): server-rendered by the API's Express app from build/web (`npm run build:web`). */
export default {
  appDirectory: 'web/app',
  buildDirectory: 'build/web',
  ssr: true,
  future: {
    // Loaders keep the plain load context Express builds (api/web/context.ts) rather than middleware's provider.
    v8_middleware: false,
    v8_splitRouteModules: true,
    v8_viteEnvironmentApi: true,
    v8_passThroughRequests: true,
    v8_trailingSlashAwareDataRequests: true,
  },
} satisfies Config;
