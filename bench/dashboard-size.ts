/**
 * Dashboard first-load weight: the gzip-compressed bytes of the JavaScript a browser must fetch before the
 * dashboard can render (index.html's entry script and its modulepreload links; lazily loaded chunks such as the
 * overview charts are not counted). Goal: <= 300 KB.
 *
 * Run with `npm run bench:dashboard` after `npm run build`. Results go to bench/results/dashboard.json.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { writeBenchResult } from './lib/write-bench-result.js';

const GOAL_GZIP_BYTES = 300 * 1024;
const DIST_WEB = fileURLToPath(new URL('../dist/web/', import.meta.url));

/** The `src`/`href` of every module script and modulepreload link in the HTML, in document order. */
function firstLoadScripts(html: string): string[] {
  const tags = html.match(/<(script|link)\b[^>]*>/gi) ?? [];
  const paths: string[] = [];
  for (const tag of tags) {
    const attribute = (name: string) => new RegExp(`\\b${name}=["']([^"']+)["']`, 'i').exec(tag)?.[1];
    const isModuleScript = /^<script/i.test(tag) && attribute('type') === 'module';
    const isPreload = /^<link/i.test(tag) && attribute('rel') === 'modulepreload';
    const path = isModuleScript ? attribute('src') : isPreload ? attribute('href') : undefined;
    if (path !== undefined && !paths.includes(path)) paths.push(path);
  }
  return paths;
}

/**
 * Measures the built dashboard in `distDir` (the directory holding index.html): the first-load JavaScript files
 * (paths as index.html names them) and their total size once gzip-compressed (node:zlib, default level, as a
 * server would send them).
 */
export async function measureDashboardFirstLoad(
  distDir: string,
): Promise<{ gzipBytes: number; files: string[] }> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const files = firstLoadScripts(html);
  if (files.length === 0) throw new Error(`${distDir}index.html names no module script: is it a Vite build?`);
  let gzipBytes = 0;
  for (const file of files) {
    if (/^[a-z]+:\/\//i.test(file)) throw new Error(`${file} is not served by the gateway`);
    gzipBytes += gzipSync(await readFile(join(distDir, file.replace(/^\//, '')))).length;
  }
  return { gzipBytes, files };
}

async function main(): Promise<void> {
  const { gzipBytes, files } = await measureDashboardFirstLoad(DIST_WEB);
  const pass = gzipBytes <= GOAL_GZIP_BYTES;
  const path = writeBenchResult('dashboard', {
    goal: { maxFirstLoadGzipBytes: GOAL_GZIP_BYTES },
    firstLoadGzipBytes: gzipBytes,
    firstLoadGzipKiB: Math.round((gzipBytes / 1024) * 10) / 10,
    files,
    pass,
    notes: [
      'First load: the module scripts and modulepreload links of dist/web/index.html; lazy chunks excluded.',
      'Each file gzip-compressed with node:zlib at the default level; CSS is not counted.',
    ],
  });
  console.log(
    `first-load JavaScript: ${gzipBytes} bytes gzip (goal <= ${GOAL_GZIP_BYTES}): ${pass ? 'pass' : 'FAIL'}`,
  );
  console.log(`written ${path}`);
  if (!pass) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
