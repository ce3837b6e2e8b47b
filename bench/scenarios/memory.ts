import type { Figures } from '../figures.js';
import { readEach } from '../measure.js';
import { say } from '../settings.js';
import { redis } from '../stack.js';

/**
 * Redis bytes per cached timeline entry: every active reader's timeline warmed (the first reads are rebuilds), then
 * what the timeline keys take, and what Redis grew by since `bytesBefore` (tweet bodies cached by those reads too).
 */
export async function memoryScenario(readers: number, bytesBefore: number): Promise<Figures['memory']> {
  await readEach([...Array(readers).keys()], 16);
  const { timelines, entries, bytes } = redis.timelineMemory();
  const memory = {
    timelines,
    entries,
    bytesPerEntry: bytes / Math.max(entries, 1),
    grewPerEntry: (redis.usedMemory() - bytesBefore) / Math.max(entries, 1),
  };
  say(`redis: ${memory.bytesPerEntry.toFixed(1)} bytes per cached entry over ${entries} entries`);
  return memory;
}
