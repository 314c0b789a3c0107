/** The five fields of a Kubernetes cron expression, named as the hash input names them. */
export enum CronField {
  /** Minute, 0-59. */
  MINUTE = 'minute',
  /** Hour, 0-23. */
  HOUR = 'hour',
  /** Day of the month, 1-31 (a plain `H` picks from 1-28). */
  DAY_OF_MONTH = 'day-of-month',
  /** Month, 1-12 or JAN-DEC. */
  MONTH = 'month',
  /** Day of the week, 0-6 or SUN-SAT (7 is also Sunday). */
  DAY_OF_WEEK = 'day-of-week',
}
