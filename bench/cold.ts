/**
 * `npm run bench -- --cold`: every function bundled as it is deployed
 * (system/bundling.ts: minified ESM, the AWS SDK left to the runtime), its
 * size, and its module init — the time `import` of the bundle takes in a fresh
 * Node.js 24 process — next to a bare bundle that only creates the same SDK
 * clients (the median of `runs` fresh processes each, measured alternately so
 * that the machine's load hits both alike). The ratio says what our code
 * costs a cold start over the SDK clients the function needs anyway.
 *
 * `root` may point at another checkout (e.g. main before a change): its
 * functions are bundled with the same settings, from this repository's
 * node_modules.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLED_FOLDERS, BUNDLING, ESBUILD_OPTIONS } from '../system/bundling.ts';
import { sdkClientsOf, type FunctionDefinition, type SdkClient } from '../system/functions.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ColdOptions {
  /** The checkout whose functions are bundled (default: this one). */
  readonly root?: string;
  /** Fresh processes per bundle. */
  readonly runs: number;
  /** Only these functions (default: all). */
  readonly only?: readonly string[];
  /** Measure the module init of these functions only (default: every one bundled). */
  readonly initOf?: readonly string[];
  readonly progress?: (line: string) => void;
}

export interface BundleFigure {
  readonly function: string;
  readonly bytes: number;
  /**
   * What the bundle is made of, from esbuild's metafile: bytes in the output by npm package (`zod`,
   * `@aws-lambda-powertools/logger`) or, for our code, by repository file. `--explain` prints it.
   */
  readonly parts: ReadonlyArray<{ readonly from: string; readonly bytes: number }>;
}

/** Bytes in the output by npm package, or by repository file for our own code. */
function partsOf(inputs: Record<string, { bytesInOutput: number }>): BundleFigure['parts'] {
  const bytes = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const from = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.replace(/^(\.\.\/)+/, '');
    bytes.set(from, (bytes.get(from) ?? 0) + bytesInOutput);
  }
  return [...bytes].map(([from, size]) => ({ from, bytes: size })).sort((a, b) => b.bytes - a.bytes);
}

export interface InitFigure {
  readonly function: string;
  readonly ms: number;
  readonly bareMs: number;
  readonly ratio: number;
  readonly clients: readonly SdkClient[];
}

export interface ColdFigures {
  readonly bundles: BundleFigure[];
  readonly init: InitFigure[];
}

/** How a bare bundle creates each SDK client the way our adapters do (module scope, default configuration). */
const BARE_CLIENT: Record<SdkClient, string> = {
  dynamodb: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; clients.push(DynamoDBDocumentClient.from(new DynamoDBClient({})));",
  ses: "import { SESClient } from '@aws-sdk/client-ses'; clients.push(new SESClient({}));",
  sns: "import { SNSClient } from '@aws-sdk/client-sns'; clients.push(new SNSClient({}));",
  sqs: "import { SQSClient } from '@aws-sdk/client-sqs'; clients.push(new SQSClient({}));",
  eventbridge: "import { EventBridgeClient } from '@aws-sdk/client-eventbridge'; clients.push(new EventBridgeClient({}));",
  kms: "import { KMSClient } from '@aws-sdk/client-kms'; clients.push(new KMSClient({}));",
};

/** What a handler reads at module load; nothing here is contacted during init. */
const PROBE_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  TABLE_NAME: 'bench-cold',
  MAIL_FROM: 'no-reply@bench.example',
  STAGE: 'bench',
  EVENT_BUS_NAME: 'bench-cold',
  WORK_QUEUE_URL: 'https://sqs.ap-northeast-2.amazonaws.com/000000000000/bench-cold',
  AWS_REGION: 'ap-northeast-2',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_SERVICE_NAME: 'subscriptions',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

const PROBE = `const started = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - started));`;

/** Module init of one bundle in a fresh process: milliseconds from the start of `import` to its end. */
function initOnce(file: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', PROBE, pathToFileURL(file).href], { env: PROBE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(out);
      if (code !== 0 || !Number.isFinite(ms)) reject(new Error(`Importing ${file} failed (exit ${code}): ${err.slice(0, 800)}`));
      else resolvePromise(ms);
    });
  });
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export async function measureCold(options: ColdOptions): Promise<ColdFigures> {
  const root = resolve(options.root ?? REPO_ROOT);
  const progress = options.progress ?? (() => undefined);
  // Inside this repository's node_modules, so that the SDK (external) resolves as it would in Lambda.
  const outDir = join(REPO_ROOT, 'node_modules', '.bench-cold', root === resolve(REPO_ROOT) ? 'here' : 'other');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const catalogue = (await import(pathToFileURL(join(root, 'system', 'functions.ts')).href)) as { FUNCTIONS: Record<string, FunctionDefinition & { entry?: string }>; entryOf?: (name: string) => string };
  const { FUNCTIONS } = catalogue;
  // A checkout from before the handler modules went by convention names each entry itself.
  const entryOf = (name: string) => catalogue.entryOf?.(name) ?? FUNCTIONS[name]!.entry!;
  const names = Object.keys(FUNCTIONS).filter((name) => !options.only || options.only.includes(name));

  const bundles: BundleFigure[] = [];
  const files = new Map<string, string>();
  for (const [index, name] of names.entries()) {
    const outfile = join(outDir, name, 'index.mjs');
    const { metafile } = await build({
      entryPoints: [join(root, entryOf(name))],
      metafile: true,
      ...ESBUILD_OPTIONS,
      outfile,
      tsconfig: join(root, 'tsconfig.json'),
      logLevel: 'silent',
    });
    // What the deployment copies beside the bundle (read at module load).
    for (const [from, to] of Object.entries(BUNDLED_FOLDERS)) cpSync(join(root, from), join(outDir, name, to), { recursive: true });
    files.set(name, outfile);
    const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint !== undefined)!;
    bundles.push({ function: name, bytes: statSync(outfile).size, parts: partsOf(output.inputs) });
    if ((index + 1) % 10 === 0 || index + 1 === names.length) progress(`  bundled ${index + 1}/${names.length} functions`);
  }

  // One bare bundle per set of clients.
  const bareFiles = new Map<string, string>();
  const clientsOf = new Map<string, SdkClient[]>();
  for (const name of names) {
    const clients = sdkClientsOf(FUNCTIONS[name]!);
    clientsOf.set(name, clients);
    const id = clients.join('+') || 'none';
    if (bareFiles.has(id)) continue;
    const entry = join(outDir, `bare-${id}.entry.mjs`);
    writeFileSync(entry, `const clients = [];\n${clients.map((client) => BARE_CLIENT[client]).join('\n')}\nexport { clients };\n`);
    const outfile = join(outDir, `bare-${id}`, 'index.mjs');
    await build({ entryPoints: [entry], bundle: true, outfile, format: 'esm', platform: 'node', target: BUNDLING.target, minify: true, banner: { js: BUNDLING.banner }, external: [...BUNDLING.external], logLevel: 'silent' });
    bareFiles.set(id, outfile);
  }

  const timed = names.filter((name) => !options.initOf || options.initOf.includes(name));
  const samples = new Map<string, number[]>();
  const sample = async (key: string, file: string) => {
    const list = samples.get(key) ?? [];
    list.push(await initOnce(file));
    samples.set(key, list);
  };
  for (let run = 0; run < options.runs; run += 1) {
    for (const name of timed) {
      const bareId = clientsOf.get(name)!.join('+') || 'none';
      await sample(name, files.get(name)!);
      await sample(`bare:${bareId}`, bareFiles.get(bareId)!);
    }
    if ((run + 1) % 5 === 0 || run + 1 === options.runs) progress(`  init: round ${run + 1}/${options.runs} of ${timed.length} functions and their bare bundles`);
  }
  const init = timed.map((name) => {
    const clients = clientsOf.get(name)!;
    const ms = median(samples.get(name)!);
    const bareMs = median(samples.get(`bare:${clients.join('+') || 'none'}`)!);
    return { function: name, ms: round(ms), bareMs: round(bareMs), ratio: round(ms / bareMs, 2), clients };
  });
  return { bundles, init };
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));
