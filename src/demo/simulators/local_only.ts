import type { RequestHandler } from 'express';

/**
 * Guards the simulators' unauthenticated pages (outbox, control): the Host must be a loopback
 * name, which defeats DNS rebinding, and a browser's Origin, when sent, must be this very
 * server, which stops another site's page from posting faults or resets.
 */
export function localOnly(): RequestHandler {
  return (req, res, next) => {
    const host = req.headers.host ?? '';
    const hostname = host.replace(/:\d+$/, '');
    const origin = req.headers.origin;
    const loopback = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
    if (!loopback || (origin !== undefined && origin !== `http://${host}`)) {
      res.status(403).type('text/plain').send('Simulator pages answer on localhost only, from their own origin.\n');
      return;
    }
    next();
  };
}
