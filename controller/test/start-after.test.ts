import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ANNOTATION_KILLED_AT, ANNOTATION_KILLED_BY } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { jobRun, jobTemplate, NS } from './support/objects';
import { JOB_RUNS, JOB_TEMPLATES, JobRun, JOBS } from '../src/kube/types';

function runOf(api: FakeApi, name: string): JobRun {
  return api.object<JobRun>(JOB_RUNS, NS, name)!;
}

function accepted(r: JobRun) {
  return r.status?.conditions?.find((c) => c.type === 'Accepted');
}

describe('JobRun startAfter', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('stays Queued (NotYetDue) until its time, then creates the Job, without a late Event', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const due = clock.now() + 3_600_000;
    const at = new Date(due).toISOString().replace(/\.\d{3}Z$/, 'Z');
    api.seed(JOB_TEMPLATES, jobTemplate());
    const r = jobRun('later');
    r.spec!.startAfter = at;
    api.seed(JOB_RUNS, r);
    h = await startHarness({ api, clock });

    assert.equal(api.object(JOBS, NS, 'later'), undefined);
    assert.equal(runOf(api, 'later').status?.phase, 'Queued');
    assert.deepEqual({ ...accepted(runOf(api, 'later')), lastTransitionTime: undefined }, {
      type: 'Accepted', status: 'Unknown', reason: 'NotYetDue', lastTransitionTime: undefined,
      message: `Waits until its startAfter time ${at} (in 1h); the Job is created then.`,
    });

    await clock.advanceTo(due - 1);
    await h.settle();
    assert.equal(api.object(JOBS, NS, 'later'), undefined, 'never before its time');
    await clock.advanceTo(due);
    await h.settle();
    assert.ok(api.object(JOBS, NS, 'later'), 'created at its time');
    assert.equal(runOf(api, 'later').status?.phase, 'Running');
    assert.match(accepted(runOf(api, 'later'))!.message!, new RegExp(`Its startAfter time was ${at}; created 0s after it\\.$`));
    assert.deepEqual(api.events('StartedLate'), []);
  });

  test('a time in the past starts at once and says how late, with a StartedLate Event', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const at = new Date(clock.now() - 125_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    api.seed(JOB_TEMPLATES, jobTemplate());
    const r = jobRun('past');
    r.spec!.startAfter = at;
    api.seed(JOB_RUNS, r);
    h = await startHarness({ api, clock });
    assert.ok(api.object(JOBS, NS, 'past'));
    const [late] = api.events('StartedLate');
    assert.equal(late.type, 'Warning');
    assert.equal(late.note, `Started 2m 5s after its startAfter time ${at} (the controller was not running or was behind then).`);
  });

  test('a bad startAfter fails the run with the field, the value and the fix', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    const r = jobRun('bad');
    r.spec!.startAfter = 'tomorrow';
    api.seed(JOB_RUNS, r);
    h = await startHarness({ api, clock });
    const failed = runOf(api, 'bad');
    assert.equal(failed.status?.phase, 'Failed');
    assert.equal(accepted(failed)?.message, `JobRun ${NS}/bad: spec.startAfter: is not an RFC 3339 time with a zone offset (got "tomorrow"). ` +
      'Write e.g. 2026-12-24T22:00:00+09:00, or use cdk8s-batch run --at / --in.');
  });

  test('a run killed before it is due never starts and is Killed', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    const r = jobRun('never');
    r.spec!.startAfter = new Date(clock.now() + 60_000).toISOString();
    r.metadata.annotations = { [ANNOTATION_KILLED_BY]: 'alice', [ANNOTATION_KILLED_AT]: '2026-01-05T09:00:00Z' };
    api.seed(JOB_RUNS, r);
    h = await startHarness({ api, clock });
    await clock.advanceTo(clock.now() + 120_000);
    await h.settle();
    assert.equal(api.object(JOBS, NS, 'never'), undefined);
    const killed = runOf(api, 'never');
    assert.equal(killed.status?.phase, 'Killed');
    assert.equal(killed.status?.conditions?.find((c) => c.type === 'Killed')?.message, 'Killed by alice at 2026-01-05T09:00:00Z, before it started.');
  });
});
