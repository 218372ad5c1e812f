/**
 * The `cache` check's section of the launch record, "Cache": per path of the plan's `cache` section, its role,
 * `Cache-Control`, `Vary`, and each request's status and hit/miss as the CDN reported it.
 */

import { mdCode, mdTable, mdText } from '../../render/markdown.js';
import type { KindReport, KindView } from '../report.js';
import type { CacheObservation, CacheRequestObservation } from './result.js';

/** "Cache": a table per check that observed the cache; nothing when none did. */
export function cacheRecord(view: KindView): string[] {
  const blocks: string[] = [];
  for (const check of view.checks) {
    const observations = check.cache ?? [];
    if (observations.length === 0) continue;
    const header = observations.find((o) => o.cdn_header)?.cdn_header;
    const source = header
      ? `Hit/miss as the CDN reported it in ${mdCode(header)}.`
      : 'No CDN status header (X-Cache, X-Cache-Status, CF-Cache-Status, Cache-Status, Age) was seen.';
    blocks.push(
      `### ${mdText(check.id)}`,
      source,
      mdTable(['path', 'role', 'Cache-Control', 'Vary', 'requests'], observations.map(row)),
    );
  }
  return blocks.length > 0 ? ['## Cache', ...blocks] : [];
}

function row(observation: CacheObservation): string[] {
  return [
    mdCode(observation.path),
    observation.role,
    observation.cache_control === null ? '(none)' : mdCode(observation.cache_control),
    observation.vary === null ? '(none)' : mdCode(observation.vary),
    observation.requests.map(describeRequest).join(' → '),
  ];
}

/** e.g. `user B 200 hit`, `anonymous 401`. */
function describeRequest(request: CacheRequestObservation): string {
  const cdn = request.cdn === null ? '' : ` **${request.cdn}**`;
  const age = request.age === null ? '' : ` (age ${request.age} s)`;
  return `${mdText(request.as)} ${request.status}${cdn}${age}`;
}

export const cacheReport: KindReport = { record: cacheRecord };
