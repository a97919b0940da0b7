/**
 * A stand-in for ESM-only packages that jest.config.js does not transform
 * (@jupyter/react-components, @jupyter/web-components: pulled in through
 * @jupyterlab/ui-components). Every export is a callable, constructible
 * stub, enough for module top-level code such as
 * `provideJupyterDesignSystem().register(...)`. None of them is rendered in
 * these tests. Installed for every test file by esm-mocks.ts.
 */

function target(): void {
  // a function, so the stub can be called and extended
}

export const stub: unknown = new Proxy(target, {
  get: (_, key) => {
    if (key === '__esModule') {
      return true;
    }
    // Not a thenable, or `await` would hang on it.
    return key === 'then' ? undefined : stub;
  },
  apply: () => stub,
  construct: () => ({})
});
