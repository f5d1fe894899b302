import { billingPlugin } from '../billing/index.js';
import { portalPlugin } from '../portal/index.js';
import { reconcilePlugin } from '../reconcile/index.js';
import { reportsPlugin } from '../reports/index.js';
import { settlePlugin } from '../settle/index.js';
import type { ReceiverPlugin } from './receiver.js';

/** The features `tokenledger serve` runs on top of ingest. */
export const defaultPlugins: ReceiverPlugin[] = [reportsPlugin, billingPlugin, settlePlugin, reconcilePlugin, portalPlugin];
