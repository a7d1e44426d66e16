import { createHmac } from 'node:crypto';

/** STUN and TURN servers for GameBoost streams, from the configuration. */
export interface IceConfig {
  stunUrls: string[];
  turnUrls: string[];
  /** The shared secret of a TURN server using time-limited credentials (coturn `use-auth-secret`). */
  turnSecret?: string;
  turnTtlSeconds: number;
}

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/**
 * The ICE servers one peer may use: STUN as configured, and TURN with a credential that expires (the TURN REST API
 * scheme: username `<expiry unix time>:<subject>`, password base64(HMAC-SHA1(secret, username))), so a leaked
 * credential is worthless after `turnTtlSeconds`.
 */
export function iceServersFor(config: IceConfig | undefined, subject: string, nowMs = Date.now()): IceServer[] {
  if (!config) return [];
  const servers: IceServer[] = [];
  if (config.stunUrls.length > 0) servers.push({ urls: config.stunUrls });
  if (config.turnUrls.length > 0 && config.turnSecret) {
    const username = `${Math.floor(nowMs / 1000) + config.turnTtlSeconds}:${subject}`;
    const credential = createHmac('sha1', config.turnSecret).update(username).digest('base64');
    servers.push({ urls: config.turnUrls, username, credential });
  }
  return servers;
}

/** The same servers as node-datachannel takes them: `stun:host:port`, `turn:user:password@host:port`. */
export function iceServerStrings(servers: IceServer[]): string[] {
  return servers.flatMap((server) =>
    server.urls.map((url) =>
      server.username && server.credential
        ? url.replace(
            /^(turns?):/,
            `$1:${encodeURIComponent(server.username)}:${encodeURIComponent(server.credential)}@`,
          )
        : url,
    ),
  );
}
