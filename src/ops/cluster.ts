import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../log.js';
import { METRICS_REPLY, METRICS_REQUEST, type MetricsReply } from './metrics.js';

/**
 * The primary of `listen.workers` > 1: it forks the workers (each runs the whole of factorgate
 * and listens on the shared port through node:cluster), restarts a worker that dies with a
 * bounded backoff, gives up when they keep dying, forwards SIGTERM/SIGINT for each worker's
 * own graceful shutdown, and answers the workers' requests for the metrics of all of them.
 * It serves no request itself. Login state is shared through Redis (the schema insists).
 */

export type PrimaryOptions = {
  workers: number;
  logger: Logger;
  /** More crashes than this within `crashWindowMs` and the primary stops everything and exits 1. */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** How long workers may take to stop after the signal, beyond which they are killed. */
  stopGraceMs?: number;
};

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

/** Runs the primary until a signal has stopped every worker (0) or the workers keep crashing (1). */
export function runPrimary(o: PrimaryOptions): Promise<number> {
  const { logger } = o;
  const maxCrashes = o.maxCrashes ?? 5;
  const crashWindowMs = o.crashWindowMs ?? 60_000;
  const stopGraceMs = o.stopGraceMs ?? 15_000;
  const aggregator = new AggregatorRegistry();
  const live = new Set<Worker>();
  const restarts = new Set<NodeJS.Timeout>();
  let crashes: number[] = [];
  let stopping: { failed: boolean; finish(code: number): void } | undefined;

  return new Promise<number>((resolve) => {
    const fork = () => {
      const worker = cluster.fork();
      live.add(worker);
      logger.info({ event: 'worker_started', pid: worker.process.pid, workers: live.size }, 'worker process started');
    };

    const stopAll = (signal: NodeJS.Signals, failed: boolean) => {
      if (stopping) return;
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      // A second signal (Ctrl-C reaches the workers too) must not kill the primary before they stop.
      process.on('SIGTERM', ignore);
      process.on('SIGINT', ignore);
      for (const timer of restarts) clearTimeout(timer);
      restarts.clear();
      const killer = setTimeout(() => {
        logger.error({ event: 'workers_killed', pids: [...live].map((w) => w.process.pid), graceMs: stopGraceMs }, 'workers did not stop in time; killed');
        for (const worker of live) worker.process.kill('SIGKILL');
        stopping!.failed = true;
      }, stopGraceMs);
      stopping = {
        failed,
        finish: (code) => {
          clearTimeout(killer);
          process.off('SIGTERM', ignore);
          process.off('SIGINT', ignore);
          cluster.off('exit', onExit);
          cluster.off('message', onMessage);
          resolve(code);
        },
      };
      for (const worker of live) worker.process.kill(signal);
      if (live.size === 0) stopping.finish(failed ? 1 : 0);
    };

    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ event: 'stopping', signal, workers: live.size }, 'stopping the workers');
      stopAll(signal, false);
    };

    const onExit = (worker: Worker, code: number | null, signal: NodeJS.Signals | null) => {
      live.delete(worker);
      const pid = worker.process.pid;
      if (stopping) {
        if (code !== 0) stopping.failed = true;
        logger.info({ event: 'worker_stopped', pid, code, signal, left: live.size }, 'worker process stopped');
        if (live.size === 0) stopping.finish(stopping.failed ? 1 : 0);
        return;
      }
      // Any exit we did not ask for is a crash, even with code 0.
      const now = Date.now();
      crashes = [...crashes.filter((t) => now - t < crashWindowMs), now];
      if (crashes.length > maxCrashes) {
        logger.fatal({ event: 'workers_crashing', pid, code, signal, crashes: crashes.length, windowMs: crashWindowMs }, 'workers keep crashing; stopping factorgate');
        stopAll('SIGTERM', true);
        return;
      }
      const backoffMs = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (crashes.length - 1));
      logger.error({ event: 'worker_crashed', pid, code, signal, restartInMs: backoffMs, crashes: crashes.length, windowMs: crashWindowMs }, 'worker process died; starting another');
      const timer = setTimeout(() => {
        restarts.delete(timer);
        fork();
      }, backoffMs);
      restarts.add(timer);
    };

    // A worker asked for /metrics: the sums over every worker, from prom-client's aggregator.
    const onMessage = (worker: Worker, message: unknown) => {
      if (!isMetricsRequest(message)) return;
      const reply = (body: Omit<MetricsReply, 'type' | 'id'>) => {
        if (worker.isConnected()) worker.send({ type: METRICS_REPLY, id: message.id, ...body } satisfies MetricsReply);
      };
      aggregator.clusterMetrics().then(
        (text) => reply({ text }),
        (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
      );
    };

    cluster.on('exit', onExit);
    cluster.on('message', onMessage);
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    logger.info({ event: 'primary_started', pid: process.pid, workers: o.workers }, 'starting worker processes');
    for (let i = 0; i < o.workers; i++) fork();
  });
}

function ignore(): void {}

function isMetricsRequest(message: unknown): message is { type: typeof METRICS_REQUEST; id: number } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === METRICS_REQUEST;
}
