/**
 * The direction of imports is part of the design: domain ← ports ← services ← http / workers / cli, and only the
 * composition root (src/app.ts) builds adapters. `npm run lint` fails on any arrow that points the wrong way, and on
 * any import cycle in src/, the web client (web/src/) or the benchmark (bench/).
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds pure rules and types; it imports nothing else of ours.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/(?!domain/)' },
    },
    {
      name: 'ports-see-only-domain',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/(?!domain/|ports/)' },
    },
    {
      name: 'services-see-domain-and-ports',
      comment: 'Use cases depend on ports, never on adapters, HTTP or workers.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(?!domain/|ports/|services/)' },
    },
    {
      name: 'workers-see-services-and-ports',
      severity: 'error',
      from: { path: '^src/workers/' },
      to: { path: '^src/(?!domain/|ports/|services/|workers/)' },
    },
    {
      name: 'http-sees-services-and-ports',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/(?!domain/|ports/|services/|http/)' },
    },
    {
      name: 'adapters-implement-ports',
      comment: 'Adapters implement ports; they never reach up into services, HTTP, workers or the root.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(?!domain/|ports/|adapters/)' },
    },
    {
      name: 'only-the-root-builds-adapters',
      comment: 'Everything outside src/adapters/ reaches adapters only through src/app.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(app\\.ts|adapters/)' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
