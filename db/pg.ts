import pg from 'pg';

/** A node-postgres pool for the ledger's set-based statements. Bigint columns arrive as text and are parsed by us. */
export function createPgPool(url: string, max = 8): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'power-realms' });
  // An idle client's connection error must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}
