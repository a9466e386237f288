/** Import rules of STYLE.md: each layer may import only what is listed. Errors, never warnings. */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'core-is-pure',
      comment: 'core imports only core and pure npm packages, never node:* built-ins.',
      severity: 'error',
      from: { path: layer('core') },
      to: { pathNot: [layer('core')], dependencyTypesNot: ['npm'] },
    },
    {
      name: 'core-no-node',
      severity: 'error',
      from: { path: layer('core') },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'ports-import-core',
      severity: 'error',
      from: { path: layer('ports') },
      to: { pathNot: [layer('core'), layer('ports')], dependencyTypesNot: ['npm'] },
    },
    {
      name: 'jobs-import-core',
      severity: 'error',
      from: { path: layer('jobs') },
      to: { pathNot: [layer('core'), layer('jobs')], dependencyTypesNot: ['npm', 'core'] },
    },
    {
      name: 'services-layer',
      severity: 'error',
      from: { path: layer('services') },
      to: {
        path: [
          layer('adapters'),
          layer('http'),
          layer('cli'),
          layer('compose'),
          layer('worker'),
          layer('web'),
        ],
      },
    },
    {
      name: 'adapters-layer',
      severity: 'error',
      from: { path: layer('adapters') },
      to: {
        path: [
          layer('services'),
          layer('http'),
          layer('cli'),
          layer('compose'),
          layer('worker'),
          layer('web'),
        ],
      },
    },
    {
      name: 'adapter-families-apart',
      comment: 'An adapter family (storage, providers, ...) never imports another family.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/'] },
    },
    {
      name: 'only-compose-imports-adapters',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/adapters/', '^src/compose/'] },
      to: { path: layer('adapters') },
    },
    {
      name: 'edges-import-services-compose-config',
      severity: 'error',
      from: { path: [layer('http'), layer('worker'), layer('cli')] },
      to: { path: '^src/', pathNot: ['^src/(services|compose|config|core|ports|jobs|http|worker|cli)/'] },
    },
    {
      name: 'config-is-leaf',
      severity: 'error',
      from: { path: layer('config') },
      to: { path: '^src/', pathNot: ['^src/(config|core)/'] },
    },
    {
      name: 'web-types-only',
      severity: 'error',
      from: { path: layer('web') },
      to: { path: '^src/', pathNot: [layer('web')], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'nothing-imports-web',
      comment: 'The dashboard is built separately by Vite; the server and CLI never import it.',
      severity: 'error',
      from: { path: '^src/', pathNot: [layer('web')] },
      to: { path: layer('web') },
    },
    {
      name: 'web-resolves',
      comment: 'Every dashboard import must resolve, or the rules above could not see it.',
      severity: 'error',
      from: { path: layer('web') },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
