import { randomFillSync } from 'node:crypto';

// Random bytes come from a pool refilled 4 KiB at a time: one system call per ~400 ids instead of one each.
const POOL_BYTES = 4096;
const RANDOM_BYTES_PER_ID = 10;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

let lastMs = 0;
let sequence = 0;

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, a 12-bit counter (method 1: it starts at a random value below 2048 each
 * millisecond and counts up, so ids made by one process sort in the order they were made), then random bits.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  if (offset + RANDOM_BYTES_PER_ID > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = new Uint8Array(16);
  let ms = Math.max(Math.floor(nowMs), lastMs);
  if (ms === lastMs) {
    sequence += 1;
    if (sequence > 0xfff) {
      ms += 1; // the counter ran out within one millisecond: borrow the next one
      sequence = (pool[offset] ?? 0) & 0x7ff;
    }
  } else {
    sequence = (((pool[offset] ?? 0) << 8) | (pool[offset + 1] ?? 0)) & 0x7ff;
  }
  lastMs = ms;
  const high = Math.floor(ms / 2 ** 16);
  bytes[0] = (high >>> 24) & 0xff;
  bytes[1] = (high >>> 16) & 0xff;
  bytes[2] = (high >>> 8) & 0xff;
  bytes[3] = high & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  for (let i = 0; i < RANDOM_BYTES_PER_ID; i += 1) bytes[6 + i] = pool[offset + i] ?? 0;
  offset += RANDOM_BYTES_PER_ID;
  bytes[6] = 0x70 | (sequence >>> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  let out = '';
  for (let i = 0; i < 16; i += 1) {
    if (i === 4 || i === 6 || i === 8 || i === 10) out += '-';
    out += HEX[bytes[i] ?? 0];
  }
  return out;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);
