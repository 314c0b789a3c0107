export * from './schedule';
export * from './workloads';
export * from './options';
export * from './controller';
export * from './matrix';
