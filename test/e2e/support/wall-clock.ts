/**
 * A wall clock the test can step, for one process: libfaketime (Debian's `libfaketime`)
 * preloaded into it, reading its offset from a file on every call, with the monotonic clock
 * left real (`FAKETIME_DONT_FAKE_MONOTONIC`). That is what a leader sees when NTP steps its
 * clock: `Date.now()` jumps, `performance.now()` does not.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Debian bookworm's path of the multi-threaded variant (node runs several threads). */
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

/** Installs libfaketime with apt-get when it is missing (as the rig does for runc and busybox). */
export function ensureLibfaketime(): string {
  if (fs.existsSync(LIBFAKETIME)) return LIBFAKETIME;
  const asRoot = process.getuid?.() === 0;
  const run = (args: string[]) => execFileSync(asRoot ? args[0] : 'sudo', asRoot ? args.slice(1) : ['-n', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'libfaketime']);
  if (!fs.existsSync(LIBFAKETIME)) throw new Error(`libfaketime installed but ${LIBFAKETIME} is missing`);
  return LIBFAKETIME;
}

/** One process's steppable wall clock: pass `env` to the process, then `step()` it. */
export class SteppableWallClock {
  static create(): SteppableWallClock {
    const lib = ensureLibfaketime();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-clock-'));
    return new SteppableWallClock(lib, dir);
  }

  private readonly file: string;
  private offsetSeconds = 0;

  private constructor(private readonly lib: string, private readonly dir: string) {
    this.file = path.join(dir, 'offset');
    this.write();
  }

  /** Environment variables that put the process on this clock. */
  get env(): Record<string, string> {
    return {
      LD_PRELOAD: this.lib,
      FAKETIME_TIMESTAMP_FILE: this.file,
      // Read the file on every clock call, so a step takes effect at once.
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }

  /** The offset from the real wall clock, in seconds. */
  get offset(): number {
    return this.offsetSeconds;
  }

  /** Steps the wall clock by `seconds` (negative: back). */
  step(seconds: number): void {
    this.offsetSeconds += seconds;
    this.write();
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private write(): void {
    const s = this.offsetSeconds;
    fs.writeFileSync(this.file, `${s >= 0 ? '+' : '-'}${Math.abs(s)}s\n`);
  }
}
