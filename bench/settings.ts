/**
 * What one `npm run bench` measures and against which servers: its command line, parsed once, and the values derived
 * from it that every scenario shares.
 */
import { parseArgs } from 'node:util';
import { SIZES } from './graph.js';
import { MIX_OPERATIONS, type Operation } from './load.js';

export const DEFAULT_OUT = 'docs/benchmarks.md';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    duration: { type: 'string', default: '30' },
    rate: { type: 'string', default: '300' },
    seed: { type: 'string', default: '42' },
    'search-tweets': { type: 'string', default: '1000000' },
    out: { type: 'string', default: DEFAULT_OUT },
    /** Rewrite the report from this run's raw numbers (e.g. bench/results/latest.json) instead of measuring. */
    from: { type: 'string' },
    mix: { type: 'string', default: 'home=60,account=30,post=10' },
    /** Also write docs/capacity.md, the capacity model, from this run's figures. */
    capacity: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

const sized = SIZES[args.size as string];
if (!sized) {
  console.error(`--size must be one of ${Object.keys(SIZES).join(', ')}`);
  process.exit(2);
}

/** `--mix home=60,account=30,post=10[,follow=…,like=…]`: the weights of the mixed load's operations. */
function parseMix(text: string): Partial<Record<Operation, number>> {
  const mix: Partial<Record<Operation, number>> = {};
  for (const part of text.split(',')) {
    const [op, weight] = part.split('=');
    const value = Number(weight);
    if (!MIX_OPERATIONS.includes(op as (typeof MIX_OPERATIONS)[number]) || !(value >= 0)) {
      console.error(`--mix takes op=weight pairs, ops from ${MIX_OPERATIONS.join(', ')}; not "${part}"`);
      process.exit(2);
    }
    mix[op as Operation] = value;
  }
  if (Object.values(mix).every((w) => w === 0)) {
    console.error('--mix needs a weight above 0');
    process.exit(2);
  }
  return mix;
}

export const sizeName = args.size as string;
export const size = sized;
export const mix = parseMix(args.mix as string);
export const seedTweets = size.accounts * size.tweetsPerAccount;
export const durationMs = Number(args.duration) * 1_000;
export const rate = Number(args.rate);
export const seed = Number(args.seed);
export const searchTweets = Number(args['search-tweets']);
export const out = args.out as string;
export const from = args.from as string | undefined;
export const capacity = args.capacity as boolean;
// A handful of celebrities: about the ten accounts that 40% or more of everyone follows.
export const threshold = Math.max(100, Math.round(size.accounts * 0.4));

/** The prefix of the benchmark's Redis keys and NATS streams (BENCH_NAMESPACE: two runs on one server apart). */
export const NAMESPACE = process.env.BENCH_NAMESPACE ?? 'bench';
export const postgresUrl =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/starling_bench';
export const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const natsUrl = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
/** The four ports the benchmark's processes listen on, from BENCH_PORT (3811 by default) up. */
const FIRST_PORT = Number(process.env.BENCH_PORT ?? 3811);
const local = (port: number) => ({ port, base: `http://127.0.0.1:${port}` });
export const API = local(FIRST_PORT);
export const FANOUT = local(FIRST_PORT + 1);
export const CEILING = local(FIRST_PORT + 2);
export const EMBEDDED = local(FIRST_PORT + 3);

export const say = (text: string) => console.log(`[bench] ${text}`);
