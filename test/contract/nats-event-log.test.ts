import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { NatsEventLog } from '../../src/adapters/nats/nats-event-log.js';
import { needs, serverUrl } from '../support/servers.js';
import { CONTRACT_LOG_SETTINGS, eventLogContract } from './event-log.contract.js';

const url = serverUrl('nats');

describe('with NATS JetStream', needs('nats'), () => {
  eventLogContract('NATS JetStream', async () => {
    const log = await NatsEventLog.open({
      servers: url as string,
      prefix: `t${process.env.VITEST_POOL_ID ?? 0}_${randomUUID().slice(0, 8)}`,
      settings: CONTRACT_LOG_SETTINGS,
    });
    return {
      log,
      publishRaw: (id, stream, payload) => log.publishRaw(id, stream, payload),
      // JetStream runs on real time; the fetches wait for backoffs and ack deadlines to pass.
      elapse: async () => undefined,
      close: async () => {
        await log.destroy();
        await log.close();
      },
    };
  });
});
