import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';

export type OutboundOptions = {
  /** Connections kept open to the server, shared by every login (keep-alive). */
  maxSockets: number;
  /** Largest reply body accepted. */
  maxReplyBytes: number;
  timeoutMs?: number;
  /** TLS material for https: a pinned CA, a client certificate. */
  tls?: HttpsAgentOptions;
  auth?: AxiosRequestConfig['auth'];
  /** How long a pooled connection may sit unused before factorgate closes it (default IDLE_SOCKET_MS). */
  idleSocketMs?: number;
};

/**
 * Below the 5 s after which Node and Apache servers close an idle keep-alive connection by
 * default: the client closes first, so a login's callout is never written onto a connection the
 * server is closing at that moment (which fails as "socket hang up").
 */
export const IDLE_SOCKET_MS = 4000;

/**
 * An HTTP client for the servers factorgate calls (two-factor, push, gateway): one keep-alive
 * pool, no redirects followed, no proxy from the environment, bodies as text and bounded, and
 * every HTTP status returned to the caller, who maps it (an unexpected one is never success).
 */
export function outboundClient(options: OutboundOptions): AxiosInstance {
  // An agent's timeout closes a free socket after that long unused; a request in flight has axios's own timeout.
  const pool = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, timeout: options.idleSocketMs ?? IDLE_SOCKET_MS };
  return axios.create({
    ...(options.timeoutMs !== undefined && { timeout: options.timeoutMs }),
    ...(options.auth && { auth: options.auth }),
    httpAgent: new HttpAgent(pool),
    httpsAgent: new HttpsAgent({ ...pool, ...options.tls }),
    maxRedirects: 0,
    maxContentLength: options.maxReplyBytes,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    proxy: false,
  });
}

/** Closes the client's pooled connections. */
export function closeOutbound(client: AxiosInstance): void {
  (client.defaults.httpAgent as HttpAgent).destroy();
  (client.defaults.httpsAgent as HttpsAgent).destroy();
}
