import { defineConfig } from 'vite';

// The server serves the built app at /app/ (same origin as the API), so every URL is under /app/.
export default defineConfig({
  base: '/app/',
  // Vite 8 transforms TSX with oxc: React's automatic runtime, no plugin needed for a production build.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Everything ships from the server: no inline data: URLs for assets bigger than nothing.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
