/**
 * init's CRUD flow cleans up after itself: the delete is the path's teardown, so a failed read
 * or update still deletes the record the flow created (a record left behind in the app's
 * database broke the app's own tests, run at the same time), and a create that failed leaves
 * nothing to delete: the teardown is skipped and the path fails on the create alone. The
 * document and the server are written for this test.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildFlows } from '../../src/ecosystem/init/flows.js';
import { listCandidates } from '../../src/ecosystem/init/select.js';
import { sendJson, useLocalServer, withBody } from '../support/local-server.js';

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const item = { type: 'object', properties: { id: { type: 'integer' }, title: { type: 'string' } } };
const secured = { security: [{ OAuth2: [] }] };
const itemId = [{ name: 'item_id', in: 'path', required: true, schema: { type: 'integer' } }];
const ok = { 200: { description: 'ok', ...json(item) } };

const DOC = {
  openapi: '3.1.0',
  info: { title: 'items', version: '1' },
  components: {
    securitySchemes: { OAuth2: { type: 'oauth2', flows: { password: { tokenUrl: '/login', scopes: {} } } } },
  },
  paths: {
    '/login': { post: { responses: { 200: { description: 'token' } } } },
    '/items/': { post: { ...secured, requestBody: json(item), responses: ok } },
    '/items/{item_id}': {
      get: { ...secured, parameters: itemId, responses: ok },
      put: { ...secured, parameters: itemId, requestBody: json(item), responses: ok },
      delete: { ...secured, parameters: itemId, responses: { 204: { description: 'gone' } } },
    },
  },
};

type Json = Record<string, unknown>;

function itemFlow(): Json {
  const flows = buildFlows(DOC, listCandidates(DOC));
  const flow = flows?.paths.find((p) => /^item:/.test(String(p.name)));
  assert.ok(flow, `an item flow among ${flows?.paths.map((p) => p.name)}`);
  return flow;
}

/** The flow as a run gets it, without `schema: openapi` (the document is not served here). */
function runnable(flow: Json): Json {
  const strip = (steps: unknown) =>
    ((steps ?? []) as Json[]).map((s) => {
      const { schema: _, ...expect } = s.expect as Json;
      return { ...s, expect };
    });
  return { steps: strip(flow.steps), teardown: strip(flow.teardown) };
}

const server = { createStatus: 200, updateStatus: 200, deleted: [] as string[], next: 1 };
const local = useLocalServer(
  withBody((req, res, body) => {
    const url = req.url ?? '';
    const id = /^\/items\/(\d+)$/.exec(url)?.[1];
    if (req.method === 'POST' && url === '/items/') {
      if (server.createStatus !== 200) return sendJson(res, server.createStatus, { detail: 'refused' });
      return sendJson(res, 200, { id: server.next++, ...JSON.parse(body || '{}') });
    }
    if (id && req.method === 'GET') return sendJson(res, 200, { id: Number(id), title: 't' });
    if (id && req.method === 'PUT') return sendJson(res, server.updateStatus, { id: Number(id) });
    if (id && req.method === 'DELETE') {
      server.deleted.push(id);
      res.writeHead(204).end();
      return;
    }
    sendJson(res, 404, { detail: 'no route' });
  }),
);

describe('init: the CRUD flow deletes what it created, whatever happened', () => {
  test('the delete is the teardown of the path, not a step after the update', () => {
    const flow = itemFlow();
    const steps = flow.steps as Json[];
    assert.deepEqual(
      steps.map((s) => s.name),
      ['create item', 'read item', 'update item'],
    );
    const teardown = flow.teardown as Json[] | undefined;
    assert.equal(teardown?.length, 1);
    assert.deepEqual(teardown?.[0]?.request, { method: 'DELETE', url: '/items/{{ item_id }}' });
    assert.deepEqual(teardown?.[0]?.expect, { status: 204, schema: 'openapi' });
  });

  test('a failed update: the record the create made is still deleted', async () => {
    Object.assign(server, { createStatus: 200, updateStatus: 500, deleted: [] });
    const result = await local.runPath(runnable(itemFlow()));
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.status, s.teardown ?? false]),
      [
        ['create item', 'pass', false],
        ['read item', 'pass', false],
        ['update item', 'fail', false],
        ['delete item', 'pass', true],
      ],
    );
    assert.equal(result.status, 'fail');
    assert.equal(server.deleted.length, 1, 'the created item is deleted');
  });

  test('a failed create: nothing to delete, the teardown is skipped and the path fails on the create', async () => {
    Object.assign(server, { createStatus: 422, updateStatus: 200, deleted: [] });
    const result = await local.runPath(runnable(itemFlow()));
    assert.deepEqual(
      result.steps.map((s) => [s.name, s.status]),
      [
        ['create item', 'fail'],
        ['read item', 'skip'],
        ['update item', 'skip'],
        ['delete item', 'skip'],
      ],
    );
    assert.match(result.steps[3]?.skip_reason ?? '', /^nothing to clean up: \{\{ item_id \}\}/);
    assert.ok(!result.steps.some((s) => s.status === 'error'), 'no error for the uncaptured id');
    assert.equal(result.status, 'fail');
    assert.deepEqual(server.deleted, []);
  });
});
