/**
 * The queue workers' Lambda timeouts, in seconds. The catalogue (system/functions.ts) declares each worker's timeout
 * from here, and runtime code reads a worker's lease from here: a bundle then carries these numbers, not the worker's
 * whole catalogue entry with its description and IAM actions (issue 12: each bundle carries only what it uses).
 * Plain constants, not one object: esbuild keeps a catalogue entry whose initializer reads an object's property
 * (it could be a getter), and drops one that reads a constant.
 */
export const NOTICE_WORKER_TIMEOUT_SECONDS = 60;
export const CHARGE_WORKER_TIMEOUT_SECONDS = 300;
export const STOP_WORKER_TIMEOUT_SECONDS = 300;
export const PRICE_CHANGE_WORKER_TIMEOUT_SECONDS = 300;
