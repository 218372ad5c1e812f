/**
 * Which operations `preflight init` picks: the `--yes` default, `--pick`, and the numbered
 * prompt (driven through streams, as a terminal would), and the skeleton it builds from them.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { promptForOperations } from '../../src/ecosystem/init/prompt.js';
import { defaultSelection, listCandidates, parsePick } from '../../src/ecosystem/init/select.js';
import { buildPlanSkeleton } from '../../src/ecosystem/init/skeleton.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (schema: unknown) => ({
  '200': { description: 'ok', content: { 'application/json': { schema } } },
});
const DOC = {
  openapi: '3.1.0',
  info: { title: 'Book Shop', version: '1' },
  paths: {
    '/healthz': { get: { tags: ['health'], summary: 'Healthz', responses: ok({ type: 'object' }) } },
    '/books': {
      get: { tags: ['books'], summary: 'List books', responses: ok(ref('Page')) },
      post: {
        tags: ['books'],
        summary: 'Add book',
        security: [{ bearer: [] }],
        requestBody: { content: { 'application/json': { schema: ref('BookIn') } } },
        responses: { '201': { description: 'created' } },
      },
    },
    '/books/{book_id}': {
      get: {
        tags: ['books'],
        summary: 'Get book',
        parameters: [{ name: 'book_id', in: 'path', required: true }],
        responses: ok(ref('Book')),
      },
    },
    '/search': {
      get: {
        summary: 'Search',
        parameters: [{ name: 'q', in: 'query', required: true, schema: { type: 'string' } }],
        responses: ok({}),
      },
    },
    '/me': { get: { summary: 'Me', security: [{ bearer: [] }], responses: ok({}) } },
  },
  components: {
    schemas: {
      Book: { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' } } },
      BookIn: {
        type: 'object',
        required: ['title', 'pages'],
        properties: { title: { type: 'string' }, pages: { type: 'integer', minimum: 1 } },
      },
      Page: { type: 'object', properties: { items: { type: 'array', items: ref('Book') } } },
    },
  },
};

describe('preflight init: picking operations', () => {
  const candidates = listCandidates(DOC);

  test('--yes: public GETs without unknown parameters, and detail GETs whose id can be captured', () => {
    const keys = defaultSelection(DOC, candidates).map((c) => c.key);
    assert.deepEqual(keys, ['GET /healthz', 'GET /books', 'GET /books/{book_id}']);
  });

  test('--pick by number, range, operation key; errors name the bad part', () => {
    const picked = parsePick('1, 3-4, GET /me', candidates);
    assert.ok(Array.isArray(picked));
    assert.deepEqual(
      picked.map((c) => c.key),
      ['GET /healthz', 'POST /books', 'GET /books/{book_id}', 'GET /me'],
    );
    assert.deepEqual(parsePick('9', candidates), { error: '"9" is not within 1-6' });
    assert.match((parsePick('GET /nope', candidates) as { error: string }).error, /neither a number/);
  });

  test('the prompt lists the operations numbered, marks the default, and re-asks after a bad answer', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (d: Buffer) => {
      shown += d.toString();
    });
    const answer = promptForOperations(candidates, defaultSelection(DOC, candidates), { input, output });
    input.write('42\n');
    setTimeout(() => input.write('2,3\n'), 20);
    const picked = await answer;
    assert.deepEqual(
      picked.map((c) => c.key),
      ['GET /books', 'POST /books'],
    );
    assert.match(shown, /1\. \[x\] GET \/healthz — Healthz/);
    assert.match(shown, /3\. \[ \] POST \/books — Add book \(needs credentials\)/);
    assert.match(shown, /"42" is not within 1-6/);
  });

  test('the skeleton: paths by tag, captures for detail ids, TODOs for what only people know', () => {
    const picked = parsePick('all', candidates) as ReturnType<typeof listCandidates>;
    const plan = buildPlanSkeleton(DOC, picked, {
      name: 'book-shop',
      start: 'uvicorn app:app --port {port}',
    });
    const paths = plan.critical_paths as {
      name: string;
      owner: string;
      variables?: Record<string, string>;
      steps: Record<string, unknown>[];
    }[];
    assert.deepEqual(
      paths.map((p) => p.name),
      ['health', 'books', 'search', 'me'],
    );
    const books = paths[1];
    assert.equal(books?.owner, 'TODO: who answers for this path at launch');
    assert.deepEqual(
      books?.steps.map((s) => s.name),
      ['list books', 'add book', 'get book'],
    );
    assert.deepEqual(books?.steps[0]?.capture, { book_id: '$.items[0].id' });
    assert.deepEqual(books?.steps[1]?.request, {
      method: 'POST',
      url: '/books',
      headers: { Authorization: 'Bearer {{ token }}' },
      json: { title: 'TODO: a value', pages: 1 },
    });
    assert.deepEqual(books?.steps[1]?.expect, { status: 201, schema: 'openapi' });
    assert.deepEqual(books?.steps[2]?.request, { url: '/books/{{ book_id }}' });
    assert.deepEqual(paths[2]?.steps[0]?.request, { url: '/search', query: { q: 'TODO: a value' } });
  });
});
