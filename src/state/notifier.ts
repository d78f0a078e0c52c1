import { EventEmitter } from 'node:events';

/**
 * Tells whoever listens on a channel that something changed (a push was approved). The memory
 * notifier serves one instance; the Redis one reaches pages connected to any instance.
 */
export interface Notifier {
  publish(channel: string, message: string): Promise<void>;
  /** Returns the function that stops listening. */
  subscribe(channel: string, listener: (message: string) => void): () => void;
  close(): Promise<void>;
}

export class MemoryNotifier implements Notifier {
  private readonly events = new EventEmitter().setMaxListeners(0);

  async publish(channel: string, message: string): Promise<void> {
    this.events.emit(channel, message);
  }

  subscribe(channel: string, listener: (message: string) => void): () => void {
    this.events.on(channel, listener);
    return () => this.events.off(channel, listener);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}
