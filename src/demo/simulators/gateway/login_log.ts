import type { IncomingHttpHeaders } from 'node:http';

export type LoginOutcome = 'accepted' | 'rejected' | 'forbidden';

/** One post to /cgi/login as received: the login name, the request target and headers, never the password. */
export type LoginPost = { at: string; login: string; outcome: LoginOutcome; target: string; headers: IncomingHttpHeaders };

export class LoginLog {
  private posts: LoginPost[] = [];

  add(post: LoginPost): void {
    this.posts.push(post);
    if (this.posts.length > 1000) this.posts = this.posts.slice(-1000);
  }

  list(): LoginPost[] {
    return this.posts.map((p) => ({ ...p, headers: { ...p.headers } }));
  }

  count(login: string, outcome?: LoginOutcome): number {
    return this.posts.filter((p) => p.login === login && (outcome === undefined || p.outcome === outcome)).length;
  }

  clear(): void {
    this.posts = [];
  }
}
