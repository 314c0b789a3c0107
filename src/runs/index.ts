// Ad-hoc runs: shared by the companion controller (JobRun) and the CLI (`cdk8s-batch run`).
// Internal: not exported from the package's index (not part of the jsii API).
export * from './admission';
export * from './job-for-run';
export * from './run-source';
export * from './run-source-kind';
export * from './job-run-manifest';
export * from './run-phase';
