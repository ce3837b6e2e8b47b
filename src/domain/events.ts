/**
 * What the write path tells the fanout workers, through the outbox and the log. Events are facts, applied
 * idempotently: delivering one twice, or out of order with a later one, must leave the same timelines.
 */
export type DomainEvent =
  | { type: 'tweet.created'; tweetId: bigint; authorId: bigint }
  | { type: 'tweet.deleted'; tweetId: bigint; authorId: bigint }
  | { type: 'tweet.edited'; tweetId: bigint; authorId: bigint }
  | { type: 'account.updated'; accountId: bigint }
  | { type: 'follow.created'; followerId: bigint; followeeId: bigint }
  | { type: 'follow.deleted'; followerId: bigint; followeeId: bigint; counted: boolean }
  | { type: 'author.promoted'; authorId: bigint }
  | { type: 'author.demoted'; authorId: bigint }
  | { type: 'tweet.liked'; tweetId: bigint; accountId: bigint }
  | { type: 'tweet.unliked'; tweetId: bigint; accountId: bigint; counted: boolean };

/**
 * `counted` on an undo: whether the removed follow or like had been counted when it was removed. The counters undo
 * only what they counted, so they come out exact whichever of the two events is counted first.
 */
export type UndoEvent = Extract<DomainEvent, { counted: boolean }>;

export type EventType = DomainEvent['type'];

/**
 * Streams of the log. Celebrity tweets travel apart so a burst from one large account never queues in front of
 * ordinary fanout.
 */
export type EventStream = 'fanout' | 'celebrity';

/**
 * What the log partitions by: the account whose order the event must keep, or for a like the tweet, so that one
 * tweet's counter changes queue in one partition instead of contending for its row from all of them.
 */
export function partitionKey(e: DomainEvent): bigint {
  if ('authorId' in e) return e.authorId;
  if (e.type === 'account.updated') return e.accountId;
  if ('followerId' in e) return e.followerId;
  return e.tweetId;
}

/** The bigint fields of each event type: what decoding checks. */
const FIELDS: Record<EventType, readonly string[]> = {
  'tweet.created': ['tweetId', 'authorId'],
  'tweet.deleted': ['tweetId', 'authorId'],
  'tweet.edited': ['tweetId', 'authorId'],
  'account.updated': ['accountId'],
  'follow.created': ['followerId', 'followeeId'],
  'follow.deleted': ['followerId', 'followeeId'],
  'author.promoted': ['authorId'],
  'author.demoted': ['authorId'],
  'tweet.liked': ['tweetId', 'accountId'],
  'tweet.unliked': ['tweetId', 'accountId'],
};

/** The boolean fields: events written before a field existed decode with its default. */
const FLAGS: Partial<Record<EventType, Readonly<Record<string, boolean>>>> = {
  'follow.deleted': { counted: true },
  'tweet.unliked': { counted: true },
};

export function encodeEvent(event: DomainEvent): string {
  return JSON.stringify(event, (_key, value) => (typeof value === 'bigint' ? value.toString() : value));
}

export function decodeEvent(json: string): DomainEvent {
  const raw = JSON.parse(json) as Record<string, unknown>;
  const type = raw.type;
  const fields =
    typeof type === 'string' && Object.hasOwn(FIELDS, type) ? FIELDS[type as EventType] : undefined;
  if (!fields) throw new Error(`unknown event type ${String(type)}`);
  const out: Record<string, unknown> = { type };
  for (const field of fields) {
    const value = raw[field];
    if (typeof value !== 'string' || !/^[0-9]{1,20}$/.test(value)) throw new Error(`bad ${field} in event`);
    out[field] = BigInt(value);
  }
  for (const [flag, fallback] of Object.entries(FLAGS[type as EventType] ?? {})) {
    const value = raw[flag] ?? fallback;
    if (typeof value !== 'boolean') throw new Error(`bad ${flag} in event`);
    out[flag] = value;
  }
  return out as DomainEvent;
}
