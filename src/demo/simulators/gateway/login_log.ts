import type { IncomingHttpHeaders } from 'node:http';
import Denque from 'denque';

export type LoginOutcome = 'accepted' | 'rejected' | 'forbidden';

/** One post to /cgi/login as received: the login name, the request target and headers, never the password. */
export type LoginPost = { at: string; login: string; outcome: LoginOutcome; target: string; headers: IncomingHttpHeaders };

/** How many posts are kept: the newest; a benchmark's millionth post costs what the first did. */
export const KEPT_LOGIN_POSTS = 1000;

export class LoginLog {
  // A ring: once full, each post drops the oldest in O(1).
  private readonly posts = new Denque<LoginPost>([], { capacity: KEPT_LOGIN_POSTS });

  add(post: LoginPost): void {
    this.posts.push(post);
  }

  /** Oldest first. */
  list(): LoginPost[] {
    return this.posts.toArray().map((p) => ({ ...p, headers: { ...p.headers } }));
  }

  count(login: string, outcome?: LoginOutcome): number {
    return this.posts.toArray().filter((p) => p.login === login && (outcome === undefined || p.outcome === outcome)).length;
  }

  clear(): void {
    this.posts.clear();
  }
}
