import { BatchValidationError } from '../../src/errors';
import { Schedule } from '../../src/schedule';
import { MacroStyle, parseCron } from '../../src/schedule/grammar';

/**
 * The grammar of DESIGN §4 as a table: every accepted expression with the
 * exact text emitted for one fixed seed, every rejected one with the exact
 * message. The hashed rows were cross-checked against Furiko's own parser
 * (furiko-io/cronexpr v0.1.3, WithHash + WithHashFields) and every emitted
 * expression against robfig/cron v3.0.1 ParseStandard, outside this suite.
 */

const SEED = 'default/nightly';

type Via = 'cron' | 'hashed';

function build(via: Via, expression: string): Schedule {
  return via === 'cron' ? Schedule.cron(expression) : Schedule.hashed(expression);
}

const ACCEPTED: Array<[Via, string, string]> = [
  ['cron', '* * * * *', '* * * * *'],
  ['cron', '? * ? * ?', '? * ? * ?'],
  ['cron', '0 3 * * *', '0 3 * * *'],
  ['cron', '*/15 * * * *', '*/15 * * * *'],
  ['cron', '0 9-17 * * MON-FRI', '0 9-17 * * MON-FRI'],
  ['cron', '0 9-17/2 * * 1-5', '0 9-17/2 * * 1-5'],
  ['cron', '5/10 * * * *', '5/10 * * * *'],
  ['cron', '0 0 1,15 * *', '0 0 1,15 * *'],
  ['cron', '0 0 * JAN,jul *', '0 0 * JAN,jul *'],
  ['cron', '0 0 * jan-MAR *', '0 0 * jan-MAR *'],
  ['cron', '0 0 * * sun', '0 0 * * sun'],
  ['cron', '0 0 * * 7', '0 0 * * 0'],
  ['cron', '0 0 * * 5-7', '0 0 * * 0,5,6'],
  ['cron', '0 0 * * 1-7', '0 0 * * 0-6'],
  ['cron', '0 0 * * 1-7/2', '0 0 * * 0,1,3,5'],
  ['cron', '0 0 * * MON,7', '0 0 * * MON,0'],
  ['cron', '0 0 * * FRI-7', '0 0 * * 0,5,6'],
  ['cron', '0 0 * * 7-7', '0 0 * * 0'],
  ['cron', '@yearly', '0 0 1 1 *'],
  ['cron', '@annually', '0 0 1 1 *'],
  ['cron', '@monthly', '0 0 1 * *'],
  ['cron', '@weekly', '0 0 * * 0'],
  ['cron', '@daily', '0 0 * * *'],
  ['cron', '@midnight', '0 0 * * *'],
  ['cron', '@hourly', '0 * * * *'],
  ['cron', '@DAILY', '0 0 * * *'],
  ['cron', '  0   3  * * *  ', '0 3 * * *'],
  ['cron', '0\t3 * * *\t', '0 3 * * *'],
  ['cron', '00 03 * * *', '00 03 * * *'],
  ['cron', '0 0 29 2 *', '0 0 29 2 *'],
  ['cron', '0 0 30 2 1', '0 0 30 2 1'],
  ['cron', '0 0 31 * *', '0 0 31 * *'],
  ['cron', '0 0 30 2,3 *', '0 0 30 2,3 *'],
  ['cron', '*/60 * * * *', '*/60 * * * *'],
  ['cron', '0 0 */31 * *', '0 0 */31 * *'],
  ['cron', '0 0 * * */7', '0 0 * * */7'],
  ['cron', 'H H * * *', '3 17 * * *'],
  ['cron', 'H(0-29) H(22-23) * * *', '3 23 * * *'],
  ['cron', 'H/15 * * * *', '3-48/15 * * * *'],
  ['cron', 'H(0-29)/10 * * * *', '3-23/10 * * * *'],
  ['cron', 'H H H * *', '3 17 11 * *'],
  ['cron', 'H H * H *', '3 17 * 12 *'],
  ['cron', 'H H * * H', '3 17 * * 0'],
  ['cron', 'H H(0-2) * * *', '3 2 * * *'],
  ['cron', 'h h * * *', '3 17 * * *'],
  ['cron', '0 9 * * H(MON-FRI)', '0 9 * * 1'],
  ['cron', '0 0 1 H(JAN-MAR) *', '0 0 1 3 *'],
  ['cron', 'H,30 * * * *', '3,30 * * * *'],
  ['cron', 'H/1 * * * *', '0-59 * * * *'],
  ['cron', '0 0 H/1 * *', '0 0 1-31 * *'],
  ['cron', '0 0 1 H/12 *', '0 0 1 11 *'],
  ['cron', 'H(5-5) * * * *', '5 * * * *'],
  ['cron', 'H/30 * * * *', '3,33 * * * *'],
  ['cron', '0 0 * * H/7', '0 0 * * 0'],
  ['cron', '0 0 H(29-31) 1,3 *', '0 0 30 1,3 *'],
  ['cron', 'H H(9-17)/4 * * MON-FRI', '3 10,14 * * MON-FRI'],
  ['cron', 'H H H(1-28)/14 * *', '3 17 11,25 * *'],
  ['cron', '0 0 * * H,7', '0 0 * * 0'],
  ['cron', '0 0 H/31 * *', '0 0 15 * *'],
  ['hashed', '@yearly', '3 17 11 12 *'],
  ['hashed', '@annually', '3 17 11 12 *'],
  ['hashed', '@monthly', '3 17 11 * *'],
  ['hashed', '@weekly', '3 17 * * 0'],
  ['hashed', '@daily', '3 17 * * *'],
  ['hashed', '@midnight', '3 2 * * *'],
  ['hashed', '@hourly', '3 * * * *'],
  ['hashed', 'H 3 * * *', '3 3 * * *'],
];

const REJECTED: Array<[Via, string, string]> = [
  ['cron', '', 'schedule: is empty (got ""). Write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *", or a macro such as @daily.'],
  ['cron', '   ', 'schedule: is empty (got "   "). Write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *", or a macro such as @daily.'],
  ['cron', '0 0 * * * *', 'schedule: has 6 fields; seconds and year fields are not supported (got "0 0 * * * *"). Write exactly 5 fields: minute hour day-of-month month day-of-week (Kubernetes schedules to the minute).'],
  ['cron', '0 0 0 * * * 2026', 'schedule: has 7 fields; seconds and year fields are not supported (got "0 0 0 * * * 2026"). Write exactly 5 fields: minute hour day-of-month month day-of-week (Kubernetes schedules to the minute).'],
  ['cron', '0 0 * *', 'schedule: has 4 fields, expected 5 (got "0 0 * *"). Write exactly 5 fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *".'],
  ['cron', '0', 'schedule: has 1 field, expected 5 (got "0"). Write exactly 5 fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *".'],
  ['cron', 'TZ=Europe/Berlin 0 3 * * *', "schedule: sets the time zone inside the schedule (got \"TZ=Europe/Berlin\"). Remove the TZ= prefix and set the timeZone prop instead (e.g. TimeZone.of('Europe/Berlin')); Kubernetes rejects TZ in spec.schedule."],
  ['cron', 'CRON_TZ=UTC 0 3 * * *', "schedule: sets the time zone inside the schedule (got \"CRON_TZ=UTC\"). Remove the CRON_TZ= prefix and set the timeZone prop instead (e.g. TimeZone.of('Europe/Berlin')); Kubernetes rejects TZ in spec.schedule."],
  ['cron', '@reboot', 'schedule: @reboot is not supported: a CronJob has no boot to run at (got "@reboot"). Use a time-based schedule such as @daily, or create a one-off Job.'],
  ['cron', '@every 5m', 'schedule: @every intervals are not supported (got "@every 5m"). Write the interval as a cron step, e.g. "*/15 * * * *" for every 15 minutes.'],
  ['cron', '@fortnightly', 'schedule: @fortnightly is not a known macro (got "@fortnightly"). Use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly.'],
  ['cron', '@daily 0', 'schedule: a macro stands alone (got "@daily 0"). Remove the text after @daily.'],
  ['cron', '60 * * * *', 'schedule (minute field): 60 is above the maximum 59 (got "60"). Use a minute from 0 to 59.'],
  ['cron', '* 24 * * *', 'schedule (hour field): 24 is above the maximum 23 (got "24"). Use an hour from 0 to 23.'],
  ['cron', '* * 0 * *', 'schedule (day-of-month field): 0 is below the minimum 1 (got "0"). Use a day-of-month from 1 to 31.'],
  ['cron', '* * 32 * *', 'schedule (day-of-month field): 32 is above the maximum 31 (got "32"). Use a day-of-month from 1 to 31.'],
  ['cron', '* * * 0 *', 'schedule (month field): 0 is below the minimum 1 (got "0"). Use a month from 1 to 12 or JAN-DEC.'],
  ['cron', '* * * 13 *', 'schedule (month field): 13 is above the maximum 12 (got "13"). Use a month from 1 to 12 or JAN-DEC.'],
  ['cron', '* * * * 8', 'schedule (day-of-week field): 8 is above the maximum 7 (got "8"). Use a day-of-week from 0 to 6 or SUN-SAT (7 is also Sunday).'],
  ['cron', '*/0 * * * *', 'schedule (minute field): step 0 never advances (got "*/0"). Use a step from 1 to 60.'],
  ['cron', '*/61 * * * *', "schedule (minute field): step 61 is larger than the field's 60 values (got \"*/61\"). Use a step from 1 to 60."],
  ['cron', '* */25 * * *', "schedule (hour field): step 25 is larger than the field's 24 values (got \"*/25\"). Use a step from 1 to 24."],
  ['cron', '* * * * */8', "schedule (day-of-week field): step 8 is larger than the field's 7 values (got \"*/8\"). Use a step from 1 to 7."],
  ['cron', '0-59/x * * * *', 'schedule (minute field): step "x" is not a whole number (got "0-59/x"). Use a step from 1 to 60.'],
  ['cron', '* * * * FRI-MON', 'schedule (day-of-week field): range FRI-MON wraps around (5 comes after 1) (got "FRI-MON"). Kubernetes does not wrap ranges; write two ranges instead, e.g. "FRI-SAT,SUN-MON".'],
  ['cron', '* 22-2 * * *', 'schedule (hour field): range 22-2 wraps around (22 comes after 2) (got "22-2"). Kubernetes does not wrap ranges; write two ranges instead, e.g. "22-23,0-2".'],
  ['cron', '* * * * MON-SUN', 'schedule (day-of-week field): range MON-SUN wraps around (1 comes after 0) (got "MON-SUN"). Kubernetes does not wrap ranges; write two ranges instead, e.g. "MON-SAT,SUN".'],
  ['cron', '* * * NOV-FEB *', 'schedule (month field): range NOV-FEB wraps around (11 comes after 2) (got "NOV-FEB"). Kubernetes does not wrap ranges; write two ranges instead, e.g. "NOV-DEC,JAN-FEB".'],
  ['cron', '* * * * 7-1', 'schedule (day-of-week field): 7 (Sunday) can only end a range (got "7-1"). Use 0 for Sunday at the start of a range, e.g. "0-1".'],
  ['cron', '* * * * 7/2', 'schedule (day-of-week field): 7 (Sunday) can only end a range (got "7/2"). Use 0 for Sunday at the start of a range, e.g. "0/2".'],
  ['cron', '* * L * *', 'schedule (day-of-month field): L (last day) is not supported by Kubernetes (got "L"). Kubernetes cron has no "last day" syntax; use a fixed day (e.g. 28) or run daily and let the job check the date.'],
  ['cron', '* * LW * *', 'schedule (day-of-month field): L (last day) is not supported by Kubernetes (got "LW"). Kubernetes cron has no "last day" syntax; use a fixed day (e.g. 28) or run daily and let the job check the date.'],
  ['cron', '* * 15W * *', 'schedule (day-of-month field): W (nearest weekday) is not supported by Kubernetes (got "15W"). Use a fixed day-of-month, or restrict day-of-week (e.g. MON-FRI) and let the job check the date.'],
  ['cron', '* * * * 5L', 'schedule (day-of-week field): L (last day) is not supported by Kubernetes (got "5L"). Kubernetes cron has no "last day" syntax; use a fixed day (e.g. 28) or run daily and let the job check the date.'],
  ['cron', '* * * * FRI#3', 'schedule (day-of-week field): # (nth weekday of the month) is not supported by Kubernetes (got "FRI#3"). Run on that weekday and let the job skip the other weeks; "1-7" in day-of-month would not help, because Kubernetes ORs day-of-month and day-of-week.'],
  ['cron', '* * * * MONDAY', 'schedule (day-of-week field): MONDAY is not a day-of-week name (got "MONDAY"). Use the three-letter name MON.'],
  ['cron', '* * * JANUARY *', 'schedule (month field): JANUARY is not a month name (got "JANUARY"). Use the three-letter name JAN.'],
  ['cron', '* * * MON *', 'schedule (month field): MON is not a month name (got "MON"). Use a month from 1 to 12 or JAN-DEC.'],
  ['cron', '* * * * JAN', 'schedule (day-of-week field): JAN is not a day-of-week name (got "JAN"). Use a day-of-week from 0 to 6 or SUN-SAT (7 is also Sunday).'],
  ['cron', 'abc * * * *', 'schedule (minute field): abc is not a number (got "abc"). Use a minute from 0 to 59.'],
  ['cron', '1,,2 * * * *', 'schedule (minute field): has an empty list item (got "1,,2"). Remove the extra comma.'],
  ['cron', '1, * * * *', 'schedule (minute field): has an empty list item (got "1,"). Remove the extra comma.'],
  ['cron', '*-5 * * * *', 'schedule (minute field): *-5 is not a valid minute entry (got "*-5"). Write *, N, N-M, */S, N-M/S, N/S or an H form (H, H(a-b), H/n, H(a-b)/n), or a comma-separated list of them.'],
  ['cron', '-5 * * * *', 'schedule (minute field): -5 is not a valid minute entry (got "-5"). Write *, N, N-M, */S, N-M/S, N/S or an H form (H, H(a-b), H/n, H(a-b)/n), or a comma-separated list of them.'],
  ['cron', '1-2-3 * * * *', 'schedule (minute field): 1-2-3 is not a valid minute entry (got "1-2-3"). Write *, N, N-M, */S, N-M/S, N/S or an H form (H, H(a-b), H/n, H(a-b)/n), or a comma-separated list of them.'],
  ['cron', '0 0 30 2 *', 'schedule: can never fire: there is no day-of-month 30 in February (got "0 0 30 2 *"). Pick a day-of-month that exists in those months (February has 29 days at most; April, June, September and November have 30).'],
  ['cron', '0 0 31 4,6 *', 'schedule: can never fire: there is no day-of-month 31 in April or June (got "0 0 31 4,6 *"). Pick a day-of-month that exists in those months (February has 29 days at most; April, June, September and November have 30).'],
  ['cron', '0 0 30,31 2 *', 'schedule: can never fire: there is no day-of-month 30,31 in February (got "0 0 30,31 2 *"). Pick a day-of-month that exists in those months (February has 29 days at most; April, June, September and November have 30).'],
  ['cron', '0 0 31 4,6,9,11 ?', 'schedule: can never fire: there is no day-of-month 31 in April, June, September or November (got "0 0 31 4,6,9,11 ?"). Pick a day-of-month that exists in those months (February has 29 days at most; April, June, September and November have 30).'],
  ['cron', 'H(0-60) * * * *', 'schedule (minute field): H range 0-60 reaches outside 0-59 (got "H(0-60)"). Keep both bounds within 0-59.'],
  ['cron', 'H(30-10) * * * *', 'schedule (minute field): H range 30-10 is reversed (got "H(30-10)"). H ranges cannot wrap around; write the lower bound first ("H(10-30)" picks from 10 to 30), or narrow the range so it does not wrap.'],
  ['cron', 'H(0-3)/5 * * * *', 'schedule (minute field): step 5 is larger than the H range 0-3 (4 values) (got "H(0-3)/5"). Use a step from 1 to 4, or widen the range.'],
  ['cron', 'H/0 * * * *', 'schedule (minute field): step 0 never advances (got "H/0"). Use a step from 1 to 60.'],
  ['cron', 'H/61 * * * *', "schedule (minute field): step 61 is larger than the field's 60 values (got \"H/61\"). Use a step from 1 to 60."],
  ['cron', '0 0 * * H(1-7)', 'schedule (day-of-week field): H range 1-7 reaches outside 0-6 (got "H(1-7)"). Keep both bounds within 0-6 (use 0 for Sunday).'],
  ['cron', 'H(5 * * * *', 'schedule (minute field): H(5 is not a valid H form (got "H(5"). Write H, H(a-b), H/n or H(a-b)/n, e.g. "H(0-29)/10".'],
  ['cron', '0 0 H(29-31) 2 *', 'schedule: can never fire for some seeds: there may be no day-of-month H(29-31) in February (got "0 0 H(29-31) 2 *"). Keep hashed days within every chosen month, e.g. H or H(1-28) (February has 29 days at most; April, June, September and November have 30).'],
  ['cron', '0 0 31 H *', 'schedule: can never fire for some seeds: there may be no day-of-month 31 in month H (got "0 0 31 H *"). Keep hashed days within every chosen month, e.g. H or H(1-28) (February has 29 days at most; April, June, September and November have 30).'],
  ['hashed', '0 3 * * *', 'schedule: contains no H token, so hashing would not change it (got "0 3 * * *"). Write H where the value may be spread (e.g. "H 3 * * *"), or use Schedule.cron() for a fixed schedule.'],
  ['hashed', '@reboot', 'schedule: @reboot is not supported: a CronJob has no boot to run at (got "@reboot"). Use a time-based schedule such as @daily, or create a one-off Job.'],
  ['hashed', '@every 1h', 'schedule: @every intervals are not supported (got "@every 1h"). Write the interval as a cron step, e.g. "*/15 * * * *" for every 15 minutes.'],
];

describe('accepted expressions', () => {
  test.each(ACCEPTED)('%s(%j) resolves to %j', (via, expression, resolved) => {
    expect(build(via, expression).resolve(SEED)).toBe(resolved);
  });

  test('the table is large enough to mean something', () => {
    expect(ACCEPTED.length + REJECTED.length).toBeGreaterThanOrEqual(120);
  });
});

describe('rejected expressions', () => {
  test.each(REJECTED)('%s(%j) fails with the exact message', (via, expression, message) => {
    let error: unknown;
    try {
      void build(via, expression).expandedExpression; // reported on use, at the construct's path
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BatchValidationError);
    expect((error as Error).message).toBe(message);
  });

  test('errors carry the field, the token and the fix separately', () => {
    try {
      void Schedule.cron('0 0 * * FRI-MON').expandedExpression;
      throw new Error('expected a BatchValidationError');
    } catch (e) {
      const error = e as BatchValidationError;
      expect(error.field).toBe('schedule (day-of-week field)');
      expect(error.value).toBe('FRI-MON');
      expect(error.fix).toBe('Kubernetes does not wrap ranges; write two ranges instead, e.g. "FRI-SAT,SUN-MON".');
      expect(error.at('Chart/backup').message).toMatch(/^Chart\/backup: schedule \(day-of-week field\): /);
    }
  });

  test('the first bad item of a field is the one reported', () => {
    expect(() => Schedule.cron('1,60,61 * * * *').expandedExpression).toThrow('(got "60")');
  });
});

describe('parseCron keeps each valid parse (issue 17)', () => {
  test('the same expression and options give the same parsed object', () => {
    const a = parseCron('H H(0-5) * * *', { allowHash: true, macroStyle: MacroStyle.PLAIN });
    const b = parseCron('H H(0-5) * * *', { allowHash: true, macroStyle: MacroStyle.PLAIN });
    expect(b).toBe(a);
    expect(a.expanded).toBe('H H(0-5) * * *');
  });

  test('options are part of the key: @daily is 0 0 * * * plain and H H * * * hashed', () => {
    expect(parseCron('@daily', { allowHash: true, macroStyle: MacroStyle.PLAIN }).expanded).toBe('0 0 * * *');
    expect(parseCron('@daily', { allowHash: true, macroStyle: MacroStyle.HASHED }).expanded).toBe('H H * * *');
    expect(parseCron('@daily', { allowHash: true, macroStyle: MacroStyle.PLAIN }).expanded).toBe('0 0 * * *');
    expect(() => parseCron('H * * * *', { allowHash: false, macroStyle: MacroStyle.PLAIN })).toThrow(BatchValidationError);
    expect(parseCron('H * * * *', { allowHash: true, macroStyle: MacroStyle.PLAIN }).hasHash).toBe(true);
  });

  test('a rejected expression throws every time with the same message, and resolves the same seed the same', () => {
    const message = (() => {
      try {
        parseCron('61 * * * *', { allowHash: true, macroStyle: MacroStyle.PLAIN });
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    })();
    expect(message).toMatch(/61/);
    expect(() => parseCron('61 * * * *', { allowHash: true, macroStyle: MacroStyle.PLAIN })).toThrow(message);
    expect(Schedule.cron('H H * * *').resolve(SEED)).toBe(Schedule.cron('H H * * *').resolve(SEED));
  });
});
