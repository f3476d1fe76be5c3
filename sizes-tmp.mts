import { build } from 'esbuild';
import { join } from 'node:path';
import { FUNCTIONS } from './system/functions.ts';
import { BUNDLING } from './system/bundling.ts';
const name = process.argv[2]!;
const def = (FUNCTIONS as any)[name];
const r = await build({ entryPoints: [def.entry], bundle: true, write: false, metafile: true, outfile: '/tmp/x/index.mjs', format: BUNDLING.format, platform: BUNDLING.platform, target: BUNDLING.target, mainFields: [...BUNDLING.mainFields], minify: BUNDLING.minify, charset: BUNDLING.charset, external: [...BUNDLING.external], define: { ...BUNDLING.define }, logLevel: 'silent' });
const inputs = Object.values(r.metafile.outputs)[0]!.inputs;
const byPkg = new Map<string, number>();
for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
  const m = file.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  const key = m ? m[1]! : file.split('/').slice(0, 3).join('/');
  byPkg.set(key, (byPkg.get(key) ?? 0) + bytesInOutput);
}
console.log([...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${(v / 1024).toFixed(1)} ${k}`).join('\n'));
