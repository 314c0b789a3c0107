export * from './cron-field';
export * from './schedule';
export * from './time-zone';
export * from './next-runs';
export * from './explain';
export * from './hash-explanation';
