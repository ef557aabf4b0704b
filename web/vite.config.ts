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
    rolldownOptions: {
      output: {
        // One bundle passed Vite's 500 kB warning (test/web/portal.browser.test.ts holds every chunk
        // under it): the libraries go in chunks of their own, which also change less often than the
        // app, so browsers keep them cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            { name: 'graphql', test: /[\\/]node_modules[\\/]graphql[\\/]/, priority: 2 },
            { name: 'sdk', test: /[\\/](sdk[\\/]dist|node_modules[\\/](csv-parse|@wholesale-provisioning))[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
