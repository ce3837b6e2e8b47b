import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AccountService } from '../services/accounts.js';
import type { EditService } from '../services/edits.js';
import type { FollowService } from '../services/follows.js';
import type { InstanceService } from '../services/instance.js';
import type { ListService } from '../services/lists.js';
import type { MediaService } from '../services/media.js';
import type { NotificationService } from '../services/notifications.js';
import type { OAuthService } from '../services/oauth.js';
import type { ProfileService } from '../services/profiles.js';
import type { SearchService } from '../services/search.js';
import type { TimelineService } from '../services/timeline.js';
import type { TweetService } from '../services/tweets.js';
import type { Presentation } from './presenters/presentation.js';

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
  lists: ListService;
  search: SearchService;
  oauth: OAuthService;
  instance: InstanceService;
  media: MediaService;
  profiles: ProfileService;
  edits: EditService;
  notifications: NotificationService;
}

/** What every route file may use besides services: how this server presents itself to the request's client. */
export interface Site {
  presentation(request: FastifyRequest): Presentation;
}

/** The services and the site, from which each route file takes the narrow slice it declares. */
export type HttpContext = HttpServices & Site;
