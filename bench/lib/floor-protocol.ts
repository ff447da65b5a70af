/**
 * What the whole-floor benchmark's processes say to each other (bench/floor.bench.ts drives
 * bench/lib/floor-load.ts, the load generator, over IPC) and the shape of the floor it builds.
 * Imports nothing: both sides read it.
 */

/** One simulated agent: who signs in, through which app process, into which teams. */
export interface AgentSpec {
  email: string;
  password: string;
  userId: string;
  teamId: string;
  /** Index of the app process this agent's browser talks to (round-robin over the processes). */
  app: number;
  /** The contact whose notes this agent edits with its colleague (both have the document open). */
  notesContactId: string;
  /** Index (in the list of agents) of the colleague who shares those notes, on the other process when there are two. */
  partner: number;
}

export interface FloorSpec {
  appUrls: string[];
  databaseUrl: string;
  orgId: string;
  agents: AgentSpec[];
  teams: { id: string; key: string; memberIds: string[] }[];
  channel: { id: string; appSecret: string; phoneNumberId: string };
  /** Distinguishes the scenario's wamids and customer numbers from another scenario's on the same database. */
  tag: string;
  /** The first customer number of this scenario (numbers never repeat across scenarios). */
  firstNumber: number;
}

/** A load phase: customers write at `rate` messages per second for `seconds`, then `graceMs` for what is in flight. */
export interface PhaseSpec {
  name: string;
  rate: number;
  seconds: number;
  /** Samples sent in the first `warmUpSeconds` are not counted (JIT, pools, the first conversations). */
  warmUpSeconds: number;
  graceMs: number;
}

/** One end-to-end measure of a phase: latencies (ms) of what arrived, and how many never did. */
export interface Series {
  latenciesMs: number[];
  lost: number;
}

export interface PhaseResult {
  name: string;
  rate: number;
  seconds: number;
  /** Customer messages sent (webhooks answered 200) per second over the phase. */
  achievedRate: number;
  /** Customer messages whose webhook did not answer 200. */
  webhookFailures: number;
  /** POST /webhooks/whatsapp, send → 200. */
  webhookMs: number[];
  /** Customer message sent → on the owning agent's event stream (each team member's while it waits). */
  toAgent: Series;
  /** conversations.send called → the send at the fake Graph API. */
  toGraph: Series;
  /** A contact note edit → applied by the colleague's y-websocket client. */
  toColleague: Series;
  /** Replies sent per second (mutations answered) over the phase. */
  repliesPerSecond: number;
  claims: number;
  claimConflicts: number;
  finished: number;
  /** Errors of the simulated people (not latencies): the first few, and how many. */
  errors: string[];
  errorCount: number;
  /** The generator's event-loop delay p99 (ms): a floor under what it can measure. */
  loopDelayP99Ms: number;
  /** How late the customers' schedule ran (ms behind the slot when a message was sent), p99. */
  scheduleLagP99Ms: number;
  /** Before the phase: how long the floor took to clear the earlier phase's backlog, and what was left if it did not. */
  settle: { seconds: number; outbound: number; waiting: number };
}

export type ToLoad = { type: 'setup'; spec: FloorSpec } | { type: 'phase'; phase: PhaseSpec } | { type: 'stop' };

export type FromLoad =
  | { type: 'graph'; url: string }
  | { type: 'ready'; seconds: number }
  | { type: 'phase'; result: PhaseResult }
  | { type: 'failed'; error: string };
