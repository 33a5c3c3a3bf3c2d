/** The slice of autocannon's API the benches use (the package ships no types). */
declare module 'autocannon' {
  interface Histogram { average: number; p50: number; p99: number; max: number }
  interface Result { requests: Histogram; latency: Histogram; non2xx: number; errors: number }
  interface Options {
    url: string; connections?: number; duration?: number; method?: string; headers?: Record<string, string>; body?: string;
    requests?: Array<{ setupRequest?: (req: Record<string, unknown>) => Record<string, unknown> }>;
  }
  export default function autocannon(opts: Options): Promise<Result>;
}
