import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import { currentRequestId } from '../http/request_context.js';
import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios';

export type OutboundOptions = {
  /** Connections kept open to the server, shared by every login (keep-alive). */
  maxSockets: number;
  /** Largest reply body accepted. */
  maxReplyBytes: number;
  /**
   * The longest one call may take, from asking for a connection to the last byte of the reply. A
   * call may ask for less with its own `timeout` (what is left of the login), never for more.
   */
  timeoutMs: number;
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
 * pool, no redirects followed, no proxy from the environment, bodies as text and bounded, every
 * call bounded in time as a whole, and every HTTP status returned to the caller, who maps it (an
 * unexpected one is never success).
 */
export function outboundClient(options: OutboundOptions): AxiosInstance {
  // An agent's timeout closes a free socket after that long unused; a call in flight has its deadline.
  const pool = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets, timeout: options.idleSocketMs ?? IDLE_SOCKET_MS };
  const client = axios.create({
    timeout: options.timeoutMs,
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
  client.interceptors.request.use((config) => {
    // The id of the request this call serves, so the server's log lines join factorgate's.
    const requestId = currentRequestId();
    if (requestId !== undefined) config.headers.set('X-Request-Id', requestId);
    return withDeadline(config, options.timeoutMs);
  });
  client.interceptors.response.use(
    (response) => { endDeadline(response.config); return response; },
    (err: unknown) => { if (err instanceof AxiosError && err.config) endDeadline(err.config); throw err; },
  );
  return client;
}

/** Each call's deadline timer, until the call settles. */
const deadlines = new WeakMap<InternalAxiosRequestConfig, NodeJS.Timeout>();

/**
 * axios's `timeout` is, in Node, how long the socket may sit idle: a server that sends its headers
 * and then one byte a second never trips it. So a call's budget (its own `timeout`, at most the
 * ceiling) is an abort signal instead, that fires when the whole budget is spent, the wait for a
 * pooled connection included, and axios's idle timeout is not set. The abort destroys
 * the socket, which gives its place in the pool back. The timer is cleared when the call settles
 * (AbortSignal.timeout's cannot be: it fired for every call, long after its reply, and built an
 * abort error each time).
 */
function withDeadline(config: InternalAxiosRequestConfig, ceilingMs: number): InternalAxiosRequestConfig {
  const asked = typeof config.timeout === 'number' && config.timeout > 0 ? config.timeout : ceilingMs;
  const budgetMs = Math.max(1, Math.min(asked, ceilingMs));
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('the call\'s deadline passed', 'TimeoutError')), budgetMs);
  timer.unref();
  deadlines.set(config, timer);
  const own = config.signal as AbortSignal | undefined;
  // The deadline covers what axios's idle timeout would: not setting it spares two socket timer
  // changes per call (the agent's idle timeout still closes free sockets).
  config.timeout = 0;
  config.signal = own ? AbortSignal.any([own, deadline.signal]) : deadline.signal;
  return config;
}

function endDeadline(config: InternalAxiosRequestConfig): void {
  clearTimeout(deadlines.get(config));
  deadlines.delete(config);
}

/** Why a call brought back no reply to read: out of time, a reply too large or cut off, or no connection. */
export type CallFailure = { kind: 'timeout' | 'unreadable' | 'unreachable'; cause: string };

export function callFailure(err: unknown): CallFailure {
  const code = err instanceof AxiosError ? err.code : undefined;
  // ERR_CANCELED: the deadline's signal fired; ECONNABORTED, ETIMEDOUT: axios's own idle timeout.
  if (code === 'ERR_CANCELED' || code === 'ECONNABORTED' || code === 'ETIMEDOUT') return { kind: 'timeout', cause: 'timeout' };
  // The server did answer, with a body over maxReplyBytes or broken off: definite, and not to be trusted.
  if (code === 'ERR_BAD_RESPONSE' || code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED') return { kind: 'unreadable', cause: code };
  // A code goes into the log: only a plain word.
  return { kind: 'unreachable', cause: code !== undefined && /^[A-Za-z0-9_]{1,64}$/.test(code) ? code : 'unknown' };
}

/** Closes the client's pooled connections. */
export function closeOutbound(client: AxiosInstance): void {
  (client.defaults.httpAgent as HttpAgent).destroy();
  (client.defaults.httpsAgent as HttpsAgent).destroy();
}
