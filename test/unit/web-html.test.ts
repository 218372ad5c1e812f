/**
 * The page building blocks escape what they are given: the `html` template, the JSON data
 * block, the launch record's Markdown, and a whole run page with hostile text everywhere.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadKindReports } from '../../src/checks/registry.js';
import { escapeHtml, html, jsonScript, trusted } from '../../src/render/html.js';
import { renderRecord } from '../../src/report/record.js';
import { renderMarkdown } from '../../src/web/markdown.js';
import { renderRunBody, summaryOf } from '../../src/web/run-page.js';
import { noGoRun } from './report-fixtures.js';

const PAYLOAD = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';

/** Tags that must never come from data. */
const DANGEROUS = /<(script|img|iframe|svg|object)\b(?![^>]*type="application\/json")/i;

describe('web: escaping', () => {
  test('html escapes every interpolation unless it is already safe HTML', () => {
    const page = html`<p title="${PAYLOAD}">${PAYLOAD}${trusted('<br>')}${['a', html`<b>${'&'}</b>`]}${null}${false}</p>`;
    assert.equal(page.value, `<p title="${escapeHtml(PAYLOAD)}">${escapeHtml(PAYLOAD)}<br>a<b>&amp;</b></p>`);
    assert.doesNotMatch(page.value, DANGEROUS);
  });

  test('the JSON data block cannot be closed by the data', () => {
    const block = jsonScript('d', { text: '</script><script>alert(1)</script>', sep: '\u2028' }).value;
    assert.equal(block.match(/<\/script>/g)?.length, 1, 'only the block itself closes');
    assert.ok(block.includes('\\u003c/script\\u003e'));
    const json = block.replace(/^<script[^>]*>/, '').replace(/<\/script>$/, '');
    assert.deepEqual(JSON.parse(json), { text: '</script><script>alert(1)</script>', sep: '\u2028' });
  });

  test('the launch record renders headings, lists, tables and code, and no HTML from its text', () => {
    const out = renderMarkdown(
      [
        '# Launch record: shop — NO-GO',
        '- **Verdict:** NO-GO `code <b>`',
        '',
        '| a | b |',
        '| --- | --- |',
        `| x \\| y | ${PAYLOAD}<br>second \\<i\\> |`,
        '',
        '```',
        PAYLOAD,
        '```',
        `plain ${PAYLOAD}`,
      ].join('\n'),
    ).value;
    assert.match(out, /<h2>Launch record: shop — NO-GO<\/h2>/);
    assert.match(out, /<li><strong>Verdict:<\/strong> NO-GO <code>code &lt;b&gt;<\/code><\/li>/);
    assert.match(out, /<td>x \| y<\/td>/);
    assert.match(out, /<br>second &lt;i&gt;<\/td>/);
    assert.match(out, /<pre><code>&lt;img src=x/);
    assert.doesNotMatch(out, DANGEROUS);
  });

  test('a run page with a hostile response body, log line, step name and rollback shows them as text', async () => {
    const result = noGoRun();
    const path = result.paths[0];
    assert.ok(path);
    path.rollback = `roll back ${PAYLOAD}`;
    const step = path.steps.find((s) => s.name === 'pay');
    assert.ok(step?.response);
    step.name = `pay ${PAYLOAD}`;
    step.response.body = PAYLOAD;
    step.response.headers['x-evil'] = PAYLOAD;
    const kinds = await loadKindReports(result);
    const body = renderRunBody(
      {
        summary: summaryOf(result, PAYLOAD),
        result,
        record_md: renderRecord(result, kinds),
        logs_excerpt: `log ${PAYLOAD}`,
      },
      kinds,
      { dashboard: true },
    ).value;
    assert.doesNotMatch(body, DANGEROUS);
    assert.ok(body.includes(escapeHtml(PAYLOAD)));
    assert.match(body, /class="rollback-note">roll back &lt;img/);
    assert.match(body, /<pre class="logs">log &lt;img/);
    assert.match(body, /<figure class="chart" data-chart="0">/);
  });
});
