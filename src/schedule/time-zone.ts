import { canonicalTimeZoneName } from './time-zone-name';

/**
 * A time zone for `spec.timeZone`, checked at synth so an unknown zone is an
 * error here rather than a CronJob that never runs.
 */
export class TimeZone {
  /** Coordinated Universal Time. */
  public static readonly UTC = new TimeZone('UTC');

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
    return new TimeZone(canonicalTimeZoneName(name));
  }

  /** The IANA name emitted as `spec.timeZone`. */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }
}
