// Where each process of the bench runs on this 2-core machine (taskset CPU lists; undefined:
// left to the scheduler). The same layout holds for all targets of a section, so they are
// compared on equal terms. See README.md, Performance.

export type Layout = {
  /** wrk and the login drivers. */
  loadgen?: string;
  /** The pass-through upstream, or the simulators. */
  upstream?: string;
  /** factorgate and nginx. */
  proxy?: string;
};

/**
 * Pass-through: wrk and the upstream share CPU 0, identical for every target; the proxy under
 * test is not pinned, so it gets CPU 1 and whatever CPU 0 has left (nginx's two workers, or two
 * factorgate processes, can use both).
 */
export const PASSTHROUGH_LAYOUT: Layout = { loadgen: '0', upstream: '0', proxy: undefined };

/**
 * Logins: nothing pinned. The baseline (driver + simulators) may use both cores just as the run
 * through factorgate (driver + factorgate + simulators) does; pinning the simulators and driver
 * to one core would leave the baseline half the machine and flatter factorgate.
 */
export const LOGIN_LAYOUT: Layout = {};
