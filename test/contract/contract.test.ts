import {
  admittedAnnotation, hasRunWindowAnnotations, isAdmitted, isWindowSuspended, readRunWindow, readScheduleAnnotations,
  runWindowAnnotations, scheduleAnnotations, windowSuspendedPatch,
} from '../../src/contract/annotations';
import {
  jobRunLabel, kindLabel, readJobRunLabel, readKindLabel, readWorkloadLabel, workloadLabel, workloadSelector,
} from '../../src/contract/labels';
import { BatchValidationError } from '../../src/errors';

describe('run window annotations', () => {
  test('the reader reads what the writer writes, to the millisecond', () => {
    const notBefore = new Date('2026-12-01T00:00:00.250Z');
    const notAfter = new Date('2027-01-01T00:00:00Z');
    const annotations = runWindowAnnotations(notBefore, notAfter);
    expect(annotations).toEqual({
      'cdk8s-batch.dev/not-before': '2026-12-01T00:00:00.250Z',
      'cdk8s-batch.dev/not-after': '2027-01-01T00:00:00.000Z',
    });
    expect(readRunWindow(annotations)).toEqual({ notBefore: notBefore.getTime(), notAfter: notAfter.getTime() });
  });

  test('an absent or blank end is open; only the given ends are written', () => {
    expect(runWindowAnnotations(undefined, undefined)).toEqual({});
    expect(readRunWindow(undefined)).toEqual({ notBefore: undefined, notAfter: undefined });
    expect(readRunWindow({ 'cdk8s-batch.dev/not-before': ' ', 'cdk8s-batch.dev/not-after': ' 2026-12-01 01:00:00+01:00 ' }))
      .toEqual({ notBefore: undefined, notAfter: Date.parse('2026-12-01T00:00:00Z') });
  });

  test.each([
    ['tomorrow', 'is not an RFC 3339 timestamp with date, time and offset'],
    ['2026-12-01T00:00Z', 'is not an RFC 3339 timestamp with date, time and offset'],
    ['2026-02-30T00:00:00Z', 'is not a real calendar date'],
  ])('a bad end %p names the annotation, the value and the fix', (value, problem) => {
    const read = () => readRunWindow({ 'cdk8s-batch.dev/not-after': value });
    expect(read).toThrow(BatchValidationError);
    expect(read).toThrow(`annotation cdk8s-batch.dev/not-after: ${problem} (got ${JSON.stringify(value)}). `
      + 'Write an RFC 3339 time such as 2026-12-01T00:00:00Z (as ScheduledBatch\'s notBefore and notAfter write it), or synthesize the workload again.');
  });

  test('the suspension mark is written, read and removed by merge patch', () => {
    expect(windowSuspendedPatch('not-before')).toEqual({ 'cdk8s-batch.dev/window-suspended': 'not-before' });
    expect(windowSuspendedPatch(undefined)).toEqual({ 'cdk8s-batch.dev/window-suspended': null });
    expect(isWindowSuspended({ 'cdk8s-batch.dev/window-suspended': 'not-after' })).toBe(true);
    expect(isWindowSuspended({ 'cdk8s-batch.dev/not-after': '2026-12-01T00:00:00Z' })).toBe(false);
    expect(hasRunWindowAnnotations({ 'cdk8s-batch.dev/window-suspended': 'not-after' })).toBe(true);
    expect(hasRunWindowAnnotations({ 'cdk8s-batch.dev/not-before': '' })).toBe(true);
    expect(hasRunWindowAnnotations({ other: 'x' })).toBe(false);
    expect(hasRunWindowAnnotations(undefined)).toBe(false);
  });
});

describe('schedule and admission annotations', () => {
  test('the schedule as written and the seed round-trip; a value that is not a string is absent', () => {
    const annotations = scheduleAnnotations('H H * * *', 'default/nightly');
    expect(annotations).toEqual({ 'cdk8s-batch.dev/schedule': 'H H * * *', 'cdk8s-batch.dev/hash-seed': 'default/nightly' });
    expect(readScheduleAnnotations(annotations)).toEqual({ expression: 'H H * * *', seed: 'default/nightly' });
    expect(readScheduleAnnotations({ 'cdk8s-batch.dev/hash-seed': 42 })).toEqual({ expression: undefined, seed: undefined });
  });

  test('admitted-at is RFC 3339 UTC with milliseconds', () => {
    const annotations = admittedAnnotation(Date.parse('2026-01-05T10:00:00.123Z'));
    expect(annotations).toEqual({ 'cdk8s-batch.dev/admitted-at': '2026-01-05T10:00:00.123Z' });
    expect(isAdmitted(annotations)).toBe(true);
    expect(isAdmitted({})).toBe(false);
  });
});

describe('labels', () => {
  test('each reader reads what its writer writes', () => {
    expect(readWorkloadLabel(workloadLabel('nightly'))).toBe('nightly');
    expect(readKindLabel(kindLabel('ScheduledBatch'))).toBe('ScheduledBatch');
    expect(readJobRunLabel(jobRunLabel('nightly-x7k2p'))).toBe('nightly-x7k2p');
    expect({ ...workloadLabel('w'), ...kindLabel('K'), ...jobRunLabel('r') }).toEqual({
      'cdk8s-batch.dev/workload': 'w', 'cdk8s-batch.dev/kind': 'K', 'cdk8s-batch.dev/job-run': 'r',
    });
    expect(workloadSelector('nightly')).toBe('cdk8s-batch.dev/workload=nightly');
  });

  test('absent labels, and values that are not strings (a hand-edited manifest), read as absent', () => {
    expect(readWorkloadLabel(undefined)).toBeUndefined();
    expect(readKindLabel({ 'cdk8s-batch.dev/kind': 7 })).toBeUndefined();
    expect(readJobRunLabel({ 'cdk8s-batch.dev/workload': 'w' })).toBeUndefined();
  });
});
