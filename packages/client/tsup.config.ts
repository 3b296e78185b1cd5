import { defineConfig } from 'tsup';

// The client runs in browsers and in Node, so the bundle targets both and imports no built-ins.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  platform: 'neutral',
  target: 'es2022',
});
