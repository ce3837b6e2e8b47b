import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AccountService } from '../services/accounts.js';
import type { FollowService } from '../services/follows.js';
import type { SearchService } from '../services/search.js';
import type { TimelineService } from '../services/timeline.js';
import type { TweetService } from '../services/tweets.js';

/** The Fastify instance every route file registers on, typed by the TypeBox schemas. */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpServices {
  accounts: AccountService;
  follows: FollowService;
  tweets: TweetService;
  timelines: TimelineService;
  search: SearchService;
}
