// The bench's start-up baseline: one GET with undici, the status checked.
// Usage: node bench/peers/undici-request.mjs BASE_URL
import { request } from 'undici';

const [baseUrl] = process.argv.slice(2);
if (!baseUrl) throw new Error('usage: undici-request.mjs BASE_URL');
const res = await request(`${baseUrl}/items`);
await res.body.text();
if (res.statusCode !== 200) throw new Error(`GET /items: ${res.statusCode}, expected 200`);
