import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ANNOTATION_KILL_AT, ANNOTATION_KILL_REQUESTED_BY, ANNOTATION_KILLED_AT, ANNOTATION_KILLED_BY } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { finish, job, jobRun, jobTemplate, NS } from './support/objects';
import { Job, JOB_RUNS, JOB_TEMPLATES, JobRun, JOBS } from '../src/kube/types';

const START = '2026-01-05T10:00:00Z';

/** A running Job started at 09:55 that asks to be killed at `at` for alice. */
function doomed(name: string, at: string, extra: Record<string, string> = {}): Job {
  const j = job({ name, enqueue: false, suspend: false, annotations: { [ANNOTATION_KILL_AT]: at, [ANNOTATION_KILL_REQUESTED_BY]: 'alice', ...extra } });
  j.status = { startTime: '2026-01-05T09:55:00Z', active: 1 };
  return j;
}

describe('kill at a time', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('waits until kill-at (nothing before), then sets the deadline to the time run, records the requester and a Killed Event', async () => {
    const clock = new FakeClock(START);
    const api = new FakeApi(clock);
    api.seed(JOBS, doomed('nightly-1', '2026-01-05T10:05:00Z'));
    h = await startHarness({ api, clock });
    await clock.advance(5 * 60_000 - 1000);
    await h.settle();
    assert.deepEqual(api.writes('patch', 'jobs'), [], 'nothing before the time');
    await clock.advance(1000);
    await h.settle();
    const [patch] = api.writes('patch', 'jobs');
    assert.equal(patch.body.spec.activeDeadlineSeconds, 600);
    const j = api.object<Job>(JOBS, NS, 'nightly-1')!;
    assert.equal(j.metadata.annotations![ANNOTATION_KILLED_BY], 'alice');
    assert.equal(j.metadata.annotations![ANNOTATION_KILLED_AT], '2026-01-05T10:05:00Z');
    const [event] = api.events('Killed');
    assert.equal(event.regarding.name, 'nightly-1');
    assert.equal(event.reportingController, 'cdk8s-batch.dev/controller');
    assert.equal(event.note, 'Killed at 2026-01-05T10:05:00Z for alice, who asked with cdk8s-batch kill for 2026-01-05T10:05:00Z. '
      + 'Job nightly-1: activeDeadlineSeconds set to 600; the Job controller fails it with DeadlineExceeded and stops its pods.');
    // Done once: the Job carries killed-at now.
    await clock.advance(60_000);
    await h.settle();
    assert.equal(api.writes('patch', 'jobs').length, 1);
  });

  test('a time in the past kills at once', async () => {
    const clock = new FakeClock(START);
    const api = new FakeApi(clock);
    api.seed(JOBS, doomed('late', '2020-01-01T00:00:00Z'));
    h = await startHarness({ api, clock });
    assert.equal(api.writes('patch', 'jobs')[0]?.body.spec.activeDeadlineSeconds, 300);
  });

  test('a finished Job, or one killed already, is left alone', async () => {
    const clock = new FakeClock(START);
    const api = new FakeApi(clock);
    const done = doomed('done', '2026-01-05T09:00:00Z');
    finish(done);
    api.seed(JOBS, done);
    api.seed(JOBS, doomed('killed', '2026-01-05T09:00:00Z', { [ANNOTATION_KILLED_AT]: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock });
    assert.deepEqual(api.writes(undefined, 'jobs'), []);
  });

  test('a malformed kill-at kills nothing and says so in an InvalidKillAt Event', async () => {
    const clock = new FakeClock(START);
    const api = new FakeApi(clock);
    api.seed(JOBS, doomed('bad', 'tomorrow'));
    h = await startHarness({ api, clock });
    assert.deepEqual(api.writes(undefined, 'jobs'), []);
    const [event] = api.events('InvalidKillAt');
    assert.equal(event.type, 'Warning');
    assert.match(event.note, /^annotation cdk8s-batch\.dev\/kill-at: .*\(got "tomorrow"\)\. Write an RFC 3339 time such as 2026-12-24T22:00:00\+09:00, or use cdk8s-batch kill --at \/ --in, which writes it\. Job bad is not killed until it is fixed\.$/);
  });

  test('a queued Job of a JobRun: the JobRun is marked Killed first, then the Job deleted; the run ends Killed, not JobDeleted', async () => {
    const clock = new FakeClock(START);
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Enqueue' }));
    // The one slot is taken, so the run's Job stays queued.
    api.seed(JOBS, job({ name: 'greet-0', workload: 'greet', enqueue: false, suspend: false, created: '2026-01-05T08:00:00Z' }));
    const run = api.seed(JOB_RUNS, jobRun('greet-1', { created: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock });
    // The controller created the Job, queued (suspended); someone asks for a kill at 10:01.
    assert.equal(api.object<Job>(JOBS, NS, 'greet-1')!.spec!.suspend, true);
    api.update<Job>(JOBS, NS, 'greet-1', (j) => {
      j.metadata.annotations = { ...j.metadata.annotations, [ANNOTATION_KILL_AT]: '2026-01-05T10:01:00Z', [ANNOTATION_KILL_REQUESTED_BY]: 'alice' };
    });
    await h.settle();
    assert.equal(api.object<Job>(JOBS, NS, 'greet-1')!.spec!.suspend, true);
    await clock.advance(60_000);
    await h.settle();
    assert.equal(api.object(JOBS, NS, 'greet-1'), undefined);
    const after = api.object<JobRun>(JOB_RUNS, NS, run.metadata.name!)!;
    assert.equal(after.status?.phase, 'Killed');
    const killed = after.status?.conditions?.find((c) => c.type === 'Killed');
    assert.equal(killed?.message, 'Killed by alice at 2026-01-05T10:01:00Z, before it started.');
    assert.equal(api.events('Killed')[0].regarding.kind, 'JobRun');
  });
});
