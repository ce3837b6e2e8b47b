import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, headers, type NatsConnection, nanos } from '@nats-io/transport-node';
import {
  type DomainEvent,
  decodeEvent,
  type EventStream,
  encodeEvent,
  partitionKey,
} from '../../domain/events.js';
import type { EventLog, LogMessage, LogSettings, PublishedEvent } from '../../ports/event-log.js';

export interface NatsLogOptions {
  servers: string | string[];
  /** Prefix of stream names and subjects (one deployment's namespace). */
  prefix: string;
  settings: LogSettings;
  /** Subjects each stream is partitioned over, by author id. */
  partitions?: number;
  /**
   * How long a request to the server may wait (a publish's acknowledgement, consumer info, an ack's confirmation)
   * before it fails: while NATS is away every call fails within this, and the relay and workers retry later.
   */
  timeoutMs?: number;
  /**
   * Copies of each stream the cluster keeps (R1 on a single server; R3 on a three-node cluster survives the loss of
   * a node). The consumers follow their stream's count. Raising it on existing streams rescales them in place.
   */
  replicas?: number;
}

const STREAMS: readonly EventStream[] = ['fanout', 'celebrity'];
const RETENTION_MS = 7 * 86_400_000;
/** JetStream's shortest pull expiry. */
const MIN_EXPIRES_MS = 1_000;

/**
 * The durable log on NATS JetStream. Events live in one stream per deployment, on subjects
 * `<prefix>.events.<stream>.p<NN>` partitioned by author id, kept 7 days; each EventStream has its own durable pull
 * consumer shared by every fanout process (explicit ack, bounded redelivery with backoff), so a celebrity storm
 * never queues ahead of ordinary fanout. Message id = outbox id (`Nats-Msg-Id`), so a republish is dropped by the
 * server. Events that fail every delivery, or cannot be decoded, go to `<prefix>.dead.<stream>` in a stream of
 * their own, with a header saying why, and the rest keep flowing.
 */
export class NatsEventLog implements EventLog {
  readonly durable = true;
  readonly ackWaitMs: number;
  private readonly consumers = new Map<EventStream, Consumer>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: Required<NatsLogOptions>,
  ) {
    this.ackWaitMs = options.settings.ackWaitMs;
  }

  static async open(options: NatsLogOptions): Promise<NatsEventLog> {
    const full: Required<NatsLogOptions> = {
      partitions: 16,
      timeoutMs: 2_000,
      replicas: 1,
      ...options,
    };
    const nc = await connect({
      servers: full.servers,
      name: `${full.prefix}-event-log`,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: full.timeoutMs,
    });
    const jsm = await jetstreamManager(nc, { timeout: full.timeoutMs });
    const log = new NatsEventLog(nc, jetstream(nc, { timeout: full.timeoutMs }), jsm, full);
    await log.ensureTopology();
    return log;
  }

  private get eventsStream() {
    return `${this.options.prefix}_EVENTS`;
  }

  private get deadStream() {
    return `${this.options.prefix}_DEAD`;
  }

  private subject(stream: EventStream, event: DomainEvent | null): string {
    const partition = event === null ? 0 : Number(partitionKey(event) % BigInt(this.options.partitions));
    return `${this.options.prefix}.events.${stream}.p${String(partition).padStart(2, '0')}`;
  }

  /** Streams and consumers, created or brought up to date; safe when several processes start at once. */
  private async ensureTopology(): Promise<void> {
    const { prefix, settings, replicas } = this.options;
    await this.upsertStream({
      name: this.eventsStream,
      subjects: [`${prefix}.events.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(RETENTION_MS),
      duplicate_window: nanos(settings.duplicateWindowMs),
      num_replicas: replicas,
    });
    await this.upsertStream({
      name: this.deadStream,
      subjects: [`${prefix}.dead.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(RETENTION_MS),
      num_replicas: replicas,
    });
    for (const stream of STREAMS) {
      const config = {
        durable_name: `${prefix}_${stream}_workers`,
        filter_subject: `${prefix}.events.${stream}.>`,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: nanos(settings.ackWaitMs),
        // The adapter dead-letters at maxDeliver itself; the server's limit is one more, as a backstop.
        max_deliver: settings.maxDeliver + 1,
        max_ack_pending: 10_000,
      };
      try {
        await this.jsm.consumers.add(this.eventsStream, config);
      } catch {
        await this.jsm.consumers.update(this.eventsStream, config.durable_name, config);
      }
      this.consumers.set(stream, await this.js.consumers.get(this.eventsStream, config.durable_name));
    }
  }

  private async upsertStream(config: Parameters<JetStreamManager['streams']['add']>[0]): Promise<void> {
    try {
      await this.jsm.streams.add(config);
    } catch {
      await this.jsm.streams.update(config.name as string, config);
    }
  }

  async publish(events: readonly PublishedEvent[]): Promise<void> {
    const timeout = this.options.timeoutMs;
    await Promise.all(
      events.map(({ id, stream, event }) =>
        this.js.publish(this.subject(stream, event), encodeEvent(event), { msgID: id, timeout }),
      ),
    );
  }

  /** Puts raw bytes on a stream, as a broken producer would. */
  async publishRaw(id: string, stream: EventStream, payload: string): Promise<void> {
    await this.js.publish(this.subject(stream, null), payload, {
      msgID: id,
      timeout: this.options.timeoutMs,
    });
  }

  async fetch(stream: EventStream, max: number, waitMs: number): Promise<LogMessage[]> {
    const consumer = this.consumer(stream);
    const out: LogMessage[] = [];
    // Undecodable messages are set aside as they come; if a batch held only those, pull again.
    for (;;) {
      // A pull for more messages than are waiting holds the ones it has until it expires, so ask first and pull
      // exactly what is there; with nothing there, pull one, waiting up to `waitMs` for it to be published.
      const { num_pending: waiting } = await consumer.info(false);
      if (waiting === 0 && waitMs < MIN_EXPIRES_MS) return out;
      const messages = await consumer.fetch({
        max_messages: waiting > 0 ? Math.min(max, waiting) : 1,
        expires: Math.max(waitMs, MIN_EXPIRES_MS),
      });
      let received = 0;
      try {
        for await (const message of messages) {
          received += 1;
          const decoded = this.decode(message);
          if (decoded) out.push(this.wrap(stream, message, decoded));
          else await this.deadLetter(stream, message, 'undecodable payload');
        }
      } catch (error) {
        // A pull that fails midway (its heartbeats missed on a busy machine) still delivered what it delivered: those
        // are handed over; whatever it would have brought next is pulled again, or redelivered.
        if (out.length === 0) throw error;
      }
      if (out.length > 0 || received === 0) return out;
    }
  }

  private decode(message: JsMsg): DomainEvent | null {
    try {
      return decodeEvent(new TextDecoder().decode(message.data));
    } catch {
      return null;
    }
  }

  private wrap(stream: EventStream, message: JsMsg, event: DomainEvent): LogMessage {
    const deliveries = message.info.deliveryCount;
    const { maxDeliver, backoffMs } = this.options.settings;
    return {
      id: message.headers?.get('Nats-Msg-Id') || String(message.seq),
      event,
      deliveries,
      ack: async () => {
        await message.ackAck({ timeout: this.options.timeoutMs });
      },
      working: () => message.working(),
      retry: async () => {
        if (deliveries >= maxDeliver) {
          await this.deadLetter(stream, message, 'delivery limit reached');
          return 'dead-lettered';
        }
        message.nak(backoffMs[Math.min(deliveries - 1, backoffMs.length - 1)] ?? 0);
        return 'retrying';
      },
    };
  }

  private async deadLetter(stream: EventStream, message: JsMsg, reason: string): Promise<void> {
    const h = headers();
    h.set('Starling-Reason', reason);
    h.set('Starling-Original-Id', message.headers?.get('Nats-Msg-Id') || String(message.seq));
    h.set('Starling-Original-Subject', message.subject);
    await this.js.publish(`${this.options.prefix}.dead.${stream}`, message.data, {
      headers: h,
      timeout: this.options.timeoutMs,
    });
    // A terminate sent as a request is confirmed by the server (as `ackAck` is for an ack), so the consumer's
    // counts are settled when this returns. NATS 2.9 takes no reason after +TERM; the dead letter carries it.
    const reply = (message as unknown as { reply?: string }).reply;
    if (reply) await this.nc.request(reply, '+TERM', { timeout: this.options.timeoutMs });
    else message.term();
  }

  private consumer(stream: EventStream): Consumer {
    const consumer = this.consumers.get(stream);
    if (!consumer) throw new Error(`no consumer for the ${stream} stream`);
    return consumer;
  }

  async pending(stream: EventStream): Promise<number> {
    const info = await this.consumer(stream).info(false);
    return info.num_pending + info.num_ack_pending;
  }

  async deadLettered(): Promise<number> {
    return (await this.jsm.streams.info(this.deadStream)).state.messages;
  }

  /** Each stream's replication as the cluster reports it: copies asked for, copies current, and a leader or not. */
  async streamHealth(): Promise<{ stream: string; configured: number; current: number; leader: boolean }[]> {
    return Promise.all(
      [this.eventsStream, this.deadStream].map(async (name) => {
        const info = await this.jsm.streams.info(name);
        const leader = Boolean(info.cluster?.leader) || info.cluster === undefined;
        const followers = (info.cluster?.replicas ?? []).filter((r) => r.current && !r.offline).length;
        return {
          stream: name,
          configured: info.config.num_replicas,
          current: (leader ? 1 : 0) + followers,
          leader,
        };
      }),
    );
  }

  /** For readiness checks: a round trip to the server. */
  async ping(): Promise<void> {
    await this.nc.rtt();
  }

  /** Deletes this namespace's streams (tests and operators starting over). */
  async destroy(): Promise<void> {
    await this.jsm.streams.delete(this.eventsStream).catch(() => undefined);
    await this.jsm.streams.delete(this.deadStream).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}
