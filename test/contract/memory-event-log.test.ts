import { MemoryEventLog } from '../../src/adapters/memory/memory-event-log.js';
import { TestClock } from '../support/clock.js';
import { CONTRACT_LOG_SETTINGS, eventLogContract } from './event-log.contract.js';

eventLogContract('in-process', async () => {
  const clock = new TestClock();
  const log = new MemoryEventLog(clock, CONTRACT_LOG_SETTINGS);
  return {
    log,
    publishRaw: (id, stream, payload) => log.publishRaw(id, stream, payload),
    elapse: async (ms) => clock.advance(ms),
    close: () => log.close(),
  };
});
