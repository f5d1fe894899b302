import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/** The cluster of scripts/cluster.sh (installed and started when missing, reused when up). */
export default function setup(project: TestProject): void {
  const script = fileURLToPath(new URL('../../scripts/cluster.sh', import.meta.url));
  const urls = execFileSync('bash', [script, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n');
  project.provide('clusterUrls', urls);
  project.provide('clusterScript', script);
}

declare module 'vitest' {
  export interface ProvidedContext {
    clusterUrls: string[];
    clusterScript: string;
  }
}
