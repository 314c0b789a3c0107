export * from './batch-crds';
