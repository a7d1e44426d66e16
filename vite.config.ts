import { reactRouter } from '@react-router/dev/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [reactRouter()],
  // The server bundle imports nothing from the platform at run time: loaders reach it through their context.
  ssr: { noExternal: [] },
  build: { sourcemap: false },
  logLevel: 'warn',
});
