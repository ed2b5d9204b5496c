// Network helpers for tests: count the HTTP requests this process starts, get a closed port,
// and run a throwaway HTTP server.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type ClientRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/**
 * Counts the HTTP requests started in this process (each one is an attempt to connect, whether or
 * not the host resolves), by host. Node publishes them on the `http.client.request.start` channel.
 */
export function countRequests(): { readonly hosts: string[]; stop(): void } {
  const hosts: string[] = [];
  const listener = (message: unknown) => {
    const req = (message as { request: ClientRequest }).request;
    hosts.push(String(req.getHeader('host') ?? req.host));
  };
  subscribe('http.client.request.start', listener);
  return { hosts, stop: () => unsubscribe('http.client.request.start', listener) };
}

/** A TCP port on 127.0.0.1 that nothing listens on: bound, read, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await close(server);
  return port;
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts a server for the current test (call it inside the test), closed when the test ends. */
export async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server }> {
  return serveWith(createServer(handler));
}

/** Listens with `server` for the current test; it is closed, idle keep-alive sockets too, when the test ends. */
export async function serveWith<S extends Server>(server: S): Promise<{ url: string; server: S }> {
  const url = await listen(server);
  onTestFinished(() => close(server));
  return { url, server };
}

export function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
