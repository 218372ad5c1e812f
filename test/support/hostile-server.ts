/**
 * A local HTTP server with many bad behaviours, written on raw `node:net` sockets so it
 * can break HTTP in ways `node:http` would not let it: headers that never end, a reset
 * in the middle of a body, a 200 MB body (streamed, never buffered), a status line that
 * is not HTTP. Each behaviour is a path; `/healthz` and `/ok` behave.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** A running hostile server. */
export interface HostileServer {
  url: string;
  port: number;
  /** Requests seen, by path (without the query). */
  hits: Map<string, number>;
  /** Stop listening and destroy every open socket. */
  close(): Promise<void>;
}

/** The size of the `/huge` body. */
export const HUGE_BYTES = 200 * 1024 * 1024;

type Handler = (socket: Socket, ctx: { close: () => void }) => void;

const json = (status: string, body: string, extra = ''): string =>
  `HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** Write `text` every `ms` until the socket closes. */
function trickle(socket: Socket, text: string, ms: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed) clearInterval(timer);
    else socket.write(text);
  }, ms);
  socket.on('close', () => clearInterval(timer));
}

/** Stream `total` bytes of JSON-looking filler, respecting back-pressure. */
function streamHuge(socket: Socket, total: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  let sent = 0;
  socket.write(
    `HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${total}\r\n\r\n`,
  );
  const pump = (): void => {
    while (sent < total && !socket.destroyed) {
      const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += piece.length;
      if (!socket.write(piece)) return void socket.once('drain', pump);
    }
    if (sent >= total) socket.end();
  };
  pump();
}

const HANDLERS: Record<string, Handler> = {
  '/healthz': (s) => s.end(json('200 OK', '{"ok":true}')),
  '/ok': (s) => s.end(json('200 OK', '{"ok":true}')),
  // Slowloris: a status line, then one header byte every 100 ms, never the blank line.
  '/slowloris': (s) => {
    s.write('HTTP/1.1 200 OK\r\nx-slow: ');
    trickle(s, 'a', 100);
  },
  '/reset-mid-body': (s) => {
    s.write(
      'HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{"items":[',
    );
    setTimeout(() => s.resetAndDestroy(), 50);
  },
  '/huge': (s) => streamHuge(s, HUGE_BYTES),
  '/bad-json': (s) => s.end(json('200 OK', '{"items": [1, 2,, oops')),
  '/redirect-loop': (s) => s.end(json('302 Found', '{}', 'location: /redirect-loop\r\n')),
  // A live tail: chunks forever, slowly enough that the body never ends within the timeout.
  '/endless-chunked': (s) => {
    s.write(
      'HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n',
    );
    trickle(s, '2\r\n[1\r\n', 50);
  },
  '/slow': (s) => {
    const timer = setTimeout(() => s.end(json('200 OK', '{"late":true}')), 6000);
    s.on('close', () => clearTimeout(timer));
  },
  '/many-headers': (s) => {
    const headers = Array.from({ length: 10_000 }, (_, i) => `x-h${i}: ${i}\r\n`).join('');
    s.end(`HTTP/1.1 200 OK\r\nconnection: close\r\n${headers}content-length: 2\r\n\r\n{}`);
  },
  '/invalid-utf8': (s) => {
    const body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]);
    s.write(
      `HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
    );
    s.end(body);
  },
  '/close-before-any-byte': (s) => s.destroy(),
  '/not-http': (s) => s.end('SSH-2.0-OpenSSH_9.2\r\n'),
  '/short-body': (s) => {
    s.end(
      'HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{"cut":',
    );
  },
  // The server goes away: this socket is destroyed and the listener closed.
  '/die': (s, ctx) => {
    s.destroy();
    ctx.close();
  },
};

/** Start a hostile server on 127.0.0.1, port 0. */
export async function startHostileServer(): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const hits = new Map<string, number>();
  let server: Server | undefined;
  const close = (): void => {
    server?.close();
    for (const s of sockets) s.destroy();
  };
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (data: Buffer): void => {
      // A TLS ClientHello (https:// to this plain port): answer in plain text, as a misconfigured proxy would.
      if (head === '' && data[0] === 0x16) return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const target = /^[A-Z]+ (\S+) HTTP/.exec(head)?.[1] ?? '/';
      const route = target.split('?')[0] as string;
      hits.set(route, (hits.get(route) ?? 0) + 1);
      const handler = HANDLERS[route] ?? ((s: Socket) => s.end(json('404 Not Found', '{}')));
      handler(socket, { close });
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        close();
        server?.close(() => resolve());
        // close() calls back with an error when it is already closed; resolve anyway.
        setImmediate(resolve);
      }),
  };
}
