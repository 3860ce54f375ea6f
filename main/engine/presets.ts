// The example specs in assets/specs, offered as presets; the demo runs on bundled data.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Preset } from '../../shared/host.ts';

export const ASSETS_DIR = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../assets');
export const SPECS_DIR = join(ASSETS_DIR, 'specs');
export const DEMO_PRESET = 'digits-mlp';

export function loadPresets(dir = SPECS_DIR): Preset[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const spec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { name?: string; description?: string };
    const id = f.replace(/\.json$/, '');
    return { id, title: spec.name ?? id, description: spec.description ?? '', spec, demo: id === DEMO_PRESET };
  }).sort((a, b) => Number(b.demo) - Number(a.demo));
}
