import { readScheduledKill, replaceAcrossCronJobsAnnotations, hasReplacePolicy, scheduledKillAnnotations } from '../../src/contract/annotations';
import { KillAction, planReplace, planScheduledKill, ReplaceMember } from '../../src/runs';

const member = (name: string, createdAt: number, over: Partial<ReplaceMember<string>> = {}): ReplaceMember<string> =>
  ({ job: name, name, createdAt, unfinished: true, deleting: false, replaces: true, ...over });

describe('planReplace (Replace across CronJobs)', () => {
  test('the newest replacing Job deletes every older unfinished Job, oldest first', () => {
    expect(planReplace([member('c', 3), member('a', 1), member('b', 2)])).toEqual({ replacer: 'c', replaced: ['a', 'b'] });
  });
  test('finished and deleting Jobs stay; younger Jobs that do not replace are not touched', () => {
    expect(planReplace([
      member('done', 1, { unfinished: false }), member('going', 2, { deleting: true }), member('old', 3),
      member('new', 4, { unfinished: false }), member('by-hand', 5, { replaces: false }),
    ])).toEqual({ replacer: 'new', replaced: ['old'] });
  });
  test('nothing without a replacing Job; ties on creation time broken by name', () => {
    expect(planReplace([member('a', 1, { replaces: false }), member('b', 2, { replaces: false })])).toEqual({ replaced: [] });
    expect(planReplace([member('y', 1), member('x', 1)])).toEqual({ replacer: 'y', replaced: ['x'] });
  });
});

describe('planScheduledKill (kill --at)', () => {
  const running = { metadata: { annotations: {} }, spec: { suspend: false }, status: { startTime: '2026-01-05T09:55:00Z' } };
  const at = Date.parse('2026-01-05T10:05:00Z');
  test('waits until the time, then kills as kill does; a time in the past kills at once', () => {
    expect(planScheduledKill(running, at, Date.parse('2026-01-05T10:00:00Z'))).toEqual({ waitMs: 300_000 });
    expect(planScheduledKill(running, at, at)).toEqual({ kill: { action: KillAction.DEADLINE, activeDeadlineSeconds: 600 } });
    expect(planScheduledKill(running, Date.parse('2020-01-01T00:00:00Z'), at).kill?.action).toBe(KillAction.DEADLINE);
  });
  test('finished or killed already: nothing; a killed queued Job is still deleted', () => {
    const failed = { ...running, status: { conditions: [{ type: 'Failed', status: 'True' }] } };
    expect(planScheduledKill(failed, at, at)).toEqual({});
    const killed = { ...running, metadata: { annotations: { 'cdk8s-batch.dev/killed-at': '2026-01-05T10:05:00Z' } } };
    expect(planScheduledKill(killed, at, at)).toEqual({});
    expect(planScheduledKill({ ...killed, spec: { suspend: true } }, at, at)).toEqual({ kill: { action: KillAction.DELETE } });
  });
});

describe('annotations', () => {
  test('Replace across CronJobs: writer and reader agree', () => {
    expect(replaceAcrossCronJobsAnnotations()).toEqual({ 'cdk8s-batch.dev/concurrency-policy': 'Replace' });
    expect(hasReplacePolicy(replaceAcrossCronJobsAnnotations())).toBe(true);
    expect(hasReplacePolicy({ 'cdk8s-batch.dev/concurrency-policy': 'Enqueue' })).toBe(false);
  });
  test('kill-at: writer and reader agree; absent is undefined; a bad time says how to fix it', () => {
    const written = scheduledKillAnnotations({ at: '2026-12-24T22:00:00+09:00', by: 'alice' });
    expect(written).toEqual({ 'cdk8s-batch.dev/kill-at': '2026-12-24T22:00:00+09:00', 'cdk8s-batch.dev/kill-requested-by': 'alice' });
    expect(readScheduledKill(written)).toEqual({ atMs: Date.parse('2026-12-24T13:00:00Z'), at: '2026-12-24T22:00:00+09:00', by: 'alice' });
    expect(readScheduledKill({})).toBeUndefined();
    expect(() => readScheduledKill({ 'cdk8s-batch.dev/kill-at': 'soon' })).toThrow(
      /^annotation cdk8s-batch\.dev\/kill-at: .* \(got "soon"\)\. Write an RFC 3339 time such as 2026-12-24T22:00:00\+09:00, or use cdk8s-batch kill --at \/ --in, which writes it\.$/);
  });
});
