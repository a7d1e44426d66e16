import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Every environment variable the platform reads. `.env.example` documents each one. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Port of the embedded PostgreSQL when DATABASE_URL is unset. */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Platform fee on internal sales in basis points (1000 = 10%); the Global Admin changes it at run time later. */
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** Ledger batches in the database at once per process (group commit); each appends to its own chain lane. */
  LEDGER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(2),
  /** Most ledger commands one database transaction carries. */
  LEDGER_MAX_BATCH: z.coerce.number().int().min(1).max(4096).default(256),
  /** How often the worker sweeps holds whose timeout has passed. */
  HOLD_EXPIRY_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  /** How often the worker seals a checkpoint of each pool's ledger chain. */
  LEDGER_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  /** Seconds SIGTERM waits for in-flight requests and jobs before forcing the exit. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  /** Price of creating a premium pool, in micros of the funding pool's currency; the Global Admin may change it. */
  PREMIUM_POOL_FEE_MICROS: z.coerce.bigint().min(0n).max(9_000_000_000_000_000_000n).default(50_000_000n),
  /** Requests per minute per caller (token, or address when anonymous) on the REST API. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  /**
   * The bots' service credential: with it, a request acts for the user named in X-Acting-User (or the chat identity
   * in X-Acting-Identity). At least 32 characters; unset turns service access off.
   */
  SERVICE_TOKEN: z.string().min(32).optional(),
  /** Prefix of every Redis key and stream, so several deployments (or test runs) can share one Redis. */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]{1,40}$/)
    .default('pr'),
  /** The address people reach the web companion at; used in referral and stream links. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DISCORD_TOKEN: z.string().min(1).optional(),
  /** Set when the Discord application has the privileged Server Members intent: members leaving are then marked. */
  DISCORD_SERVER_MEMBERS_INTENT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Outside production, slash commands are registered in this guild only (they appear at once there). */
  DISCORD_DEV_GUILD_ID: z
    .string()
    .regex(/^[0-9]{5,30}$/)
    .optional(),
  /** Discord OAuth2 for the web companion's "Sign in with Discord" (the application's client id and secret). */
  DISCORD_CLIENT_ID: z
    .string()
    .regex(/^[0-9]{5,30}$/)
    .optional(),
  DISCORD_CLIENT_SECRET: z.string().min(1).optional(),
  /** Discord's REST API (OAuth2 token exchange, /users/@me); a local fake in tests. */
  DISCORD_API_BASE: z.url({ protocol: /^https?$/ }).default('https://discord.com/api/v10'),
  TELEGRAM_BOT_TOKEN: z.string().min(1).optional(),
  /**
   * Webhook mode: Telegram POSTs updates to this public https address (ending in /webhooks/telegram), served by the
   * api role of the same process. Unset: long polling, which needs no public address.
   */
  TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https$/ }).optional(),
  /** The secret Telegram sends with every webhook call (1–256 of A–Z a–z 0–9 _ -); required with the URL. */
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/)
    .optional(),
  /** A self-hosted Bot API server (telegram-bot-api) instead of https://api.telegram.org. */
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).optional(),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** The signing secret of the /webhooks/stripe endpoint (whsec_…); required with the key. */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Another Stripe API address (a local fake in tests, stripe-mock). */
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).optional(),
  NOWPAYMENTS_API_KEY: z.string().min(1).optional(),
  /** The IPN secret from the NOWPayments dashboard; required with the key. */
  NOWPAYMENTS_IPN_SECRET: z.string().min(1).optional(),
  NOWPAYMENTS_API_BASE: z.url({ protocol: /^https?$/ }).default('https://api.nowpayments.io'),
  /** Pool micros credited per 1 USD (Stripe), 1 USDT (NOWPayments) and 1 Telegram Star; recorded on each top-up. */
  TOPUP_MICROS_PER_USD: z.coerce.number().int().min(1).max(1_000_000_000).default(1_000_000),
  TOPUP_MICROS_PER_USDT: z.coerce.number().int().min(1).max(1_000_000_000).default(1_000_000),
  TOPUP_MICROS_PER_STAR: z.coerce.number().int().min(1).max(1_000_000_000).default(13_000),
  /** STUN servers for GameBoost streams, comma-separated (stun:host:port). */
  ICE_STUN_URLS: z.string().default(''),
  /** TURN servers, comma-separated (turn:host:port?transport=udp), and their shared secret (time-limited credentials). */
  TURN_URLS: z.string().default(''),
  TURN_SECRET: z.string().min(16).optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** How long a host agent stays online past its last heartbeat; agents beat every third of it. */
  AGENT_PRESENCE_TTL_SECONDS: z.coerce.number().int().min(3).max(600).default(30),
});

export type Env = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once; the message names every bad variable and never echoes its value. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.refine((env) => !env.TELEGRAM_WEBHOOK_URL || env.TELEGRAM_WEBHOOK_SECRET, {
    message: 'TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL (16+ of A-Z a-z 0-9 _ -)',
    path: ['TELEGRAM_WEBHOOK_SECRET'],
  })
    .refine((env) => !env.STRIPE_SECRET_KEY || env.STRIPE_WEBHOOK_SECRET, {
      message:
        'STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY (the whsec_… of the /webhooks/stripe endpoint)',
      path: ['STRIPE_WEBHOOK_SECRET'],
    })
    .refine((env) => !env.NOWPAYMENTS_API_KEY || env.NOWPAYMENTS_IPN_SECRET, {
      message: 'NOWPAYMENTS_IPN_SECRET is required with NOWPAYMENTS_API_KEY',
      path: ['NOWPAYMENTS_IPN_SECRET'],
    })
    .safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, DATA_DIR: path.resolve(parsed.data.DATA_DIR) };
}

/** Loads `.env` from the working directory when present (variables already set win), then parses. */
export function loadEnv(): Env {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return parseEnv(process.env);
}

/** What each optional integration needs, to say at start why it is off. */
export function optionalParts(env: Env): { name: string; on: boolean; why: string }[] {
  const part = (name: string, variable: keyof Env) => ({
    name,
    on: env[variable] !== undefined,
    why: env[variable] === undefined ? `${variable} not set` : 'configured',
  });
  return [
    {
      name: 'Event bus',
      on: true,
      why: env.REDIS_URL ? 'Redis Streams' : 'in-memory (REDIS_URL not set; one process only)',
    },
    part('Discord bot', 'DISCORD_TOKEN'),
    part('Telegram bot', 'TELEGRAM_BOT_TOKEN'),
    {
      name: 'Web sign-in with Discord',
      on: Boolean(env.DISCORD_CLIENT_ID && env.DISCORD_CLIENT_SECRET),
      why:
        env.DISCORD_CLIENT_ID && env.DISCORD_CLIENT_SECRET
          ? 'configured'
          : 'DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET not set (bot links and Telegram still sign in)',
    },
    part('Stripe payments', 'STRIPE_SECRET_KEY'),
    part('NOWPayments', 'NOWPAYMENTS_API_KEY'),
  ];
}
