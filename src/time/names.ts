/** English month and weekday names, for cron names, explanations, Date formats and the CLI. */

/** January ... December; index 0 is January. */
export const MONTH_NAMES: readonly string[] = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Sunday ... Saturday; index 0 is Sunday, as in cron and `Date.getUTCDay`. */
export const WEEKDAY_NAMES: readonly string[] = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** `Sun` ... `Sat`. */
export const WEEKDAY_ABBREVIATIONS: readonly string[] = WEEKDAY_NAMES.map(name => name.slice(0, 3));

/** `Jan` ... `Dec`. */
export const MONTH_ABBREVIATIONS: readonly string[] = MONTH_NAMES.map(name => name.slice(0, 3));
