/**
 * Unit tests for the jupyter-wopi plugin definition.
 */

import plugin from '../index';

describe('jupyter-wopi', () => {
  it('exports the plugin with the expected id', () => {
    expect(plugin.id).toBe('jupyter-wopi:plugin');
  });

  it('starts automatically', () => {
    expect(plugin.autoStart).toBe(true);
  });

  it('logs on activation', () => {
    const debug = jest.spyOn(console, 'debug').mockImplementation(() => {});
    try {
      plugin.activate({} as any);
      expect(debug).toHaveBeenCalledWith('jupyter-wopi is activated');
    } finally {
      debug.mockRestore();
    }
  });
});
