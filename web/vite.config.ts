import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// In development Vite serves the console and hands every gateway path to a running gateway
// (`make run`, port 8000, or GATEWAY_URL).
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8000";
const gatewayPaths = ["/api", "/auth", "/open311", "/openapi.json", "/.well-known"];

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: Object.fromEntries(gatewayPaths.map((path) => [path, { target: gateway }])),
  },
  build: {
    chunkSizeWarningLimit: 4000,
    // No inline module-preload polyfill: the CSP admits only the bundle's own scripts.
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
