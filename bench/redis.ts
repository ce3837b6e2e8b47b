/** A benchmark's Redis, through redis-cli and redis-benchmark: its keys, its memory and its ceilings. */
import { execFileSync } from 'node:child_process';
import { output } from './processes.js';

export class BenchRedis {
  private readonly host: string[];

  /** The server at `url`; the benchmark's keys are the ones under `namespace`. */
  constructor(
    url: string,
    private readonly namespace: string,
  ) {
    const { hostname, port } = new URL(url);
    this.host = ['-h', hostname, '-p', port || '6379'];
  }

  cli(...command: string[]): string {
    return execFileSync('redis-cli', [...this.host, ...command], { maxBuffer: 1 << 30 }).toString();
  }

  /** Deletes the benchmark's keys: all of them, or one kind (`celebrity`: the celebrities' recent lists). */
  flush(kind?: string): void {
    const pattern = kind ? `${this.namespace}:${kind}:*` : `${this.namespace}:*`;
    const keys = this.cli('--scan', '--pattern', pattern).split('\n').filter(Boolean);
    for (let i = 0; i < keys.length; i += 1_000) this.cli('UNLINK', ...keys.slice(i, i + 1_000));
  }

  usedMemory(): number {
    return Number(/used_memory:(\d+)/.exec(this.cli('INFO', 'memory'))?.[1] ?? 0);
  }

  /** The cached home timelines: how many, their entries, and what Redis reports their keys to take. */
  timelineMemory(): { timelines: number; entries: number; bytes: number } {
    const keys = this.cli('--scan', '--pattern', `${this.namespace}:home:*`).split('\n').filter(Boolean);
    let entries = 0;
    let timelines = 0;
    let bytes = 0;
    // Entries, timelines, and what Redis reports each timeline key to take (value, key and bookkeeping).
    const script = `local n, z, b = 0, 0, 0
      for _, k in ipairs(KEYS) do
        if redis.call('TYPE', k).ok == 'list' then n = n + redis.call('LLEN', k) / 2; z = z + 1 end
        b = b + redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')
      end
      return {n, z, b}`;
    for (let i = 0; i < keys.length; i += 500) {
      const batch = keys.slice(i, i + 500);
      const [n, z, b] = this.cli('EVAL', script, String(batch.length), ...batch)
        .trim()
        .split('\n')
        .map(Number);
      entries += n ?? 0;
      timelines += z ?? 0;
      bytes += b ?? 0;
    }
    return { timelines, entries, bytes };
  }

  /**
   * Redis's pipelined ceilings for the commands timelines use — they are lists: LPUSH (what an insert at the head
   * does) and LRANGE of a 50-entry page (100 elements) — from redis-benchmark's C client, 32 commands per pipeline.
   */
  async ceilings() {
    const common = [...this.host, '-n', '300000', '-P', '32', '-q'];
    const parse = (text: string) => Number(/([\d.]+) requests per second/.exec(text)?.[1] ?? 0);
    const key = `${this.namespace}:ceiling:list:{t}`;
    const lpush = parse(
      await output('redis-benchmark', [...common, '-r', '1000000', 'lpush', key, '__rand_int__']),
    );
    this.cli('LTRIM', key, '0', '799');
    const lrange = parse(await output('redis-benchmark', [...common, 'lrange', key, '0', '99']));
    this.cli('DEL', key);
    return { lpush, lrange };
  }
}
