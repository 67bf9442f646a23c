// electron-builder.yml cannot be exercised here (no Electron binary), so check what it names instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../helpers/serve.ts';

interface BuilderConfig {
  appId: string;
  files: string[];
  extraResources: Array<{ from: string; to: string }>;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
  fileAssociations: Array<{ ext: string }>;
}

const config = yaml.load(readFileSync(join(repoRoot, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

test('targets Linux (AppImage, deb), macOS (dmg) and Windows (nsis)', () => {
  assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(config.mac.target, ['dmg']);
  assert.deepEqual(config.win.target, ['nsis']);
  assert.ok(config.fileAssociations.some((f) => f.ext === 'ipynb'));
});

test('native modules are unpacked from the asar and release fuses are set', () => {
  assert.ok(config.asarUnpack.includes('**/*.node'));
  assert.ok(config.asarUnpack.some((p) => p.includes('onnxruntime-node')));
  assert.equal(config.electronFuses.enableNodeCliInspectArguments, false);
  assert.equal(config.electronFuses.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(config.electronFuses.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(config.electronFuses.onlyLoadAppFromAsar, true);
});

test('the paths it names exist after a build', () => {
  // npm test builds before running tests, so the bundles must be there.
  assert.ok(existsSync(join(repoRoot, pkg.main)), `package.json main ${pkg.main}`);
  assert.ok(existsSync(join(repoRoot, 'dist/preload/preload.cjs')));
  assert.ok(existsSync(join(repoRoot, 'dist/renderer/index.html')));
  for (const r of config.extraResources) assert.ok(existsSync(join(repoRoot, r.from)), r.from);
  assert.ok(existsSync(join(repoRoot, 'resources/models/classifier/manifest.json')));
  assert.ok(existsSync(join(repoRoot, 'resources/models/recommender/manifest.json')));
  assert.match(pkg.scripts.package ?? '', /electron-builder --config electron-builder.yml/);
});
