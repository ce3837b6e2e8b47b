import { EventEmitter } from 'node:events';
import type { FastifyRequest } from 'fastify';
import type { Session } from '../../domain/model.js';
import { grants } from '../../domain/scopes.js';
import type { PublicEvent, TimelineFeed } from '../../ports/timeline-feed.js';
import type { NotificationService } from '../../services/notifications.js';
import type { TweetService } from '../../services/tweets.js';
import { type Authenticator, sessionFor, sessionOf } from '../auth.js';
import type { OpenStreams } from '../open-streams.js';
import { presentNotification } from '../presenters/notification.js';
import type { Presentation } from '../presenters/presentation.js';
import { presentStatus } from '../presenters/status.js';
import {
  LiveStream,
  type LiveStreamLimits,
  type LiveStreamObserver,
  type StreamRendering,
  type StreamSink,
} from './live-stream.js';
import { createPublicHub } from './public-hub.js';
import { type StreamRefusal, type StreamSpec, scopeOf } from './stream-names.js';

export interface StreamingSettings {
  /** How often an idle stream gets a comment line (SSE) or a ping (WebSocket, which must answer before the next). */
  heartbeatMs?: number;
  /** Bytes a client may leave unread before it is dropped. */
  maxBufferedBytes?: number;
  /** Whether the public and hashtag streams may be read without a token (Mastodon: not unless configured). */
  anonymousPublicStreams?: boolean;
}

export interface StreamingDeps {
  feed: TimelineFeed;
  accounts: Authenticator;
  tweets: Pick<TweetService, 'get'>;
  notifications: Pick<NotificationService, 'get'>;
  streams: OpenStreams;
  settings?: StreamingSettings;
  onError?: (error: unknown) => void;
}

const DEFAULTS = { heartbeatMs: 15_000, maxBufferedBytes: 1 << 20, anonymousPublicStreams: false };
const LIMITS: Omit<LiveStreamLimits, 'maxBufferedBytes'> = { maxPendingEvents: 500, maxSubscriptions: 32 };

/** One timer for every open stream's heartbeat, rather than one per stream. */
function heartbeats(intervalMs: number) {
  const beats = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  return {
    add(beat: () => void): () => void {
      beats.add(beat);
      if (!timer) {
        timer = setInterval(() => {
          for (const each of [...beats]) each();
        }, intervalMs);
        timer.unref();
      }
      return () => {
        beats.delete(beat);
        if (beats.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
  };
}

/**
 * What the streaming routes (event streams and the WebSocket) share in one process: the public streams' hub, the
 * renderings, the heartbeat, the limits, and who may read which stream.
 */
export function createStreaming({
  feed,
  accounts,
  tweets,
  notifications,
  streams,
  settings = {},
  onError,
}: StreamingDeps) {
  const options = { ...DEFAULTS, ...settings };
  const hub = createPublicHub(feed, onError);
  const limits: LiveStreamLimits = { ...LIMITS, maxBufferedBytes: options.maxBufferedBytes };
  const renderings = new Map<string, StreamRendering>();
  // `subscriptions` (the count now) after every change, and `dropped`: what tests wait on, and metrics read.
  const events = new EventEmitter();
  let subscriptions = 0;
  const observer: LiveStreamObserver = {
    subscriptions(change) {
      subscriptions += change;
      events.emit('subscriptions', subscriptions);
    },
    dropped: () => events.emit('dropped'),
  };

  /** Renderings by origin (one, unless the server answers on several names): a public event renders once for all. */
  function renderingFor(presentation: Presentation): StreamRendering {
    const found = renderings.get(presentation.origin);
    if (found) return found;
    const shared = new WeakMap<PublicEvent, Promise<string | null>>();
    const status = (id: bigint, viewer: bigint | null) =>
      tweets.get(id, viewer).then(
        (view) => JSON.stringify(presentStatus(view, presentation)),
        () => null,
      );
    const rendering: StreamRendering = {
      async forReader(event, readerId) {
        if (event.kind === 'notification') {
          // Mastodon's `notification`: the Notification as JSON, for its recipient (their view of the post).
          return notifications.get(readerId, event.notificationId).then(
            (view) => JSON.stringify(presentNotification(view, presentation)),
            () => null,
          );
        }
        if (event.kind === 'delete') return event.tweetId.toString();
        if (event.kind === 'update' || event.kind === 'status.update') return status(event.tweetId, readerId);
        return null;
      },
      forPublic(event) {
        let payload = shared.get(event);
        if (!payload) {
          payload =
            event.kind === 'delete' ? Promise.resolve(event.tweetId.toString()) : status(event.tweetId, null);
          shared.set(event, payload);
        }
        return payload;
      },
    };
    if (renderings.size < 16) renderings.set(presentation.origin, rendering);
    return rendering;
  }

  return {
    settings: options,
    streams,
    heartbeat: heartbeats(options.heartbeatMs),
    /** Public streams open in this process. */
    publicStreams: () => hub.size(),
    /** Subscriptions delivering events in this process, on every connection. */
    subscriptions: () => subscriptions,
    events,

    /** A connection's streams, of `session`'s account (null: anonymous), sending to `sink`. */
    open(session: Session | null, presentation: Presentation, sink: StreamSink): LiveStream {
      const deps = { feed, hub, rendering: renderingFor(presentation), limits, observer };
      return new LiveStream(deps, session?.accountId ?? null, sink);
    },

    /**
     * The session of a stream request: the Authorization header's (already resolved), or else the token the
     * transport carried it in (a query parameter, a WebSocket subprotocol). Null without any.
     */
    async sessionOf(request: FastifyRequest, token: string | null): Promise<Session | null> {
      const fromHeader = await sessionOf(request, accounts);
      if (fromHeader !== null || token === null) return fromHeader;
      return sessionFor(token, accounts, request);
    },

    /** Why `session` may not read `spec`, or null if it may. */
    refusal(spec: StreamSpec, session: Session | null): StreamRefusal | null {
      const scope = scopeOf(spec);
      if (session?.accountId == null) {
        return scope === null && options.anonymousPublicStreams
          ? null
          : { error: 'Missing access token', status: 401 };
      }
      if (scope !== null && !grants(session.scopes, scope)) {
        return { error: 'Access token does not cover required scopes', status: 401 };
      }
      return null;
    },
  };
}

export type Streaming = ReturnType<typeof createStreaming>;
