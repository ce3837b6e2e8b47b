export type { AccountStore, Credentials, NewAccount } from './account-store.js';
export type { Clock, IdGenerator } from './clock.js';
export type { EventLog, LogMessage, PublishedEvent } from './event-log.js';
export type { FollowEdge, FollowListItem, GraphStore } from './graph-store.js';
export type { Outbox, OutboxEntry, OutboxRecord } from './outbox.js';
export type { CachedTimeline, TimelineCache } from './timeline-cache.js';
export type { NewTweet, RebuildQuery, RebuiltTimeline, TweetStore, ViewerState } from './tweet-store.js';
