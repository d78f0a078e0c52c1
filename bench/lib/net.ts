import { request } from 'node:http';

export { freePort } from '../../src/ops/free_port.js';

/** True when a GET to the URL gets any HTTP answer (status below 500). */
export function httpReady(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}
