import { failedAttemptOf, retryRelease, RetryPodFacts } from '../../src/runs/retry-delay';

const at = (s: string) => Date.parse(s);

/** A pod as the API server keeps it; `failedAt` makes it a Failed pod whose container finished then. */
function pod(uid: string, created: string, opts: { failedAt?: string; index?: string; phase?: string } = {}): RetryPodFacts {
  return {
    metadata: {
      uid,
      creationTimestamp: created,
      annotations: opts.index !== undefined ? { 'batch.kubernetes.io/job-completion-index': opts.index } : {},
    },
    status: {
      phase: opts.phase ?? (opts.failedAt ? 'Failed' : 'Pending'),
      conditions: [{ lastTransitionTime: created }],
      containerStatuses: opts.failedAt ? [{ state: { terminated: { finishedAt: opts.failedAt } } }] : [],
    },
  };
}

describe('retryRelease: when index i may start its next attempt', () => {
  test('a first attempt starts at once (at its creation)', () => {
    const p = pod('a', '2026-01-05T10:00:00Z');
    expect(retryRelease(p, [p], 30)).toEqual({ at: at('2026-01-05T10:00:00Z') });
  });

  test('a retry starts `delay` after its predecessor failed, however early the Job controller created it', () => {
    const first = pod('a', '2026-01-05T10:00:00Z', { failedAt: '2026-01-05T10:00:04Z' });
    const second = pod('b', '2026-01-05T10:00:14Z');
    expect(retryRelease(second, [first, second], 30)).toEqual({ at: at('2026-01-05T10:00:34Z'), lastFailure: at('2026-01-05T10:00:04Z') });
  });

  test('a retry created after the delay had passed starts at once (Kubernetes\' back-off was longer)', () => {
    const first = pod('a', '2026-01-05T10:00:00Z', { failedAt: '2026-01-05T10:00:04Z' });
    const second = pod('b', '2026-01-05T10:00:44Z');
    expect(retryRelease(second, [first, second], 5).at).toBe(at('2026-01-05T10:00:44Z'));
  });

  test('the latest failure counts (the third attempt waits for the second failure)', () => {
    const pods = [
      pod('a', '2026-01-05T10:00:00Z', { failedAt: '2026-01-05T10:00:02Z' }),
      pod('b', '2026-01-05T10:00:12Z', { failedAt: '2026-01-05T10:00:40Z' }),
    ];
    const third = pod('c', '2026-01-05T10:01:00Z');
    expect(retryRelease(third, [...pods, third], 30).at).toBe(at('2026-01-05T10:01:10Z'));
  });

  test('per index: another index\'s failure does not hold this one', () => {
    const pods = [
      pod('a0', '2026-01-05T10:00:00Z', { index: '0', failedAt: '2026-01-05T10:00:50Z' }),
      pod('a1', '2026-01-05T10:00:00Z', { index: '1', failedAt: '2026-01-05T10:00:05Z' }),
    ];
    const retry1 = pod('b1', '2026-01-05T10:00:55Z', { index: '1' });
    expect(retryRelease(retry1, [...pods, retry1], 60)).toEqual({ at: at('2026-01-05T10:01:05Z'), lastFailure: at('2026-01-05T10:00:05Z') });
    const first2 = pod('a2', '2026-01-05T10:00:55Z', { index: '2' });
    expect(retryRelease(first2, [...pods, first2], 60)).toEqual({ at: at('2026-01-05T10:00:55Z') });
  });

  test('a failure after the pod was created is not its predecessor; succeeded and running pods are not failures', () => {
    const later = pod('x', '2026-01-05T10:00:00Z', { failedAt: '2026-01-05T10:00:30Z' });
    const done = pod('y', '2026-01-05T10:00:00Z', { phase: 'Succeeded', failedAt: '2026-01-05T10:00:05Z' });
    const p = pod('p', '2026-01-05T10:00:10Z');
    expect(retryRelease(p, [later, done, p], 60)).toEqual({ at: at('2026-01-05T10:00:10Z') });
  });
});

describe('failedAttemptOf: when a failed pod finished', () => {
  test('the latest container (or init container) finishedAt', () => {
    expect(failedAttemptOf({
      metadata: { creationTimestamp: '2026-01-05T10:00:00Z' },
      status: {
        phase: 'Failed',
        containerStatuses: [{ state: { terminated: { finishedAt: '2026-01-05T10:00:03Z' } } }, { state: { terminated: { finishedAt: '2026-01-05T10:00:07Z' } } }],
        initContainerStatuses: [{ state: { terminated: { finishedAt: '2026-01-05T10:00:01Z' } } }],
      },
    })).toEqual({ index: undefined, failedAt: at('2026-01-05T10:00:07Z') });
  });

  test('no container ran (failed while Pending, e.g. by the pending timeout): the latest condition change', () => {
    expect(failedAttemptOf({
      metadata: { creationTimestamp: '2026-01-05T10:00:00Z', annotations: { 'batch.kubernetes.io/job-completion-index': '3' } },
      status: { phase: 'Failed', conditions: [{ lastTransitionTime: '2026-01-05T10:00:01Z' }, { lastTransitionTime: '2026-01-05T10:05:00Z' }, { lastTransitionTime: null }] },
    })).toEqual({ index: '3', failedAt: at('2026-01-05T10:05:00Z') });
  });

  test('else the deletion, else the creation time; not Failed: no attempt', () => {
    expect(failedAttemptOf({ metadata: { creationTimestamp: '2026-01-05T10:00:00Z', deletionTimestamp: '2026-01-05T10:00:09Z' }, status: { phase: 'Failed' } }))
      .toEqual({ index: undefined, failedAt: at('2026-01-05T10:00:09Z') });
    expect(failedAttemptOf({ metadata: { creationTimestamp: '2026-01-05T10:00:00Z' }, status: { phase: 'Failed' } }))
      .toEqual({ index: undefined, failedAt: at('2026-01-05T10:00:00Z') });
    expect(failedAttemptOf({ metadata: {}, status: { phase: 'Running' } })).toBeUndefined();
  });
});
