import type { Outbox } from '../ports/outbox.js';
import type { FanoutWorker } from './fanout-worker.js';
import type { OutboxRelay } from './outbox-relay.js';

export interface WorkerSet {
  relay?: OutboxRelay | undefined;
  fanout: FanoutWorker[];
}

export interface RunnerDeps {
  workers: WorkerSet;
  outbox: Outbox;
  /** Told of an error a loop survived (it backs off and carries on). */
  onError: (error: unknown, where: string) => void;
}

const IDLE_WAIT_MS = 1_000;
const ERROR_BACKOFF_MS = 500;

/**
 * Runs the relay and the fanout consumers as background loops, and drains them on demand: `drain()` runs every
 * worker until none has anything left, which is how tests wait for fanout instead of sleeping.
 */
export function createWorkerRunner({ workers, outbox, onError }: RunnerDeps) {
  let running = false;
  const loops: Promise<void>[] = [];

  async function loop(where: string, step: () => Promise<void>) {
    while (running) {
      try {
        await step();
      } catch (error) {
        onError(error, where);
        if (running) await new Promise((resolve) => setTimeout(resolve, ERROR_BACKOFF_MS));
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      const { relay } = workers;
      if (relay) {
        loops.push(
          loop('relay', async () => {
            if ((await relay.runOnce()) === 0) await outbox.waitForWork(IDLE_WAIT_MS);
          }),
        );
      }
      for (const worker of workers.fanout) {
        loops.push(
          loop(`fanout:${worker.stream}`, async () => {
            await worker.runOnce(IDLE_WAIT_MS);
          }),
        );
      }
    },

    /**
     * One round: the relay publishes what is in the outbox, then each consumer applies what it finds (events those
     * enqueue wait for the next round). Returns how many events moved.
     */
    async step(): Promise<number> {
      let moved = (await workers.relay?.runOnce()) ?? 0;
      for (const worker of workers.fanout) moved += await worker.runOnce(0);
      return moved;
    },

    /** Runs every worker until a full round finds nothing to do. */
    async drain(): Promise<void> {
      while ((await this.step()) > 0) {}
    },

    /** Stops the loops after their current step. */
    async stop(): Promise<void> {
      running = false;
      await Promise.all(loops.splice(0));
    },
  };
}

export type WorkerRunner = ReturnType<typeof createWorkerRunner>;
