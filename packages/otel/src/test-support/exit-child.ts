// Child process for the flushOnExit test: registers, records one span, then either waits for
// SIGTERM ("sigterm": with an app handler of its own; "sigterm-bare": without) or lets the
// event loop run dry ("exit": beforeExit).
import { trace } from '@opentelemetry/api';
import { register } from '../index.js';

const [endpoint, mode] = process.argv.slice(2);
register({ endpoint: endpoint!, serviceName: `exit-${mode}`, flushOnExit: true });
trace.getTracer('child').startSpan(`span-before-${mode}`).end();
if (mode === 'sigterm') {
  const keepAlive = setInterval(() => undefined, 1000);
  process.once('SIGTERM', () => clearInterval(keepAlive));
  process.stdout.write('ready\n');
} else if (mode === 'sigterm-bare') {
  setInterval(() => undefined, 1000);
  process.stdout.write('ready\n');
}
