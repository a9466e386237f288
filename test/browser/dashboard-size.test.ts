import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureDashboardFirstLoad } from '../../bench/dashboard-size.js';

const ENTRY = 'import "./vendor.js"; console.log("entry");'.repeat(20);
const VENDOR = 'export const big = "vendor code";'.repeat(50);
const LAZY = 'export const charts = 1;'.repeat(500);

describe('measureDashboardFirstLoad', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-dashboard-size-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'index-1.js'), ENTRY);
    writeFileSync(join(dir, 'assets', 'vendor-2.js'), VENDOR);
    writeFileSync(join(dir, 'assets', 'charts-3.js'), LAZY);
    writeFileSync(join(dir, 'assets', 'index-4.css'), 'body { color: red }'.repeat(100));
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><html><head>
        <script type="module" crossorigin src="/assets/index-1.js"></script>
        <link rel="modulepreload" crossorigin href="/assets/vendor-2.js">
        <link rel="stylesheet" crossorigin href="/assets/index-4.css">
      </head><body><div id="root"></div></body></html>`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sums the gzip size of the entry script and its modulepreloads, leaving out CSS and lazy chunks', async () => {
    const measured = await measureDashboardFirstLoad(dir);
    expect(measured.files).toEqual(['/assets/index-1.js', '/assets/vendor-2.js']);
    expect(measured.gzipBytes).toBe(gzipSync(ENTRY).length + gzipSync(VENDOR).length);
  });

  it('refuses an index.html without a module script', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'slipway-dashboard-size-'));
    writeFileSync(join(empty, 'index.html'), '<html><body>not a build</body></html>');
    await expect(measureDashboardFirstLoad(empty)).rejects.toThrow(/no module script/);
    rmSync(empty, { recursive: true, force: true });
  });
});
