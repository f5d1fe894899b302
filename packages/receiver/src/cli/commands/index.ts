import type { Command } from '../command.js';
import { migrateCommand } from './migrate.js';
import { priceCommand } from './price.js';
import { pricesCommand } from './prices.js';
import { serveCommand } from './serve.js';
import { usageCommand } from './usage.js';
import { exportCommand } from './export.js';
import { demoCommand } from './demo.js';
import { repriceCommand } from './reprice.js';
import { settleCommand } from './settle.js';
import { invoiceCommand } from './invoice.js';
import { budgetsCommand } from './budgets.js';
import { clientsCommand } from './clients.js';
import { reconcileCommand } from './reconcile.js';
import { gatewayCommand } from './gateway.js';

/** Every CLI command, in the order `tokenledger --help` lists them. */
export const commands: Command[] = [
  serveCommand,
  migrateCommand,
  priceCommand,
  pricesCommand,
  usageCommand,
  exportCommand,
  demoCommand,
  repriceCommand,
  settleCommand,
  invoiceCommand,
  budgetsCommand,
  clientsCommand,
  reconcileCommand,
  gatewayCommand,
];
