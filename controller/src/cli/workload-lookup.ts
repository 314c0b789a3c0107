/**
 * Which workload the user means by `cdk8s-batch run NAME`: generated names carry the construct
 * path and a hash (`reports-nightly-report-c853095d` for construct `nightly-report` in chart
 * `reports`), so the name in metadata is rarely what a person types. The same rules apply to
 * synthesized manifests and to the cluster.
 */
import { readWorkloadLabel } from '../../../src/contract/labels';
import { WorkloadMember, workloadOf } from '../../../src/runs';

/** A runnable object: a JobTemplate or a CronJob (raw JSON). */
export interface WorkloadObject {
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown; readonly namespace?: unknown; readonly labels?: Record<string, unknown> };
  readonly spec?: unknown;
}

/** How a query matched, in the order the rules are tried. */
export enum MatchRule {
  NAME = 'name',
  LABEL = 'cdk8s-batch.dev/workload label',
  CONSTRUCT_ID = 'construct id',
  PREFIX = 'name prefix',
}

/** The one object a query names, or the several it matches equally, or neither. */
export interface Lookup<T> {
  readonly found?: T;
  readonly ambiguous?: readonly T[];
  /** The rule that matched. */
  readonly rule?: MatchRule;
}

/**
 * The workload `query` names among `objects`, by the first rule that matches anything:
 * the exact `metadata.name`, the `cdk8s-batch.dev/workload` label, the construct id (the
 * name without its `-<8 hex>` hash ends with `-<query>` or is `<query>`), else a prefix of
 * the name. A workload with both a JobTemplate and a CronJob (a ScheduledBatch with options)
 * counts once and is its JobTemplate.
 */
export function lookupWorkload<T extends WorkloadObject>(query: string, objects: readonly T[]): Lookup<T> {
  const workloads = oneObjectPerWorkload(objects);
  const rules: Array<[MatchRule, (o: T) => boolean]> = [
    [MatchRule.NAME, (o) => o.metadata?.name === query],
    [MatchRule.LABEL, (o) => readWorkloadLabel(o.metadata?.labels) === query],
    [MatchRule.CONSTRUCT_ID, (o) => namesOf(o).some((n) => {
      const base = withoutHash(n);
      return base !== n && (base === query || base.endsWith(`-${query}`));
    })],
    [MatchRule.PREFIX, (o) => namesOf(o).some((n) => n.startsWith(query))],
  ];
  for (const [rule, matches] of rules) {
    const hits = workloads.filter(matches);
    if (hits.length === 1) return { found: hits[0], rule };
    if (hits.length > 1) return { ambiguous: hits, rule };
  }
  return {};
}

/** `namespace/name (Kind)`, for lists of candidates. */
export function describeWorkload(o: WorkloadObject): string {
  const ns = o.metadata?.namespace;
  return `${ns ? `${ns}/` : ''}${o.metadata?.name} (${o.kind})`;
}

/** The candidates as an indented list, sorted, at most `max` of them. */
export function candidateList(objects: readonly WorkloadObject[], max = 20): string {
  const lines = oneObjectPerWorkload(objects).map(describeWorkload).sort();
  const shown = lines.slice(0, max).map((l) => `  ${l}`);
  if (lines.length > max) shown.push(`  ... and ${lines.length - max} more`);
  return shown.join('\n');
}

/** The object's name and its workload's name (they differ for hand-made objects). */
function namesOf(o: WorkloadObject): string[] {
  const names = [o.metadata?.name, workloadOf(o as WorkloadMember)].filter((n): n is string => typeof n === 'string' && n !== '');
  return [...new Set(names)];
}

/** cdk8s' `Names.toDnsLabel` ends a generated name with `-` and 8 hex digits of the path's hash. */
function withoutHash(name: string): string {
  return name.replace(/-[0-9a-f]{8}$/, '');
}

function oneObjectPerWorkload<T extends WorkloadObject>(objects: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const o of objects) {
    const key = `${o.metadata?.namespace ?? ''}/${workloadOf(o as WorkloadMember) ?? o.metadata?.name}`;
    const seen = byKey.get(key);
    if (!seen || (seen.kind === 'CronJob' && o.kind !== 'CronJob')) byKey.set(key, o);
  }
  return [...byKey.values()];
}
