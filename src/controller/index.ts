export * from './batch-crds';
export * from './batch-controller';
