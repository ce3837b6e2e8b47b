/**
 * Full-speed (closed-loop) loads driven by wrk — Debian's package, a C load generator cheap enough that it is not
 * what limits the figure on two cores, unlike a Node.js generator sharing them. The HTTP ceiling and Starling's home
 * reads at full speed are measured with the same settings, so their ratio compares the servers, not the clients.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { output } from './processes.js';

export interface WrkResult {
  throughput: number;
  p50: number;
  p99: number;
  /** Responses other than 2xx/3xx, plus socket errors. */
  errors: number;
}

export const WRK_SETTINGS = { threads: 2, connections: 32 } as const;

/** Fails at once, before any graph is loaded, when wrk is not installed. */
export function requireWrk(): void {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (error) {
    // wrk prints its version and exits 1; only a missing binary is a spawn error.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error('the benchmark drives its full-speed loads with wrk: apt-get install wrk');
  }
}

/** `1.23ms`, `870.00us`, `1.02s` → milliseconds. */
function ms(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  if (!match) return 0;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1_000 : match[2] === 's' ? value * 1_000 : value;
}

export function parseWrk(text: string): WrkResult {
  const percentile = (p: string) => ms(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(text)?.[1]);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    throughput: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0),
    p50: percentile('50'),
    p99: percentile('99'),
    errors: non2xx + socketErrors,
  };
}

/** GETs `url` for `seconds` at full speed; with tokens, each request is a bearer of the next one in turn. */
export async function wrk(url: string, seconds: number, tokens: readonly string[] = []): Promise<WrkResult> {
  const args = [
    `-t${WRK_SETTINGS.threads}`,
    `-c${WRK_SETTINGS.connections}`,
    `-d${Math.max(1, Math.round(seconds))}s`,
    '--latency',
  ];
  if (tokens.length > 0) {
    const dir = await mkdtemp(join(tmpdir(), 'starling-wrk-'));
    const script = join(dir, 'tokens.lua');
    await writeFile(
      script,
      `local tokens = { ${tokens.map((t) => JSON.stringify(t)).join(', ')} }
local i = math.random(#tokens)
request = function()
  i = i % #tokens + 1
  return wrk.format('GET', nil, { ['Authorization'] = 'Bearer ' .. tokens[i] })
end
`,
    );
    args.push('-s', script);
  }
  return parseWrk(await output('wrk', [...args, url]));
}
