/**
 * Loaded before every test file (jest.config.js setupFilesAfterEnv): replaces the
 * ESM-only design-system packages with stubs (see esm-stubs.ts).
 */

jest.mock(
  '@jupyter/react-components',
  () => jest.requireActual<{ stub: unknown }>('./esm-stubs').stub
);
jest.mock(
  '@jupyter/web-components',
  () => jest.requireActual<{ stub: unknown }>('./esm-stubs').stub
);
