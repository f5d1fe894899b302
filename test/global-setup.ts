import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * Every test run gets a real ClickHouse: the user's CLICKHOUSE_URL when given, otherwise the
 * private server of scripts/clickhouse.sh (installed and started when missing, reused when up).
 */
export default function setup(project: TestProject): void {
  const script = fileURLToPath(new URL('../scripts/clickhouse.sh', import.meta.url));
  const url = execFileSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.env.CLICKHOUSE_URL = url;
  project.provide('clickhouseUrl', url);
}

declare module 'vitest' {
  export interface ProvidedContext {
    clickhouseUrl: string;
  }
}
