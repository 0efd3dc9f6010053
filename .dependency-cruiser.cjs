/**
 * The direction of imports in the charm, checked by `npm run depcheck` (CI runs
 * it before the tests). lib/ is reusable and knows nothing of the charm; src/etcd
 * knows nothing of Juju; src reaches the libraries only through their entry points.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide which module is the lower one; move the shared piece down a room.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-not-to-src',
      severity: 'error',
      comment: 'lib/juju and lib/refresh are libraries: they never import the charm.',
      from: { path: '^lib/' },
      to: { path: '^src/' },
    },
    {
      name: 'etcd-not-to-juju',
      severity: 'error',
      comment: 'src/etcd talks to etcd and the snap only; Juju lives in the other rooms.',
      from: { path: '^src/etcd/' },
      to: { path: '^lib/(juju|refresh)/' },
    },
    {
      name: 'src-through-lib-juju-entry',
      severity: 'error',
      comment: 'src imports lib/juju only through lib/juju/index.ts.',
      from: { path: '^src/' },
      to: { path: '^lib/juju/', pathNot: '^lib/juju/index\\.ts$' },
    },
    {
      name: 'src-through-lib-refresh-entry',
      severity: 'error',
      comment: 'src imports lib/refresh only through lib/refresh/index.ts.',
      from: { path: '^src/' },
      to: { path: '^lib/refresh/', pathNot: '^lib/refresh/index\\.ts$' },
    },
    {
      name: 'lib-not-to-testing',
      severity: 'error',
      comment: 'The charm and the libraries never load test doubles.',
      from: { path: '^(src|lib)/', pathNot: '^lib/juju/testing/' },
      to: { path: '^(tests/|lib/juju/testing/)' },
    },
    {
      name: 's3-sdk-only-in-s3-store',
      severity: 'error',
      comment: 'The AWS SDK is large: only src/backup/s3-store.ts imports it, so the rest of the charm never loads it.',
      from: { pathNot: '^src/backup/s3-store\\.ts$' },
      to: { path: 'node_modules/@aws-sdk/' },
    },
    {
      name: 's3-store-only-lazily',
      severity: 'error',
      comment: 'src/backup/s3-store.ts is loaded with `await import()` only, so that a quiet hook does not parse the S3 SDK.',
      from: {},
      to: { path: '^src/backup/s3-store\\.ts$', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
