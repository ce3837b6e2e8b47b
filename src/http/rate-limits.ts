import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Api } from './api.js';

/** A budget: at most `max` requests per `windowMs`. */
export interface Budget {
  max: number;
  windowMs: number;
}

export interface RateLimitSettings {
  /** Every request, counted per IP and, separately, per account. */
  requests: Budget;
  /** Posting (tweets and retweets), per account. */
  posts: Budget;
  /** Following, per account. */
  follows: Budget;
  /** Logging in, per IP. */
  logins: Budget;
  /** Shared counters (Redis) so limits hold across `api` processes and restarts; in-process when absent. */
  redis?: RateLimitPluginOptions['redis'];
  /** Prefix of the counters' Redis keys. */
  namespace?: string;
}

type Scope = 'ip' | 'account';
interface Limiter {
  name: string;
  scope: Scope;
  budget: Budget;
  applies: (route: string, method: string) => boolean;
}

const API = '/api/v1';
const always = () => true;

function limiters(settings: RateLimitSettings): Limiter[] {
  return [
    { name: 'requests', scope: 'ip', budget: settings.requests, applies: always },
    { name: 'requests', scope: 'account', budget: settings.requests, applies: always },
    {
      name: 'posts',
      scope: 'account',
      budget: settings.posts,
      applies: (route, method) =>
        method === 'POST' && (route === `${API}/tweets` || route === `${API}/tweets/:id/retweet`),
    },
    {
      name: 'follows',
      scope: 'account',
      budget: settings.follows,
      applies: (route, method) => method === 'PUT' && route === `${API}/accounts/:handle/follow`,
    },
    {
      name: 'logins',
      scope: 'ip',
      budget: settings.logins,
      applies: (route, method) => method === 'POST' && route === `${API}/sessions`,
    },
  ];
}

/**
 * Rate limits at the edge, modelled on Mastodon's: every request counts against the caller's IP and account, and
 * posting, following and logging in have budgets of their own. The counting (fixed windows, in-process or in Redis)
 * is @fastify/rate-limit's; this decides which budgets a request spends and answers with the tightest one's
 * `RateLimit-*` headers, and 429 `rate_limited` with `Retry-After` once any is spent.
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
    return scope === 'ip' ? request.ip : String(await viewerOf(request));
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
    if (reply.getHeader('retry-after') !== undefined) {
      throw new AppError('rate_limited', `too many requests; retry in ${tightest.ttlInSeconds} s`);
    }
  });
}

/** Parses a budget like `300/5m` (units s, m, h, d). */
export function parseBudget(text: string): Budget | null {
  const match = /^(\d{1,9})\/(\d{1,6})(s|m|h|d)$/.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[3] as 's' | 'm' | 'h' | 'd'];
  return { max: Number(match[1]), windowMs: Number(match[2]) * unit };
}
