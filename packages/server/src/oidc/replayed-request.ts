import { IncomingMessage } from 'node:http';

/**
 * A copy of `req` whose body is `body`, for a request whose body Latchkey had to read before
 * oidc-provider does (oidc/mount.ts: a pushed authorization request's form, rewritten
 * for offline_access). oidc-provider reads bodies from the request stream itself, and for a stream
 * already read it falls back to `req.body` with a warning meant for a misconfigured host. The copy
 * is an unread `IncomingMessage` on the same socket, with the same method, URL and headers (the
 * length changed to the new body's), so the provider reads it as it reads any request.
 */
export function replayedRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method!;
  copy.url = req.url!;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  const headers = { ...req.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  copy.headers = headers;
  copy.push(body);
  copy.push(null);
  // Whole: without this, the copy counts as aborted once read and its destruction closes the socket.
  copy.complete = true;
  return copy;
}
