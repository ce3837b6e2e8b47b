import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Api } from './api.js';
import type { TokenGuard } from './auth.js';

/** A budget: at most `max` requests per `windowMs`. */
export interface Budget {
  max: number;
  windowMs: number;
}

export interface RateLimitSettings {
  /** Every request: a signed-in account's against the account, anyone else's against the IP. */
  requests: Budget;
  /** Posting (statuses and boosts), per account. */
  posts: Budget;
  /** Following, per account. */
  follows: Budget;
  /** Signing in (password grant, the authorization page), per IP. */
  logins: Budget;
  /** Creating accounts, per IP: each one costs a deliberately expensive password hash. */
  signUps: Budget;
  /** Invalid bearer tokens, per IP: each one costs a database lookup. */
  failedTokens: Budget;
  /** Shared counters (Redis) so limits hold across `api` processes and restarts; in-process when absent. */
  redis?: RateLimitPluginOptions['redis'];
  /** Prefix of the counters' Redis keys. */
  namespace?: string;
}

type Scope = 'ip' | 'account' | 'caller';
interface Limiter {
  name: string;
  /** `caller`: the account when the request is signed in, else the IP. */
  scope: Scope;
  budget: Budget;
  applies: (route: string, method: string) => boolean;
}

const always = () => true;
const is =
  (method: string, ...routes: string[]) =>
  (route: string, m: string) =>
    m === method && routes.includes(route);

function limiters(settings: RateLimitSettings): Limiter[] {
  return [
    { name: 'requests', scope: 'caller', budget: settings.requests, applies: always },
    {
      name: 'posts',
      scope: 'account',
      budget: settings.posts,
      applies: is('POST', '/api/v1/statuses', '/api/v1/statuses/:id/reblog'),
    },
    {
      name: 'follows',
      scope: 'account',
      budget: settings.follows,
      applies: is('POST', '/api/v1/accounts/:id/follow'),
    },
    {
      name: 'logins',
      scope: 'ip',
      budget: settings.logins,
      applies: is('POST', '/oauth/token', '/oauth/authorize'),
    },
    { name: 'sign-ups', scope: 'ip', budget: settings.signUps, applies: is('POST', '/api/v1/accounts') },
  ];
}

/**
 * Rate limits at the edge, modelled on Mastodon's: a signed-in account's requests count against the account (so
 * people behind one address do not share a budget), everyone else's against the IP; posting, following, signing in
 * and signing up have budgets of their own. The counting (fixed windows, in-process or in Redis) is
 * @fastify/rate-limit's; this decides which budgets a request spends and answers with the tightest one's
 * `X-RateLimit-*` (Mastodon's) and `RateLimit-*` headers, and 429 `rate_limited` with `Retry-After` once any is spent.
 * The client's address is `request.ip`, which honours the trust-proxy setting behind a load balancer.
 */
export async function registerRateLimits(
  app: Api,
  settings: RateLimitSettings,
  viewerOf: (request: FastifyRequest) => Promise<bigint | null>,
) {
  await app.register(rateLimit, {
    global: false,
    ...(settings.redis
      ? { redis: settings.redis, nameSpace: `${settings.namespace ?? 'starling'}:ratelimit:` }
      : {}),
  });
  const root = app as unknown as FastifyInstance;
  const checks = limiters(settings).map((limiter) => ({
    limiter,
    check: root.createRateLimit({
      max: limiter.budget.max,
      timeWindow: limiter.budget.windowMs,
      keyGenerator: async (request) =>
        `${limiter.name}:${limiter.scope}:${await keyOf(limiter.scope, request)}`,
      allowList: async (request) => limiter.scope === 'account' && (await viewerOf(request)) === null,
    }),
  }));

  async function keyOf(scope: Scope, request: FastifyRequest): Promise<string> {
    if (scope === 'ip') return `ip:${request.ip}`;
    const account = await viewerOf(request);
    return account === null ? `ip:${request.ip}` : `account:${account}`;
  }

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === undefined) return;
    const applicable = checks.filter(({ limiter }) => limiter.applies(route, request.method));
    const results = await Promise.all(applicable.map(({ check }) => check(request)));
    let tightest: { max: number; remaining: number; ttlInSeconds: number } | undefined;
    for (const result of results) {
      if (result.isAllowed) continue;
      if (!tightest || result.remaining < tightest.remaining) tightest = result;
      if (result.isExceeded) {
        reply.header('retry-after', result.ttlInSeconds);
        tightest = result;
        break;
      }
    }
    if (!tightest) return;
    reply.header('ratelimit-limit', tightest.max);
    reply.header('ratelimit-remaining', tightest.remaining);
    reply.header('ratelimit-reset', tightest.ttlInSeconds);
    reply.header('x-ratelimit-limit', tightest.max);
    reply.header('x-ratelimit-remaining', tightest.remaining);
    reply.header('x-ratelimit-reset', new Date(Date.now() + tightest.ttlInSeconds * 1_000).toISOString());
    if (reply.getHeader('retry-after') !== undefined) {
      throw new AppError('rate_limited', `too many requests; retry in ${tightest.ttlInSeconds} s`);
    }
  });
}

/**
 * The failed-token budget, for {@link sessionFor}: failures are counted where the other budgets are (in Redis across
 * processes when configured), and an address that has spent it has its unknown tokens refused unlooked-up until the
 * window ends.
 */
export function tokenGuard(app: Api, settings: RateLimitSettings): TokenGuard {
  const root = app as unknown as FastifyInstance;
  const count = root.createRateLimit({
    max: settings.failedTokens.max,
    timeWindow: settings.failedTokens.windowMs,
    keyGenerator: (request) => `failed-tokens:ip:${request.ip}`,
  });
  return {
    async blocked(request) {
      const seen = await count(request, { increment: false });
      if (seen.isAllowed || seen.remaining > 0) return null;
      return Math.max(1, seen.ttlInSeconds);
    },
    async failed(request) {
      await count(request);
    },
  };
}

/** Parses a budget like `300/5m` (units s, m, h, d). */
export function parseBudget(text: string): Budget | null {
  const match = /^(\d{1,9})\/(\d{1,6})(s|m|h|d)$/.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[3] as 's' | 'm' | 'h' | 'd'];
  return { max: Number(match[1]), windowMs: Number(match[2]) * unit };
}
