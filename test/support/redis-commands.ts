import { Redis } from 'ioredis';
import { vi } from 'vitest';

/**
 * Runs `work` and counts the commands any Redis connection of this process sent whose arguments mention `marker` (a
 * test's own key prefix), pipelined, scripted and cluster commands included: ioredis hands every one of them to a
 * node connection's sendCommand.
 */
export async function redisCommandsDuring<T>(
  marker: string,
  work: () => Promise<T>,
): Promise<{ result: T; commands: number }> {
  let commands = 0;
  const original = Redis.prototype.sendCommand;
  const spy = vi.spyOn(Redis.prototype, 'sendCommand').mockImplementation(function (
    this: Redis,
    ...args: Parameters<Redis['sendCommand']>
  ) {
    const [command] = args;
    if (command.args.some((arg) => String(arg).includes(marker))) commands += 1;
    return original.apply(this, args);
  });
  try {
    return { result: await work(), commands };
  } finally {
    spy.mockRestore();
  }
}
