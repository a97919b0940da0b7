/**
 * The document factories: the lab never downloads nor saves the file.
 */

import type { DocumentRegistry } from '@jupyterlab/docregistry';

import {
  guardAgainstLabSaves,
  OfficeModel,
  OfficeModelFactory,
  toggleClass
} from '../factory';

describe('OfficeModelFactory', () => {
  it('asks the contents API for metadata only', () => {
    const factory = new OfficeModelFactory();
    // Context._revert sends content=0 when the format is null.
    expect(factory.fileFormat).toBeNull();
    expect(factory.contentType).toBe('file');
    expect(factory.collaborative).toBe(false);
  });

  it('makes models the lab treats as saved by someone else', () => {
    const model = new OfficeModelFactory().createNew();
    expect(model).toBeInstanceOf(OfficeModel);
    expect(model.collaborative).toBe(true);
    expect(model.dirty).toBe(false);
  });
});

describe('guardAgainstLabSaves', () => {
  it('turns the context’s save and save-as into no-ops', async () => {
    const save = jest.fn();
    const saveAs = jest.fn();
    const context = { save, saveAs } as unknown as DocumentRegistry.Context;
    guardAgainstLabSaves(context, jest.fn());
    await expect(context.save()).resolves.toBeUndefined();
    await expect(context.saveAs()).resolves.toBe(false);
    expect(save).not.toHaveBeenCalled();
    expect(saveAs).not.toHaveBeenCalled();
  });

  it('makes "Reload from Disk" reload the editor, not the empty model', async () => {
    const revert = jest.fn();
    const reloadEditor = jest.fn();
    const context = { revert } as unknown as DocumentRegistry.Context;
    guardAgainstLabSaves(context, reloadEditor);
    await context.revert();
    expect(reloadEditor).toHaveBeenCalledTimes(1);
    expect(revert).not.toHaveBeenCalled();
  });
});

describe('toggleClass', () => {
  it('adds and removes one class', () => {
    expect(toggleClass('a b', 'jp-mod-dirty', true)).toBe('a b jp-mod-dirty');
    expect(toggleClass('a jp-mod-dirty b', 'jp-mod-dirty', false)).toBe('a b');
    expect(toggleClass('jp-mod-dirty', 'jp-mod-dirty', true)).toBe(
      'jp-mod-dirty'
    );
    expect(toggleClass('', 'x', false)).toBe('');
  });
});
