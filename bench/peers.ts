/**
 * `npm run bench -- --peers`: the four steps of issue 14 (n = 2000, d = 1000, h = 1500,
 * normalized tanh, float64) timed in ntk-verify and in the peers of
 * ../shared/bench-peers/peers.py (NumPy; PyTorch from Debian's python3-torch), interleaved:
 * each round runs the engine, then every peer, in one go, for ROUNDS rounds. A step's ratio is
 * ntk-verify's median over the rounds divided by the faster peer's. Nothing is installed: a
 * peer that cannot run (no python3, no numpy, no torch, no peers.py) is reported and skipped.
 *
 * The engine's figures are marginal costs inside one train() call, as a user's run pays them:
 * per-step (GD) or per-epoch (SGD, Adam: the 63 minibatch steps and the full-batch loss of
 * the stop rule) intervals between observer calls, the first interval dropped as a warm-up
 * (the peers also call once before timing). The peers time their own loops the same way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activation } from '../src/activations';
import { networkKernels } from '../src/kernels/empirical';
import { cloneNet, gaussianInit } from '../src/model/network';
import { rngFor } from '../src/random';
import { train } from '../src/train/train';
import type { BenchRow } from './run';

const here = path.dirname(fileURLToPath(import.meta.url));
export const STEPS = ['gd_step', 'sgd_epoch_b32', 'adam_epoch_b32', 'ck_ntk'] as const;
export type Step = (typeof STEPS)[number];
export const STEP_LABEL: Record<Step, string> = {
  gd_step: 'one full-batch GD step, both layers',
  sgd_epoch_b32: 'one SGD epoch, batch 32, + the full-batch loss once',
  adam_epoch_b32: 'one Adam epoch, batch 32, + the full-batch loss once',
  ck_ntk: 'CK + first-layer NTK + NTK of the initial network',
};

interface Peer { name: 'numpy' | 'torch'; python: string; install: string }
const PEERS: Peer[] = [
  { name: 'numpy', python: process.env.NTKV_PEER_PYTHON_NUMPY ?? 'python3', install: 'pip install numpy (or apt-get install python3-numpy)' },
  { name: 'torch', python: process.env.NTKV_PEER_PYTHON_TORCH ?? '/usr/bin/python3', install: 'apt-get install python3-torch' },
];

export function peersScript(): string {
  return process.env.NTKV_BENCH_PEERS ?? path.resolve(here, '../../shared/bench-peers/peers.py');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One round of the engine: median seconds of `reps` timed repetitions of each step. */
function engineRound(reps: number): Record<Step, number> {
  const [n, d, h, b] = [2000, 1000, 1500, 32];
  const rng = rngFor(0, 'bench-peers');
  const X = rng.split('X').randn(d, n);
  const y = rng.split('y').fillNormal(new Float64Array(n));
  const net0 = gaussianInit(rng.split('net'), h, d, activation('normalized_tanh'));
  const intervals = (marks: number[]) => marks.slice(2).map((m, i) => (m - marks[i + 1]!) / 1e3);
  const out = {} as Record<Step, number>;
  {
    const marks: number[] = [];
    train(cloneNet(net0), X, y, {
      optimizer: 'gd', lr: 1e-3, layers: 'both', maxSteps: reps + 1,
      observers: [{ needsLoss: false, fn: () => marks.push(performance.now()) }],
    });
    out.gd_step = median(intervals(marks));
  }
  const perEpoch = Math.ceil(n / b);
  for (const [step, optimizer, lr] of [['sgd_epoch_b32', 'sgd', 1e-3], ['adam_epoch_b32', 'adam', 1e-4]] as const) {
    const marks: number[] = [];
    train(cloneNet(net0), X, y, {
      optimizer, lr, layers: 'both', batchSize: b, maxEpochs: reps + 1, lossBelow: 1e-5, rng: rng.split(step),
      observers: [{ at: (s) => s % perEpoch === 0, fn: () => marks.push(performance.now()) }],
    });
    out[step] = median(intervals(marks));
  }
  {
    const ts: number[] = [];
    networkKernels(net0, X);
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      networkKernels(net0, X);
      ts.push((performance.now() - t) / 1e3);
    }
    out.ck_ntk = median(ts);
  }
  return out;
}

/** One round of a peer, or why it could not run. */
function peerRound(peer: Peer, script: string, reps: number): Record<Step, number> | { error: string } {
  // The environment README: OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, where set, slow a current
  // NumPy's OpenBLAS; the peers run without them (this command only).
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync(peer.python, [script, peer.name, String(reps)], { encoding: 'utf8', env, timeout: 600_000 });
  if (r.error) return { error: `${peer.python}: ${r.error.message}` };
  if (r.status !== 0) {
    const last = (r.stderr || r.stdout).trim().split('\n').pop() ?? '';
    return { error: `${peer.python} ${path.basename(script)} ${peer.name} exited ${r.status}: ${last} (install: ${peer.install})` };
  }
  try {
    const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    const o = {} as Record<Step, number>;
    for (const s of STEPS) {
      if (typeof j[s] !== 'number') return { error: `${peer.name}: no '${s}' in its output` };
      o[s] = j[s]!;
    }
    return o;
  } catch (e) {
    return { error: `${peer.name}: unreadable output (${(e as Error).message})` };
  }
}

export interface PeersResult {
  rounds: number;
  reps: number;
  script: string;
  load: { before: number[]; after: number[] };
  /** Per step: ntk-verify's and each peer's median over the rounds (seconds). */
  medians: Record<Step, Record<string, number>>;
  perRound: { engine: Record<Step, number>; peers: Record<string, Record<Step, number>> }[];
  skipped: Record<string, string>;
  /** ntk-verify / faster peer, per step. */
  ratios: Record<Step, number | null>;
  faster: Record<Step, string | null>;
}

export async function peerBenchmarks(rows: BenchRow[], ratios: Record<string, number>, opts: { rounds?: number; reps?: number } = {}): Promise<PeersResult> {
  const { loadavg } = await import('node:os');
  const rounds = opts.rounds ?? 3, reps = opts.reps ?? 3;
  const script = peersScript();
  const skipped: Record<string, string> = {};
  if (!existsSync(script)) for (const p of PEERS) skipped[p.name] = `no peers script at ${script} (NTKV_BENCH_PEERS names another)`;
  const load0 = loadavg();
  const perRound: PeersResult['perRound'] = [];
  for (let r = 0; r < rounds; r++) {
    const engine = engineRound(reps);
    const peers: Record<string, Record<Step, number>> = {};
    for (const p of PEERS) {
      if (skipped[p.name]) continue;
      const res = peerRound(p, script, reps);
      if ('error' in res) { skipped[p.name] = res.error; console.log(`peer ${p.name} skipped: ${res.error}`); continue; }
      peers[p.name] = res;
    }
    perRound.push({ engine, peers });
    console.log(`round ${r + 1}/${rounds}: ` + STEPS.map((s) => `${s} ${engine[s].toFixed(3)} s` +
      Object.entries(peers).map(([k, v]) => ` ${k} ${v[s].toFixed(3)}`).join('')).join(' | '));
  }
  const medians = {} as PeersResult['medians'];
  const outRatios = {} as PeersResult['ratios'];
  const faster = {} as PeersResult['faster'];
  for (const s of STEPS) {
    medians[s] = { 'ntk-verify': median(perRound.map((p) => p.engine[s])) };
    for (const p of PEERS) {
      const xs = perRound.map((q) => q.peers[p.name]?.[s]).filter((x): x is number => x !== undefined);
      if (xs.length === rounds) medians[s][p.name] = median(xs);
    }
    const peerMeds = Object.entries(medians[s]).filter(([k]) => k !== 'ntk-verify');
    if (peerMeds.length) {
      const [name, t] = peerMeds.reduce((a, c) => (c[1] < a[1] ? c : a));
      faster[s] = name;
      outRatios[s] = medians[s]['ntk-verify']! / t;
      ratios[`${s} / faster peer (${name})`] = outRatios[s]!;
    } else {
      faster[s] = null;
      outRatios[s] = null;
    }
    rows.push({
      name: `${STEP_LABEL[s]} (n=2000 d=1000 h=1500 tanh)`,
      meanMs: medians[s]['ntk-verify']! * 1e3,
      samples: rounds * reps,
      note: peerMeds.map(([k, v]) => `${k} ${(v * 1e3).toFixed(0)} ms`).join(', ') +
        (outRatios[s] !== null ? `; ratio ${outRatios[s]!.toFixed(2)}` : '; no peer'),
    });
  }
  return { rounds, reps, script, load: { before: load0, after: loadavg() }, medians, perRound, skipped, ratios: outRatios, faster };
}

/** The README's table of the four ratios (between the bench-peers markers). */
export function peersTable(p: PeersResult, date: string): string {
  const ms = (x: number | undefined) => (x === undefined ? '—' : `${(x * 1e3).toFixed(0)} ms`);
  const lines = [
    `| step (n = 2000, d = 1000, h = 1500, normalized tanh, float64) | ntk-verify | NumPy | PyTorch | ratio to the faster peer (goal ≤ 0.8) |`,
    '|---|---|---|---|---|',
    ...STEPS.map((s) => `| ${STEP_LABEL[s]} | ${ms(p.medians[s]['ntk-verify'])} | ${ms(p.medians[s].numpy)} | ${ms(p.medians[s].torch)} | ` +
      `${p.ratios[s] === null ? 'no peer ran' : `**${p.ratios[s]!.toFixed(2)}** (${p.faster[s] === 'numpy' ? 'NumPy' : 'PyTorch'})`} |`),
    '',
    `Measured ${date.slice(0, 10)} by \`npm run bench -- --peers\`: ${p.rounds} interleaved rounds of ${p.reps} timed repetitions, ` +
      `medians; load average ${p.load.before[0]!.toFixed(1)} before and ${p.load.after[0]!.toFixed(1)} after, on 2 cores.` +
      (Object.keys(p.skipped).length ? ` Skipped: ${Object.entries(p.skipped).map(([k, v]) => `${k} (${v})`).join('; ')}.` : ''),
  ];
  return lines.join('\n');
}
