import { randomUUID } from 'node:crypto';
import type { FollowerVersions } from '../../ports/follower-versions.js';
import { DEFAULT_OPERATION_TIMEOUT_MS, type RedisClient, withDeadline } from './redis-connection.js';
import { checkPrefix } from './redis-keys.js';

export interface RedisFollowerVersionsOptions {
  redis: RedisClient;
  /** The namespace; keys are `<prefix>:followers:<author id>`. */
  prefix: string;
  timeoutMs?: number;
}

/**
 * Versions in Redis, one small string per author, each a random token. Reading one creates it if it is missing, so a
 * token is never reused: after a flush every author gets a fresh token, and no copy made before it looks current. One
 * author's key is one command (SET NX GET).
 */
export class RedisFollowerVersions implements FollowerVersions {
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: RedisFollowerVersionsOptions) {
    this.prefix = checkPrefix(options.prefix);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  }

  private key = (authorId: bigint) => `${this.prefix}:followers:${authorId}`;

  async current(authorId: bigint): Promise<string> {
    const fresh = randomUUID();
    // SET … NX GET: the token there, or (there was none) the fresh one, now stored.
    const token = await withDeadline(
      this.options.redis.set(this.key(authorId), fresh, 'NX', 'GET'),
      this.timeoutMs,
      'follower versions current',
    );
    return token ?? fresh;
  }

  async bump(authorId: bigint): Promise<void> {
    await withDeadline(
      this.options.redis.set(this.key(authorId), randomUUID()),
      this.timeoutMs,
      'follower versions bump',
    );
  }
}
