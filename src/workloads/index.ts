export * from './batch-workload';
export * from './concurrency';
export * from './pod-failure-policy';
export * from './pod-template';
export * from './scheduled-batch';
export * from './parameterized-job';
export * from './completion';
export * from './parallel-matrix-job';
