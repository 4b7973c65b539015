import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The gate's own Prometheus metrics (issue 24): it is a separate process, so it serves its own
 * /metrics on a listener of its own (config `metrics`), never on the proxied port, where the
 * path belongs to the back end. Labels: system and rule ids from the config, decision, reason code.
 */
export interface GateMetrics {
  /** Counts one `approval` log event (every decision the gate makes goes through it). */
  observe(event: string, fields: Record<string, unknown>): void;
  listen(options: { host: string; port: number }): Promise<{ url: string; close(): Promise<void> }>;
}

const word = (value: unknown) => (typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : 'other');

export function createGateMetrics(): GateMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const decisions = new Counter({
    name: 'roamsign_gate_decisions_total',
    help: 'Approval posts the gate decided, by system, rule, decision (pass, refuse) and reason',
    labelNames: ['system', 'rule', 'decision', 'reason'],
    registers: [registry],
  });
  const decideSeconds = new Histogram({
    name: 'roamsign_gate_decide_seconds',
    help: "Time RoamSign took to decide an approval, as the gate saw it",
    labelNames: ['decision'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    observe(event, fields) {
      if (event !== 'approval') return;
      const decision = fields.decision === 'pass' ? 'pass' : 'refuse';
      decisions.inc({ system: word(fields.system), rule: word(fields.rule), decision, reason: decision === 'pass' ? word(fields.medium) : word(fields.reason) });
      if (typeof fields.ms === 'number') decideSeconds.observe({ decision }, fields.ms / 1000);
    },
    async listen({ host, port }) {
      const server = http.createServer((req, res) => {
        if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end();
        registry.metrics().then(
          (text) => res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' }).end(text),
          () => res.writeHead(500).end(),
        );
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      return {
        url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/metrics`,
        close: () => new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
      };
    },
  };
}
