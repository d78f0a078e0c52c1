import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

/** HTTP Basic auth as the two-factor servers ask it: anything but these credentials is a 401 with an empty body. */
export function basicAuth(user: string, password: string, realm: string): RequestHandler {
  const expected = digest(`${user}:${password}`);
  return (req, res, next) => {
    const match = /^Basic ([A-Za-z0-9+/]+={0,2})$/.exec(req.headers.authorization ?? '');
    const given = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    // Hashes of equal length, so the comparison takes the same time whatever was sent.
    if (match && timingSafeEqual(digest(given), expected)) return next();
    res.status(401).set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`).end();
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
