import type { Request, Response } from 'express';

// What a portal's page says after a redirect (post/redirect/get). Only a portal's own codes travel
// in the query, never a value from the request, so nothing typed is echoed back through a URL.

export type PageMessage = { kind: 'ok' | 'error'; text: string };

/** Reading and sending one portal's message codes. */
export function pageMessages<Code extends string>(messages: Record<Code, PageMessage>) {
  return {
    /** The message named in the query, or undefined for an absent or unknown code. */
    messageOf: (req: Request): PageMessage | undefined => {
      const code = req.query.m;
      return typeof code === 'string' && Object.hasOwn(messages, code) ? messages[code as Code] : undefined;
    },
    /** 303 to a portal page, with one message code. */
    redirectWith: (res: Response, path: string, code?: Code): void => {
      res.redirect(303, code ? `${path}?m=${code}` : path);
    },
  };
}
