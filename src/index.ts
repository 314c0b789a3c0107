export * from './schedule';
export * from './workloads';
