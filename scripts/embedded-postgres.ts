// Starts an embedded PostgreSQL for CI when no server answers on 127.0.0.1:5432, prints its URL, and keeps it
// running until this process gets SIGTERM.
import { resolveDatabase } from '../db/database.ts';
import { parseEnv } from '../config/env.ts';
import { createLogger } from '../lib/logger.ts';

const env = parseEnv({ ...process.env, DATABASE_URL: '' });
const handle = await resolveDatabase(env, createLogger('warn', { toStderr: true }));
process.stdout.write(`${handle.url}\n`);
process.on('SIGTERM', () => {
  void handle.stop().then(() => process.exit(0));
});
setInterval(() => undefined, 1 << 30);
