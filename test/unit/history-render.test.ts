/**
 * `preflight history`'s table footer: how many runs it shows, and whether --limit hid older ones
 * (it said "20 runs" of a history that kept 21).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderHistory } from '../../src/cli/history.js';
import type { RunSummary } from '../../src/store/types.js';

function run(id: string): RunSummary {
  return {
    run_id: id,
    service: 'shop',
    version: null,
    git_ref: null,
    git_commit: null,
    plan_file: 'preflight.yaml',
    plan_hash: 'h',
    verdict: 'go',
    exit_code: 0,
    reason: 'ok',
    started_at: '2026-12-07T10:00:00.000Z',
    finished_at: '2026-12-07T10:00:01.000Z',
    duration_ms: 1000,
    who: 'ci',
  };
}

describe('history: the footer', () => {
  test('every run shown: their number', () => {
    assert.match(renderHistory([run('a'), run('b')], 'h.db'), /\n2 runs in h\.db; /);
  });

  test('--limit hid older runs: it says so', () => {
    const out = renderHistory([run('a'), run('b')], 'h.db', false, true);
    assert.match(out, /\nthe latest 2 runs \(--limit 2; older ones are kept too\) in h\.db; /);
  });
});
