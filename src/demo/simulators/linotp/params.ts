import express, { type Request, type RequestHandler, type Response } from 'express';

// The parameters of /validate/*, from the query string and, for POST, a form or JSON body
// (LinOTP reads both). Untrusted: each must be one string, given once, and not too long.

const LIMITS = { user: 256, pass: 256, data: 512, content_type: 8, number: 8, transactionid: 64 } as const;
export type Param = keyof typeof LIMITS;
export type Params = Partial<Record<Param, string>>;
export type ReadParams = { ok: true; params: Params } | { ok: false; message: string };

const BAD_BODY = 'linotpBadBody';

/**
 * Parses a form or JSON body and never fails the chain: a body that cannot be read is noted and
 * answered later as a LinOTP error (HTTP 200), not as express's HTML 400. Runs before the fault,
 * so a garbage reply can speak of the transaction a POST asked about.
 */
export function readBody(): RequestHandler {
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  const json = express.json({ limit: '8kb' });
  return (req, res, next) => {
    const noted = (err: unknown) => {
      if (err) res.locals[BAD_BODY] = true;
    };
    form(req, res, (err) => {
      noted(err);
      if (err) return next();
      json(req, res, (err2) => {
        noted(err2);
        next();
      });
    });
  };
}

export function readParams(req: Request, res: Response): ReadParams {
  if (res.locals[BAD_BODY]) return { ok: false, message: 'the request body cannot be read' };
  const body: unknown = req.body;
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    return { ok: false, message: 'the body must be a form or a JSON object' };
  }
  const query = req.query as Record<string, unknown>;
  const fromBody = (body ?? {}) as Record<string, unknown>;
  const params: Params = {};
  for (const name of Object.keys(LIMITS) as Param[]) {
    const inQuery = Object.hasOwn(query, name) ? query[name] : undefined;
    const inBody = Object.hasOwn(fromBody, name) ? fromBody[name] : undefined;
    if (inQuery !== undefined && inBody !== undefined) return { ok: false, message: `parameter '${name}' given more than once` };
    const value = inQuery ?? inBody;
    if (value === undefined) continue;
    if (Array.isArray(value)) return { ok: false, message: `parameter '${name}' given more than once` };
    if (typeof value !== 'string') return { ok: false, message: `parameter '${name}' must be a string` };
    if (value.length > LIMITS[name]) return { ok: false, message: `parameter '${name}' is longer than ${LIMITS[name]} characters` };
    params[name] = value;
  }
  return { ok: true, params };
}
