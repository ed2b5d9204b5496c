// The fake BigQuery's HTTP plumbing: JSON answers, BigQuery's error body, request bodies, multipart uploads.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const err = (res: ServerResponse, code: number, reason: string, message: string) => send(res, code, { error: { code, message, errors: [{ reason, message }], status: reason } });

export function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** multipart/related: the job's JSON, then the data. */
export function multipart(body: Buffer, contentType: string): { meta: Record<string, unknown>; data: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)![1];
  const parts = body.toString('latin1').split(`--${boundary}`).slice(1, -1);
  const content = (p: string) => p.slice(p.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
  return { meta: JSON.parse(Buffer.from(content(parts[0]), 'latin1').toString('utf8')) as Record<string, unknown>, data: Buffer.from(content(parts[1]), 'latin1') };
}

