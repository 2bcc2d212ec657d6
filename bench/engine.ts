/**
 * Engine benchmarks (GD step vs its matrix products, kernels). Filled in as the engine
 * lands; kept separate so `npm run bench -- --only linalg` stays quick.
 */
import type { BenchRow } from './run';

export interface EngineBenchContext {
  rows: BenchRow[];
  ratios: Record<string, number>;
  quick: boolean;
  time: (name: string, fn: () => void, opts?: { iterations?: number }) => Promise<{ meanMs: number; samples: number }>;
}

export async function engineBenchmarks(_ctx: EngineBenchContext): Promise<void> {
  // The engine (model, training, kernels) registers its benchmarks here.
}
