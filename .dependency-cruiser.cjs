/**
 * Module boundaries of src/ (dependency-cruiser, in `npm run check`):
 * - src/platform is shared plumbing: it imports no domain module (only src/i18n, the catalogues, which imports
 *   nothing of src/);
 * - no import cycles between the folders of src/ (a file of folder A importing folder B while something in B
 *   imports A), so each folder can be read and tested from the ones below it.
 */
module.exports = {
  forbidden: [
    {
      name: 'platform-imports-no-domain',
      comment: 'src/platform is shared plumbing; the domain modules build on it, never the other way.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/', pathNot: '^src/(platform|i18n)/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'Folders of src/ import each other in one direction only.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
