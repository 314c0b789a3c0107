import { CronField, explainHash, explainSchedule, Schedule } from '../../src/schedule';

describe('explainSchedule', () => {
  test.each([
    ['* * * * *', 'At every minute'],
    ['36 7 * * *', 'At 07:36'],
    ['0 0 * * *', 'At 00:00'],
    ['30 9,17 * * *', 'At 09:30 and 17:30'],
    ['0,30 9,17 * * *', 'At 09:00, 09:30, 17:00 and 17:30'],
    ['0 0-6 * * *', 'At minute 0 past every hour from 0 through 6'],
    ['5 * * * *', 'At minute 5'],
    ['0,30 * * * *', 'At minute 0 and 30'],
    ['*/15 * * * *', 'At every 15th minute'],
    ['1-56/5 * * * *', 'At every 5th minute from 1 through 56'],
    ['5/10 * * * *', 'At every 10th minute from 5 through 59'],
    ['0-10 * * * *', 'At every minute from 0 through 10'],
    ['1,5-10 * * * *', 'At minute 1 and every minute from 5 through 10'],
    ['* 5 * * *', 'At every minute past hour 5'],
    ['0 */2 * * *', 'At minute 0 past every 2nd hour'],
    ['0 9-17/2 * * *', 'At minute 0 past every 2nd hour from 9 through 17'],
    ['0 9-17 * * MON-FRI', 'At minute 0 past every hour from 9 through 17 on every day-of-week from Monday through Friday'],
    ['0 0 1 * *', 'At 00:00 on day-of-month 1'],
    ['0 0 1,15 * *', 'At 00:00 on day-of-month 1 and 15'],
    ['0 0 */2 * *', 'At 00:00 on every 2nd day-of-month'],
    ['0 0 1-7 * *', 'At 00:00 on every day-of-month from 1 through 7'],
    ['0 0 * * 1', 'At 00:00 on Monday'],
    ['0 0 * * 0,5,6', 'At 00:00 on Sunday, Friday and Saturday'],
    ['0 0 * * 5-7', 'At 00:00 on every day-of-week from Friday through Sunday'],
    ['0 0 * * */2', 'At 00:00 on every 2nd day-of-week'],
    // robfig ORs the day fields when both are restricted...
    ['0 0 */2 * 1', 'At 00:00 on every 2nd day-of-month or on Monday'],
    ['0 0 1 * MON', 'At 00:00 on day-of-month 1 or on Monday'],
    ['0 0 1-7 * FRI', 'At 00:00 on every day-of-month from 1 through 7 or on Friday'],
    // ...but a field written * or ? (or with step 1) leaves only the other one.
    ['0 0 ? * 1', 'At 00:00 on Monday'],
    ['0 0 */1 * 1', 'At 00:00 on Monday'],
    ['0 0 1 * ?', 'At 00:00 on day-of-month 1'],
    ['0 0 1 1 *', 'At 00:00 on day-of-month 1 in January'],
    ['0 0 * JAN,jul *', 'At 00:00 in January and July'],
    ['0 0 1 */3 *', 'At 00:00 on day-of-month 1 in every 3rd month'],
    ['0 0 * 3-5 *', 'At 00:00 in every month from March through May'],
    ['@hourly', 'At minute 0'],
    ['@weekly', 'At 00:00 on Sunday'],
    ['@yearly', 'At 00:00 on day-of-month 1 in January'],
    ['0 12 * * 1-5/2', 'At 12:00 on every 2nd day-of-week from Monday through Friday'],
    ['0 0 21-23/11 * *', 'At 00:00 on day-of-month 21'],
    ['0 0 */11 * *', 'At 00:00 on every 11th day-of-month'],
    ['0 0 */21 * *', 'At 00:00 on every 21st day-of-month'],
    ['0 0 */22 * *', 'At 00:00 on every 22nd day-of-month'],
    ['0 0 */23 * *', 'At 00:00 on every 23rd day-of-month'],
  ])('%j → %j', (expression, text) => {
    expect(explainSchedule(expression)).toBe(text);
  });

  test('refuses H: explain the resolved expression', () => {
    expect(() => explainSchedule('H H * * *')).toThrow('H is not allowed in a resolved expression');
  });

  test('Schedule.explain reads the resolved schedule', () => {
    expect(Schedule.hashed('H H * * *').explain('myid1')).toBe('At 07:36');
    expect(Schedule.hashed('H/5 * * * *').explain('myid2')).toBe('At every 5th minute from 3 through 58');
  });
});

describe('explainHash', () => {
  test('names, per field, the hashed string, its signed value and the result', () => {
    // Signed values are xxh64 (cespare/xxhash) of the hash input reinterpreted as int64.
    expect(explainHash('H H * * *', 'myid1')).toEqual({
      expression: 'H H * * *',
      expandedExpression: 'H H * * *',
      seed: 'myid1',
      resolved: '36 7 * * *',
      fields: [
        { field: CronField.MINUTE, expression: 'H', resolved: '36', hashInput: 'myid1:minute', hashValue: '-6243588252377438244' },
        { field: CronField.HOUR, expression: 'H', resolved: '7', hashInput: 'myid1:hour', hashValue: '-3233119368488700545' },
        { field: CronField.DAY_OF_MONTH, expression: '*', resolved: '*', hashInput: undefined, hashValue: undefined },
        { field: CronField.MONTH, expression: '*', resolved: '*', hashInput: undefined, hashValue: undefined },
        { field: CronField.DAY_OF_WEEK, expression: '*', resolved: '*', hashInput: undefined, hashValue: undefined },
      ],
    });
  });

  test('a hashed macro shows its Jenkins expansion', () => {
    const explanation = Schedule.hashed('@weekly').explainHash('myid3');
    expect(explanation.expression).toBe('@weekly');
    expect(explanation.expandedExpression).toBe('H H * * H');
    expect(explanation.resolved).toBe('15 3 * * 3');
    expect(explanation.fields.map(f => [f.hashInput, f.hashValue])).toEqual([
      ['myid3:minute', '-1308963446245118685'],
      ['myid3:hour', '9013423716363648723'],
      [undefined, undefined],
      [undefined, undefined],
      ['myid3:day-of-week', '949091996619348991'],
    ]);
  });

  test('a plain macro stays plain in explainHash(expression, seed)', () => {
    expect(explainHash('@daily', 'myid1').resolved).toBe('0 0 * * *');
    expect(explainHash('0 0 * * 7', 'myid1').fields[4]).toEqual(
      { field: CronField.DAY_OF_WEEK, expression: '7', resolved: '0', hashInput: undefined, hashValue: undefined });
  });

  test('validates like Schedule.cron', () => {
    expect(() => explainHash('0 0 30 2 *', 'x')).toThrow('can never fire');
  });
});
