import { BatchValidationError } from '../errors';
import { checkKey, envNameOf, sortedKeys } from './checks';
import { Cell, cellIdentity } from './expand';
import { xxh64String } from '../schedule/xxh64';

/** Longest name `matrixCellName` returns: a slug of at most 15 characters, `-`, and an 8-character hash. */
export const MAX_CELL_NAME_LENGTH = 24;
const SLUG_LENGTH = 15;
const HASH_LENGTH = 8;
// RFC 4648 base32 in lower case: DNS-label safe, and 8 characters carry 40 bits.
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A pod hostname `<job>-<index>` must be a DNS label (63 characters). */
const DNS_LABEL_MAX = 63;
/** Kubernetes rejects longer CronJob names on create (it appends an 11-character `-<unixMinutes>` to Job names). */
const CRON_JOB_NAME_MAX = 52;
/** A CronJob's Jobs are named `<cronjob>-<unixMinutes>`, 8 digits until about 2160. */
const CRON_JOB_SUFFIX = '-'.length + 8;

/**
 * The environment variable a matrix key's value reaches containers under:
 * `MATRIX_<KEY>`, upper-cased, with `-` written as `_`
 * (`node-version` → `MATRIX_NODE_VERSION`).
 *
 * @param key a matrix key (`^[a-z0-9_-]+$`)
 */
export function matrixEnvName(key: string): string {
  checkKey('matrix key', key);
  return envNameOf(key);
}

/**
 * How many decimal digits the highest completion index (`completions - 1`)
 * has: 1 for 1 to 10 completions, 2 for 11 to 100, 5 for up to 100000.
 */
export function indexDigits(completions: number): number {
  if (!Number.isSafeInteger(completions) || completions < 1) {
    throw new BatchValidationError('completions', String(completions), 'must be a whole number of at least 1',
      'Pass the number of cells (the Indexed Job\'s completions).');
  }
  return String(completions - 1).length;
}

/**
 * The longest name an Indexed Job with `completions` may have: its pods'
 * hostnames `<job>-<completions-1>` must be DNS labels (63 characters), so
 * `62 - digits(completions - 1)`: 61 up to 10 completions, 60 up to 100,
 * 59 up to 1000, 57 up to 100000.
 */
export function maxJobNameLength(completions: number): number {
  return DNS_LABEL_MAX - '-'.length - indexDigits(completions);
}

/**
 * The longest name a CronJob whose template is an Indexed Job with
 * `completions` may have: its Jobs are `<cronjob>-<8 digits>`, whose pods'
 * hostnames add `-<index>`, so `53 - digits(completions - 1)`, and never more
 * than the 52 Kubernetes allows a CronJob: 52 up to 10 completions, 51 up to
 * 100, 50 up to 1000, 48 up to 100000.
 *
 * Kubernetes does not check this when the CronJob is created; a longer name
 * fails later, at each run, when the Job is created.
 */
export function maxCronJobNameLength(completions: number): number {
  return Math.min(CRON_JOB_NAME_MAX, maxJobNameLength(completions) - CRON_JOB_SUFFIX);
}

/**
 * A short, deterministic DNS-label name for a cell, e.g. `cat-apple-suvxfexo`
 * for `{animal: cat, fruit: apple}`: a readable slug of the values (in key
 * order, lower-cased, other characters as `-`, at most 15 characters), then
 * `-` and 8 base32 characters of XXH64 over the cell's keys and values.
 *
 * The name depends on the cell's content only, not on its index or on other
 * cells, so adding a value to a matrix does not rename the cells that were
 * already there (a one-Job-per-cell workload keeps its Job names). The hash
 * keeps names distinct where slugs coincide (`a-b`+`c` vs `a`+`b-c`) or are
 * cut short. At most `MAX_CELL_NAME_LENGTH` (24) characters.
 */
export function matrixCellName(cell: Cell): string {
  const slug = slugOf(cell);
  const hash = base32Hash(cellIdentity(cell));
  return slug === '' ? hash : `${slug}-${hash}`;
}

function slugOf(cell: Cell): string {
  const text = sortedKeys(cell).map(key => cell[key]).join('-').toLowerCase();
  const dashed = text.replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '');
  return dashed.slice(0, SLUG_LENGTH).replace(/-+$/, '');
}

/** The top 40 bits of XXH64 (seed 0) of `text`, as 8 base32 characters. */
function base32Hash(text: string): string {
  let top40 = xxh64String(text) / 2n ** 24n;
  let out = '';
  for (let i = 0; i < HASH_LENGTH; i++) {
    out = BASE32[Number(top40 % 32n)] + out;
    top40 /= 32n;
  }
  return out;
}
