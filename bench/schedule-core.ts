/**
 * Benchmark: the schedule core's hot paths (issue 17). `Schedule.cron(e).resolve(seed)` with a
 * fresh seed on every call over three hashed five-field expressions; XXH64 of `SEED:FIELD` on
 * 32-bit halves against the former BigInt implementation (the baseline, in the same run); and
 * `ZoneClock.offsetAt` from its transition table against a plain Intl read.
 * Alternating rounds, median of 5 after a warm-up.
 */
import { Schedule } from '../src';
import { xxh64Utf8 } from '../src/schedule/xxh64';
import { intlOffsetAt, ZoneClock } from '../src/time';
import { xxh64 as bigintXxh64 } from '../test/support/xxh64-bigint';

const ROUNDS = 5;
const EXPRESSIONS = ['H H * * *', 'H/15 * * * *', 'H(0-29)/10 H/3 H(1-15) * MON-FRI'];
const SEEDS = 300_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Calls per second of `body(i)` for i in [0, n). */
function rate(n: number, body: (i: number) => unknown): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    sink += body(i) === undefined ? 0 : 1;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) throw new Error('unreachable');
  return n / seconds;
}

export function benchScheduleCore(): Record<string, string> {
  // Fresh seeds: built before timing, each used once per round.
  const seeds = Array.from({ length: SEEDS }, (_, i) => `team-${i % 97}/nightly-report-${i}`);
  const schedules = EXPRESSIONS.map(e => Schedule.cron(e));
  const encoder = new TextEncoder();
  const inputs = seeds.slice(0, 30_000).map(s => encoder.encode(`${s}:minute`));
  const berlin = new ZoneClock('Europe/Berlin');
  const instants = Array.from({ length: 100_000 }, (_, i) => Date.UTC(2026, 0, 1) + i * 317_000);

  const resolve = () => rate(SEEDS, i => schedules[i % 3].resolve(seeds[i]));
  const halves = () => rate(SEEDS, i => xxh64Utf8(seeds[i], ':minute'));
  const bigint = () => rate(inputs.length, i => bigintXxh64(inputs[i]));
  const cached = () => rate(instants.length, i => berlin.offsetAt(instants[i]));
  const intl = () => rate(10_000, i => intlOffsetAt('Europe/Berlin', instants[i]));
  const runs: Record<string, number[]> = { resolve: [], halves: [], bigint: [], cached: [], intl: [] };
  const all = { resolve, halves, bigint, cached, intl };
  for (const fn of Object.values(all)) fn(); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(all)) runs[name].push(fn());
  }
  const m = (name: string) => median(runs[name]);
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  return {
    'Schedule.cron(e).resolve(seed) per second (3 expressions, fresh seeds)': fmt(m('resolve')),
    'XXH64 of SEED:minute per second, 32-bit halves': fmt(m('halves')),
    'XXH64 of SEED:minute per second, former BigInt (baseline)': fmt(m('bigint')),
    'ratio halves / BigInt': (m('halves') / m('bigint')).toFixed(1),
    'ZoneClock.offsetAt per second (Europe/Berlin, cached transitions)': fmt(m('cached')),
    'Intl offset reads per second (baseline)': fmt(m('intl')),
    'ratio cached / Intl': (m('cached') / m('intl')).toFixed(0),
  };
}

if (require.main === module) {
  console.table(benchScheduleCore());
}
