import { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';
import type { Notifier } from './notifier.js';
import { connectionOptions, type RedisConnection } from './redis_client.js';

type Options = RedisConnection & { keyPrefix: string };

/**
 * Redis pub/sub: one connection publishes, one subscribes, and channels are joined only while
 * someone on this instance listens. Messages carry no secrets (verdicts such as "approved").
 */
export class RedisNotifier implements Notifier {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly local = new EventEmitter().setMaxListeners(0);

  constructor(private readonly options: Options) {
    const connect = () => new Redis(options.url, {
      ...connectionOptions(options),
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(times * 100, 1000),
    });
    this.publisher = connect();
    this.subscriber = connect();
    this.subscriber.on('message', (channel: string, message: string) => this.local.emit(channel, message));
    // Errors are reported by the store's own health checks; without a listener ioredis would print them.
    this.publisher.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(this.options.keyPrefix + channel, message);
  }

  subscribe(channel: string, listener: (message: string) => void): () => void {
    const name = this.options.keyPrefix + channel;
    if (this.local.listenerCount(name) === 0) void this.subscriber.subscribe(name).catch(() => undefined);
    this.local.on(name, listener);
    return () => {
      this.local.off(name, listener);
      if (this.local.listenerCount(name) === 0) void this.subscriber.unsubscribe(name).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.local.removeAllListeners();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
