/**
 * Something a test file (or describe block) starts before its tests and closes after them: a
 * server, say. One place for the hooks and for the error when it is read too early.
 */
import { after, before } from 'node:test';

/**
 * `start` in `before`, `close` in `after`, for the tests of the enclosing file or describe
 * block; the function returned gives what `start` made (inside a test, once `before` ran).
 */
export function startedForTests<T>(
  what: string,
  start: () => Promise<T>,
  close: (started: T) => Promise<void>,
): () => T {
  let started: { value: T } | undefined;
  // One hook for start (and for close): Node 20 does not wait for one file-level before() to end before the next.
  before(async () => {
    started = { value: await start() };
  });
  after(async () => {
    if (started) await close(started.value);
  });
  return () => {
    if (!started) throw new Error(`${what} starts in before(): use it inside a test`);
    return started.value;
  };
}
