// A loopback TCP proxy a drill can cut, to take PostgreSQL away from the API and the worker
// without stopping the machine's server (other test files use it in parallel). cut() resets
// every connection through it and stops listening, so new connections are refused, as with a
// stopped server; restore() listens again on the same port.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const track = (s: Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
    s.on('error', () => s.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  const listen = (port: number) => new Promise<void>((r, j) => server.once('error', j).listen(port, '127.0.0.1', () => r()));
  await listen(0);
  const port = (server.address() as { port: number }).port;
  const stopListening = () => new Promise<void>((r) => (server.listening ? server.close(() => r()) : r()));
  const resetAll = () => {
    for (const s of open) s.resetAndDestroy();
  };
  return {
    port,
    async cut() {
      const closed = stopListening();
      resetAll();
      await closed;
    },
    restore: () => listen(port),
    async close() {
      const closed = stopListening();
      resetAll();
      await closed;
    },
  };
}
