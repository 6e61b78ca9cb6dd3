import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The server's Prometheus metrics (prom-client), one registry per server: requests by route,
 * method and status with their durations, bytes read and written on the connection while each
 * request ran, requests in flight, and Node's process metrics (CPU, memory, event loop lag,
 * handles). Route labels are route names (`git`, `dvc-remote`, `mlflow`, …), never paths: no
 * repository or user name reaches the metrics.
 */
export interface RequestEnd {
  route: string;
  method: string;
  status: number;
  seconds: number;
  bytesIn: number;
  bytesOut: number;
}

/** A level read when `/metrics` is scraped (Prometheus gauge), reported by a feature. */
export interface GaugeReading {
  /** `cairn_…`, snake_case, with the unit last (Prometheus' naming). */
  name: string;
  help: string;
  read(): number;
}

export function makeMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cairn_' });
  const labelNames = ['route', 'method', 'status'] as const;
  const requests = new Counter({
    name: 'cairn_http_requests_total',
    help: 'HTTP requests answered, by route, method and status.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'cairn_http_request_duration_seconds',
    help: 'Time from request to the end of the answer.',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [registry],
  });
  const bytesIn = new Counter({
    name: 'cairn_http_received_bytes_total',
    help: 'Bytes read from the connection while requests ran, by route.',
    labelNames: ['route'],
    registers: [registry],
  });
  const bytesOut = new Counter({
    name: 'cairn_http_sent_bytes_total',
    help: 'Bytes written to the connection while requests ran, by route.',
    labelNames: ['route'],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'cairn_http_requests_in_flight',
    help: 'Requests being answered now.',
    registers: [registry],
  });
  return {
    registry,
    addGauge(g: GaugeReading): void {
      new Gauge({
        name: g.name,
        help: g.help,
        registers: [registry],
        collect() {
          this.set(g.read());
        },
      });
    },
    started(): void {
      inFlight.inc();
    },
    ended(e: RequestEnd): void {
      inFlight.dec();
      const method = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(e.method) ? e.method : 'OTHER';
      requests.inc({ route: e.route, method, status: String(e.status) });
      duration.observe({ route: e.route, method }, e.seconds);
      bytesIn.inc({ route: e.route }, e.bytesIn);
      bytesOut.inc({ route: e.route }, e.bytesOut);
    },
  };
}

export type Metrics = ReturnType<typeof makeMetrics>;
