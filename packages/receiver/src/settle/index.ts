export { settle, type SettleOptions, type SettleResult } from './settle-run.js';
export { settlePlugin, processLease, type SettleInstance } from './settle-plugin.js';
export { acquireLease, holdLease, LeaseBusyError, type LeaseHold, type LeaseOptions } from './settle-lease.js';
export { convergeRollup, type RollupKey } from './rollup-converge.js';
export { planTrace, ownClient, INHERITED, type CallDecision, type SettleCall } from './settle-plan.js';
export { dropExpiredLinks } from './link-retention.js';
