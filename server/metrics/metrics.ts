import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ERROR_CODES } from '../../shared/errors.js';

/**
 * RoamSign's Prometheus metrics (issue 24), one registry per server (tests start several in one
 * process). Labels are bounded sets only: registered system ids, factor, channel, error codes,
 * refusal reasons. Never a MyKad number, a request id, a token or an address.
 */
export interface Metrics {
  registry: Registry;
  signingCreated: Counter<'system'>;
  signingCompleted: Counter<'system' | 'factor'>;
  signingFailed: Counter<'system' | 'stage' | 'factor' | 'code'>;
  documentsSigned: Counter<'system'>;
  createSeconds: Histogram<'outcome'>;
  completeSeconds: Histogram<'factor' | 'outcome'>;
  otpDeliveries: Counter<'channel' | 'result'>;
  pushFallbacks: Counter;
  vaultOperations: Counter<'backend' | 'operation' | 'result'>;
  pinLockouts: Counter;
  budgetRefusals: Counter<'verb'>;
  approvalDecisions: Counter<'decision' | 'reason'>;
  timeStamps: Counter<'result'>;
  /** A source of scrape-time gauges (CRL, database pool); runs on every scrape. */
  onScrape(read: () => Promise<void> | void): void;
  crlNumber: Gauge;
  crlThisUpdate: Gauge;
  crlNextUpdate: Gauge;
  crlAge: Gauge;
  dbPool: Gauge<'state'>;
  /** The exposition text (Prometheus format) and its content type. */
  scrape(): Promise<{ text: string; contentType: string }>;
}

/** Seconds buckets for create (an e-mail or push send) and complete (PIN check, 1-500 signatures). */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const KNOWN_CODES = new Set<string>(ERROR_CODES);
/** An error code for a label: one of the error table's, else `internal` (never free text). */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'internal';
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // process_*, nodejs_* including nodejs_eventloop_lag_seconds and its percentiles.
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const scrapers: Array<() => Promise<void> | void> = [];
  const metrics: Metrics = {
    registry,
    signingCreated: new Counter({ name: 'roamsign_signing_requests_created_total', help: 'Signing requests created (OTP sent or passkey offered), by system', labelNames: ['system'], registers }),
    signingCompleted: new Counter({ name: 'roamsign_signing_requests_completed_total', help: 'Signing requests signed, by system and second factor (otp, passkey)', labelNames: ['system', 'factor'], registers }),
    signingFailed: new Counter({
      name: 'roamsign_signing_requests_failed_total',
      help: 'Refused creates and completions, by system, stage (create, complete), factor and error code',
      labelNames: ['system', 'stage', 'factor', 'code'],
      registers,
    }),
    documentsSigned: new Counter({ name: 'roamsign_documents_signed_total', help: 'Documents signed (one CMS signature each), by system', labelNames: ['system'], registers }),
    createSeconds: new Histogram({ name: 'roamsign_signing_create_seconds', help: 'Time to create a signing request (including the OTP send)', labelNames: ['outcome'], buckets: LATENCY_BUCKETS, registers }),
    completeSeconds: new Histogram({ name: 'roamsign_signing_complete_seconds', help: 'Time to complete a signing request (PIN, factor, signatures)', labelNames: ['factor', 'outcome'], buckets: LATENCY_BUCKETS, registers }),
    otpDeliveries: new Counter({ name: 'roamsign_otp_deliveries_total', help: 'Signing OTP deliveries, by channel (push, email) and result (delivered, failed)', labelNames: ['channel', 'result'], registers }),
    pushFallbacks: new Counter({ name: 'roamsign_otp_push_fallbacks_total', help: 'Signing OTPs a phone did not take, sent by e-mail instead', registers }),
    vaultOperations: new Counter({ name: 'roamsign_vault_operations_total', help: 'Vault (soft or HSM) operations, by backend, operation and result (ok, error)', labelNames: ['backend', 'operation', 'result'], registers }),
    pinLockouts: new Counter({ name: 'roamsign_pin_lockouts_total', help: 'Officers locked out after too many wrong PINs', registers }),
    budgetRefusals: new Counter({ name: 'roamsign_caller_budget_refusals_total', help: 'Signing calls refused because a caller budget was spent (rate_limited), by verb', labelNames: ['verb'], registers }),
    approvalDecisions: new Counter({ name: 'roamsign_approval_decisions_total', help: 'Approval decisions the gate asked for, by decision (passed, refused) and reason', labelNames: ['decision', 'reason'], registers }),
    timeStamps: new Counter({ name: 'roamsign_timestamps_total', help: 'RFC 3161 time-stamps asked of the TSA for CMS and PDF signatures, by result', labelNames: ['result'], registers }),
    onScrape: (read) => void scrapers.push(read),
    crlNumber: new Gauge({ name: 'roamsign_crl_number', help: 'The current CRL number', registers }),
    crlThisUpdate: new Gauge({ name: 'roamsign_crl_this_update_timestamp_seconds', help: 'thisUpdate of the current CRL (Unix seconds)', registers }),
    crlNextUpdate: new Gauge({ name: 'roamsign_crl_next_update_timestamp_seconds', help: 'nextUpdate of the current CRL (Unix seconds)', registers }),
    crlAge: new Gauge({ name: 'roamsign_crl_age_seconds', help: 'Seconds since the current CRL was issued (thisUpdate)', registers }),
    dbPool: new Gauge({ name: 'roamsign_db_pool_connections', help: 'PostgreSQL pool connections, by state (total, idle, waiting); absent on SQLite', labelNames: ['state'], registers }),
    async scrape() {
      for (const read of scrapers) {
        try {
          await read();
        } catch {
          // A scrape still answers with what it has; the missing gauge keeps its last value.
        }
      }
      return { text: await registry.metrics(), contentType: registry.contentType };
    },
  };
  return metrics;
}
