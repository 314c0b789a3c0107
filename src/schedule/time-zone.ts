import { Checked } from '../errors';
import { canonicalTimeZoneName } from './time-zone-name';

/**
 * A time zone for `spec.timeZone`, checked at synth so an unknown zone is an
 * error here rather than a CronJob that never runs.
 */
export class TimeZone {
  /** Coordinated Universal Time. */
  public static readonly UTC = new TimeZone(new Checked(() => 'UTC'));

  /**
   * A zone by IANA name (e.g. `Europe/Berlin`, `America/New_York`, links such
   * as `US/Eastern` too), or a whole-hour offset written `UTC+9`, `UTC-05:00`
   * or `GMT+3`, which maps to the matching `Etc/GMT` zone (sign inverted, as
   * tzdata defines it: `UTC+9` is `Etc/GMT-9`).
   *
   * Only names that Kubernetes' Go time zone database loads are accepted.
   *
   * @param name an IANA zone name or a whole-hour UTC/GMT offset
   */
  public static of(name: string): TimeZone {
    // An unknown zone is reported by the construct it is passed to, at its path.
    return new TimeZone(new Checked(() => canonicalTimeZoneName(name)));
  }

  private constructor(private readonly canonicalName: Checked<string>) {}

  /**
   * The IANA name emitted as `spec.timeZone`.
   *
   * @throws BatchValidationError if `of()` was given a name Kubernetes cannot load
   */
  public get name(): string {
    return this.canonicalName.value;
  }
}
