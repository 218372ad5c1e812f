/**
 * The dashboard and the HTML report in a real browser: Debian's Chromium (/usr/bin/chromium,
 * never a downloaded one) driven by playwright-core. Two real runs of the example shop — a
 * GO, then a NO-GO whose failing step echoes an XSS payload in its response body and puts
 * another in the service log — are opened in the dashboard and in the `--html` report.
 * Screenshots go to test-output/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { copyExample, ROOT, runCli, tempDir } from '../support/cli.js';
import { startServe } from '../support/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-output');
const BODY_PAYLOAD = '<script>window.__xss=1;alert(1)</script><img src=x onerror=window.__xss=2>';
const LOG_PAYLOAD = '<svg/onload=window.__xss=3>';
const ROLLBACK = 'turn the support widget off (deploy/flags.sh support=off); tickets stay stored';

/** A plan of the example shop: one healthy critical path, and with `withXss` one whose last step fails. */
function plan(withXss: boolean): string {
  const head = `version: 1
service:
  name: shop
  owner: team-shop
  start: .venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}
  ready: GET /healthz
  ready_timeout: 30s
  env: { DATABASE_URL: "sqlite:///{{ run.dir }}/shop.db" }
variables:
  password: "launch-check-{{ run.id }}"
critical_paths:
  - name: browse
    owner: alice
    expect: a visitor lists books and opens one
    rollback: redeploy the previous release
    steps:
      - name: list books
        request: { url: /products, query: { category: books, limit: 5 } }
        expect: { status: 200 }
        capture: { product_id: "$.items[0].id" }
      - name: product detail
        request: { url: "/products/{{ product_id }}" }
        expect: { status: 200 }
`;
  const xss = `  - name: support
    owner: dave
    expect: a customer files a support ticket and gets it back
    rollback: "${ROLLBACK}"
    steps:
      - name: odd url is logged
        request: { url: "/nope/${LOG_PAYLOAD}" }
        expect: { status: 404 }
      - name: sign up
        request: { method: POST, url: /auth/signup, json: { email: "xss-{{ run.id }}@shop.test", password: "{{ password }}", name: X } }
        expect: { status: 201 }
      - name: log in
        request: { method: POST, url: /auth/login, json: { email: "xss-{{ run.id }}@shop.test", password: "{{ password }}" } }
        capture: { token: "$.token" }
      - name: file a ticket
        request:
          method: POST
          url: /support/tickets
          headers: { Authorization: "Bearer {{ token }}" }
          json: { subject: help, message: ${JSON.stringify(BODY_PAYLOAD)} }
        expect: { status: 200 }
`;
  return withXss ? head + xss : head;
}

async function launch(): Promise<{ context: BrowserContext; page: Page; cleanup: () => Promise<void> }> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  const profile = await tempDir('preflight-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    cleanup: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Watch a page for anything a payload could do, and for our own CSP mistakes. */
function watch(page: Page): { dialogs: string[]; problems: string[] } {
  const seen = { dialogs: [] as string[], problems: [] as string[] };
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => seen.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') seen.problems.push(`console: ${message.text()}`);
  });
  return seen;
}

/** Wait for every chart of the page to be drawn; returns the painted pixels of the first canvas. */
async function chartPixels(page: Page): Promise<number> {
  await page.waitForSelector('figure[data-chart][data-rendered="true"] canvas', { timeout: 15_000 });
  const pending = await page.locator('figure[data-chart]:not([data-rendered="true"])').count();
  assert.equal(pending, 0, 'every chart was drawn');
  // A string, evaluated in the page: the tests are type-checked without the DOM's types.
  return page.evaluate<number>(`(() => {
    const canvas = document.querySelector('figure[data-chart] canvas');
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
    return painted;
  })()`);
}

async function assertNoScriptRan(page: Page, seen: { dialogs: string[]; problems: string[] }): Promise<void> {
  assert.equal(await page.evaluate<unknown>('typeof window.__xss'), 'undefined', 'no payload ran');
  assert.deepEqual(seen.dialogs, [], 'no alert');
  assert.deepEqual(seen.problems, [], 'no error, no CSP violation');
}

describe('dashboard and HTML report in Chromium', () => {
  test('runs, a NO-GO run, trends and compare; XSS payloads shown as text, never run', {
    timeout: 240_000,
  }, async (t) => {
    mkdirSync(SHOTS, { recursive: true });
    const dir = await copyExample();
    await writeFile(path.join(dir, 'good.yaml'), plan(false));
    await writeFile(path.join(dir, 'bad.yaml'), plan(true));
    const good = await runCli(['run', '--plan', 'good.yaml'], { cwd: dir });
    assert.equal(good.code, 0, `${good.stdout}\n${good.stderr}`);
    const bad = await runCli(['run', '--plan', 'bad.yaml', '--html', 'report.html'], { cwd: dir });
    assert.equal(bad.code, 1, `${bad.stdout}\n${bad.stderr}`);

    const served = await startServe(['--port', '0'], dir);
    // Stopped whatever happens next, a browser that does not start included: a server left
    // running would keep this test file (and the suite) waiting for ever.
    t.after(() => served.stop());
    const browser = await launch();
    t.after(() => browser.cleanup());
    const { page } = browser;
    const seen = watch(page);
    await page.goto(served.url);
    assert.equal(await page.locator('table.runs tbody tr').count(), 2);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-runs.png'), fullPage: true });

    await page.locator('tr[data-verdict="no-go"] td a').first().click();
    await page.waitForSelector('h1 .verdict.no-go');
    const failed = page.locator('[data-failed-path="support"]');
    assert.equal(await failed.locator('.rollback-note').textContent(), ROLLBACK);
    const step = failed.locator('[data-step="file a ticket"]');
    assert.match((await step.locator('h4').textContent()) ?? '', /file a ticket: fail/);
    assert.deepEqual((await step.locator('table.assertions td').allTextContents()).slice(0, 3), [
      'status',
      '200',
      '201',
    ]);
    assert.ok(
      ((await step.locator('pre.response-body').textContent()) ?? '').includes(BODY_PAYLOAD),
      'body shown as text',
    );
    assert.ok(
      ((await page.locator('pre.logs').textContent()) ?? '').includes(LOG_PAYLOAD),
      'log line shown as text',
    );
    assert.ok((await chartPixels(page)) > 500, 'the step timing chart has pixels');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-run-nogo.png'), fullPage: true });
    await assertNoScriptRan(page, seen);

    await page.goto(`${served.url}trends`);
    assert.ok((await chartPixels(page)) > 500, 'the trend chart has pixels');
    assert.ok(await page.locator('figcaption', { hasText: 'support: p50 / p95' }).count());
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-trends.png'), fullPage: true });

    await page.goto(served.url);
    await page.locator('form.compare button').click();
    await page.waitForSelector('table.compare-paths');
    assert.ok((await chartPixels(page)) > 500, 'the distribution chart has pixels');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-compare.png'), fullPage: true });
    await assertNoScriptRan(page, seen);

    const report = await launch();
    try {
      const { page } = report;
      const seen = watch(page);
      await page.goto(pathToFileURL(path.join(dir, 'report.html')).href);
      await page.waitForSelector('h1 .verdict.no-go');
      assert.equal(await page.locator('[data-failed-path="support"] .rollback-note').textContent(), ROLLBACK);
      assert.ok(
        ((await page.locator('pre.response-body').first().textContent()) ?? '').includes(BODY_PAYLOAD),
      );
      assert.ok((await chartPixels(page)) > 500, 'the report draws its charts offline');
      await page.screenshot({ path: path.join(SHOTS, 'report-nogo.png'), fullPage: true });
      await assertNoScriptRan(page, seen);
    } finally {
      await report.cleanup();
    }
  });
});
