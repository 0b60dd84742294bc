/**
 * The same tests on the second supported line: OTel JS SDK 3.x on Node 22 (npm run test:otel3).
 * OTel packages resolve from compat/otel3/node_modules (installed by `npm ci --prefix compat/otel3`);
 * the 2.x `sdk-trace-base` name maps to a shim over `@opentelemetry/sdk-trace` 3.x.
 */
const base = require("./jest.config.cjs");
const OTEL3 = "<rootDir>/compat/otel3/node_modules/@opentelemetry";

module.exports = {
  ...base,
  moduleNameMapper: {
    "^@opentelemetry/sdk-trace-base$": "<rootDir>/test/compat/sdk-trace-base-v3.ts",
    "^@opentelemetry/(api|api-logs|core|resources|sdk-trace|sdk-logs|exporter-trace-otlp-http|otlp-exporter-base|otlp-transformer|context-async-hooks|semantic-conventions)$": `${OTEL3}/$1`,
  },
  // Live instrumentation packages of the 2.x line (and their fixtures capture) do not run on 3.x.
  testPathIgnorePatterns: ["/node_modules/", "/test/live/", "\\.live\\.test\\.ts$"],
};
