import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LABEL_WORKLOAD } from '../../../src/contract/keys';
import { candidateList, lookupWorkload, MatchRule, WorkloadObject } from '../../src/cli/workload-lookup';

function obj(kind: string, name: string, namespace = 'reports', workload: string | undefined = name): WorkloadObject {
  return { kind, metadata: { name, namespace, labels: workload ? { [LABEL_WORKLOAD]: workload } : {} } };
}

// What cdk8s' Names.toDnsLabel makes of constructs `nightly-report` and `nightly` in chart `reports`.
const NIGHTLY_REPORT = obj('CronJob', 'reports-nightly-report-c853095d');
const NIGHTLY = obj('CronJob', 'reports-nightly-0a1b2c3d');
const GREET_TEMPLATE = obj('JobTemplate', 'reports-greet-5e6f7a8b');
const GREET_CRON = obj('CronJob', 'reports-greet-5e6f7a8b');
const HAND_MADE = obj('CronJob', 'mail-digest', 'reports', 'digest');
const ALL = [NIGHTLY_REPORT, NIGHTLY, GREET_TEMPLATE, GREET_CRON, HAND_MADE];

describe('lookupWorkload: the workload a person means', () => {
  test('the exact name wins over every other rule', () => {
    assert.deepEqual(lookupWorkload('reports-nightly-0a1b2c3d', ALL), { found: NIGHTLY, rule: MatchRule.NAME });
  });

  test('the cdk8s-batch.dev/workload label, when it differs from the name', () => {
    assert.deepEqual(lookupWorkload('digest', ALL), { found: HAND_MADE, rule: MatchRule.LABEL });
  });

  test('the construct id: the generated name without its hash ends with it', () => {
    assert.deepEqual(lookupWorkload('nightly-report', ALL), { found: NIGHTLY_REPORT, rule: MatchRule.CONSTRUCT_ID });
    // `nightly` is its own construct's id, not a prefix match of both nightly workloads.
    assert.deepEqual(lookupWorkload('nightly', ALL), { found: NIGHTLY, rule: MatchRule.CONSTRUCT_ID });
    // The chart and the id together are a construct id match too.
    assert.deepEqual(lookupWorkload('reports-nightly-report', ALL), { found: NIGHTLY_REPORT, rule: MatchRule.CONSTRUCT_ID });
  });

  test('a workload with a JobTemplate and a CronJob counts once, as its JobTemplate', () => {
    assert.deepEqual(lookupWorkload('greet', ALL), { found: GREET_TEMPLATE, rule: MatchRule.CONSTRUCT_ID });
    assert.deepEqual(lookupWorkload('reports-gr', ALL), { found: GREET_TEMPLATE, rule: MatchRule.PREFIX });
  });

  test('a prefix that several workloads share is ambiguous, with every candidate', () => {
    const r = lookupWorkload('reports-nightly-', ALL);
    assert.equal(r.found, undefined);
    assert.equal(r.rule, MatchRule.PREFIX);
    assert.deepEqual(r.ambiguous, [NIGHTLY_REPORT, NIGHTLY]);
    assert.equal(candidateList(r.ambiguous!), '  reports/reports-nightly-0a1b2c3d (CronJob)\n  reports/reports-nightly-report-c853095d (CronJob)');
  });

  test('a name without a hash is not cut: `digest` in `mail-digest` is no construct id', () => {
    assert.deepEqual(lookupWorkload('mail', [HAND_MADE]), { found: HAND_MADE, rule: MatchRule.PREFIX });
    assert.deepEqual(lookupWorkload('digest', [obj('CronJob', 'mail-digest', 'ops', undefined)]), {});
  });

  test('nothing matches: no candidate and no rule', () => {
    assert.deepEqual(lookupWorkload('backfill', ALL), {});
    assert.deepEqual(lookupWorkload('x', []), {});
  });

  test('the candidate list stops at 20 and says how many more', () => {
    const many = Array.from({ length: 23 }, (_, i) => obj('CronJob', `job-${String(i).padStart(2, '0')}`));
    const lines = candidateList(many).split('\n');
    assert.equal(lines.length, 21);
    assert.equal(lines[20], '  ... and 3 more');
  });
});
