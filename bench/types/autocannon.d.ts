/** The part of autocannon 9's API the benches use (it ships no types; @types/autocannon describes v7). */
declare module "autocannon" {
  /** Options of a load run. */
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    method?: string;
    headers?: Record<string, string>;
  }
  /** Distribution statistics autocannon reports. */
  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
    total: number;
  }
  /** The result of a run. */
  export interface Result {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
  }
  /** Run a load test. */
  export default function autocannon(options: Options): Promise<Result>;
}
