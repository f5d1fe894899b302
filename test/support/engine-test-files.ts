import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The test files that run on every ClickHouse engine: those that reach `test/support/clickhouse.ts`
 * through their relative imports, directly or through another support module. That module is
 * the only way a test gets a ClickHouse URL (createTestDatabase, clickhouseUrl, startTestReceiver
 * build on it), so a new test that can touch a server is on every engine without being listed.
 */

const SPECIFIER = /(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts') && !e.parentPath.includes('node_modules'))
    .map((e) => join(e.parentPath, e.name));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)]
    .map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')))
    .filter((path) => path.endsWith('.ts') && existsSync(path));
}

function reaches(start: string, target: string, seen = new Set<string>()): boolean {
  if (start === target) return true;
  if (seen.has(start)) return false;
  seen.add(start);
  return imports(start).some((next) => reaches(next, target, seen));
}

/** Paths relative to `root`, for vitest's `include`. */
export function clickhouseTestFiles(root: string): string[] {
  const target = join(root, 'test/support/clickhouse.ts');
  const packages = readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'src'));
  return [join(root, 'test'), ...packages]
    .flatMap(testFiles)
    .filter((file) => reaches(file, target))
    .map((file) => relative(root, file))
    .sort();
}
