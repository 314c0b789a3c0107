// Ad-hoc runs: shared by the companion controller (JobRun) and the CLI (`cdk8s-batch run`).
// Internal: not exported from the package's index (not part of the jsii API).
export * from './admission';
export * from './concurrency-key';
export * from './due-time';
export * from './group-admission';
export * from './job-for-run';
export * from './job-phase';
export * from './job-run-manifest';
export * from './job-template-manifest';
export * from './kill';
export * from './plan-run';
export * from './replace';
export * from './retry-delay';
export * from './run-source';
export { RunPhase, RunSourceKind } from '../contract/job-run';
