/**
 * Braid's architecture rules, checked by `npm run lint` (depcruise src --config .dependency-cruiser.cjs).
 *
 * src/core        the shared kernel: every module may import it; it imports no module.
 * src/modules/X   a module; other code reaches it only through src/modules/X/index.ts.
 * src/app, src/cli the composition root: may import any module's index.
 */

/**
 * Module layers, lowest first. A module may import modules of its own layer or of lower layers,
 * never of a higher one. ADD EVERY NEW MODULE HERE: a module in no layer fails the lint.
 */
const LAYERS = {
  pure: ['stats'], // pure math (statistics, estimators, samplers): no I/O, usable by every layer
  spine: ['events', 'identity', 'consent', 'catalog', 'profiles', 'traits', 'audit', 'access', 'approvals'],
  brain: ['experiments', 'offers', 'recommendations', 'content', 'decisioning'],
  muscle: ['channels', 'workers', 'audiences', 'associates'],
  proof: ['reports', 'simulator'],
  top: ['demo'], // may import anything
};

const order = Object.values(LAYERS);
const modulePath = (names) => `^src/modules/(${names.join('|')})/`;
const layerRules = order.slice(0, -1).map((layer, i) => ({
  name: 'layers',
  severity: 'error',
  comment: `${Object.keys(LAYERS)[i]} modules (${layer.join(', ')}) must not import a higher layer (${Object.keys(LAYERS).slice(i + 1).join(', ')}): layers are ${Object.keys(LAYERS).join(' -> ')}`,
  from: { path: modulePath(layer) },
  to: { path: modulePath(order.slice(i + 1).flat()) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports make start-up order and ownership unclear; break the cycle.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-module-internals',
      severity: 'error',
      comment: "A module may use another module only through that module's index.ts.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-module-internals',
      severity: 'error',
      comment: "The composition root and everything outside src/modules use a module only through its index.ts.",
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'core-is-kernel',
      severity: 'error',
      comment: 'src/core is the shared kernel: it imports no module and not the composition root.',
      from: { path: '^src/core/' },
      to: { path: '^src/(modules|app|cli)/' },
    },
    {
      name: 'modules-below-composition-root',
      severity: 'error',
      comment: 'Modules do not import the composition root (src/app, src/cli); it imports them. (Tests may build a whole Braid.)',
      from: { path: '^src/modules/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'test-code-stays-in-tests',
      severity: 'error',
      comment: 'src/testing is for tests only; shipping code must not import it.',
      from: { path: '^src/', pathNot: ['^src/testing/', '\\.test\\.ts$', '\\.testkit\\.ts$'] },
      to: { path: '^src/testing/' },
    },
    ...layerRules,
    {
      name: 'module-not-in-a-layer',
      severity: 'error',
      comment: 'Every module must be listed in LAYERS at the top of .dependency-cruiser.cjs.',
      from: { path: '^src/modules/', pathNot: modulePath(order.flat()) },
      to: {},
    },
    {
      name: 'module-not-in-a-layer',
      severity: 'error',
      comment: 'Every module must be listed in LAYERS at the top of .dependency-cruiser.cjs.',
      from: {},
      to: { path: '^src/modules/', pathNot: modulePath(order.flat()) },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a layer must not even know a higher layer's types.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.cjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
