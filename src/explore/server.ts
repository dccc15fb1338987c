// `gupcheck explore`'s server: the model runs here, in Node, exactly as the
// checker runs it; the browser only draws what session.ts computes. Why a
// server and not one HTML file with the model compiled in: a kernel model is
// the proposal modules, the kernel core and the property modules as Node
// ES modules (and a proposal may be the user's own file); compiling them
// into a page needs a bundler and would run a second copy of the model, so
// what the page showed could drift from what `check` and `replay` compute.
//
// Safety: bound to 127.0.0.1 on a free port; every request must carry the
// random token of the printed URL (another local user or a web page cannot
// drive it) and a Host header naming that address (no DNS rebinding); no
// CORS headers; nothing is read from disk after start-up.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Model } from '../engine/model.js';
import { parsePath, pathText, viewPath, type ExplorePath } from './session.js';
import { explorerPage } from './page.js';

export interface ExploreServer {
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

export interface ExploreOptions {
  /** A counterexample to start from (its path, and what it is). */
  readonly start?: { readonly path: ExplorePath; readonly title: string; readonly loop?: number };
  /** Shown in the page's title. */
  readonly title: string;
  /** The command that rebuilds this model (for the reproduce line). */
  readonly command: string;
}

export async function startExplorer(model: Model, opts: ExploreOptions): Promise<ExploreServer> {
  const token = randomBytes(16).toString('hex');
  let port = 0;
  const hostOk = (req: IncomingMessage) => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  const send = (res: ServerResponse, code: number, type: string, body: string) => {
    res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!hostOk(req) || url.searchParams.get('t') !== token || req.method !== 'GET') return send(res, 403, 'text/plain; charset=utf-8', 'forbidden: open the URL gupcheck explore printed\n');
    if (url.pathname === '/') {
      return send(res, 200, 'text/html; charset=utf-8', explorerPage({
        token, title: opts.title, command: opts.command,
        properties: model.properties.map((p) => ({ name: p.name, kind: p.kind })),
        ...(opts.start !== undefined ? { start: { path: pathText(opts.start.path), title: opts.start.title, ...(opts.start.loop !== undefined ? { loop: opts.start.loop } : {}) } } : {}),
      }));
    }
    if (url.pathname === '/api/view') {
      const p = parsePath(url.searchParams.get('p') ?? '0');
      if (p === undefined) return send(res, 400, 'application/json', JSON.stringify({ error: 'a path is numbers separated by dots' }));
      try {
        return send(res, 200, 'application/json', JSON.stringify(viewPath(model, p)));
      } catch (e) {
        return send(res, 500, 'application/json', JSON.stringify({ error: `the model threw: ${(e as Error).message}` }));
      }
    }
    return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const hash = opts.start !== undefined ? `#p=${pathText(opts.start.path)}&at=0` : '';
  return {
    url: `http://127.0.0.1:${port}/?t=${token}${hash}`,
    token,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
