// The bench's baseline: the 5-step flow as a plain undici script, the least work a Node
// client can do (one keep-alive connection, status checks, two captures).
// Usage: node bench/peers/undici-flow.mjs BASE_URL ITERATIONS
import { request } from 'undici';

const [baseUrl, iterations = '1'] = process.argv.slice(2);
if (!baseUrl) throw new Error('usage: undici-flow.mjs BASE_URL ITERATIONS');

async function call(method, path, { token, json, status }) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await request(`${baseUrl}${path}`, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.body.text();
  if (res.statusCode !== status) throw new Error(`${method} ${path}: ${res.statusCode}, expected ${status}`);
  return text === '' ? undefined : JSON.parse(text);
}

for (let i = 0; i < Number(iterations); i++) {
  const { token } = await call('POST', '/login', {
    json: { username: 'bench', password: 'bench' },
    status: 200,
  });
  await call('GET', '/items', { token, status: 200 });
  const { id } = await call('POST', '/items', { token, json: { name: 'bench' }, status: 201 });
  const item = await call('GET', `/items/${id}`, { token, status: 200 });
  if (item.name !== 'bench') throw new Error(`read back: name ${item.name}`);
  await call('DELETE', `/items/${id}`, { token, status: 204 });
}
