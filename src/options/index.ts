export * from './types';
export * from './schema';
export * from './job-option';
export * from './job-option-set';
export * from './substitution';
