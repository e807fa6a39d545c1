// The worker's workflowsPath: every workflow the worker runs is exported from here.
export * from './customer-workflow';
export * from './controllers/rollout-workflow';
export * from './controllers/experiment-workflow';
export * from './maintenance/refresh-recommendations-workflow';
export * from './maintenance/refresh-segments-workflow';
export * from './maintenance/refresh-traits-workflow';
export * from './imports/import-workflow';
export * from './broadcasts/broadcast-workflow';
