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
  function guarded() {
    const lab = {
      save: jest.fn(),
      saveAs: jest.fn(),
      revert: jest.fn(),
      createCheckpoint: jest.fn(),
      listCheckpoints: jest.fn()
    };
    const handlers = { save: jest.fn(), saveAs: jest.fn(), revert: jest.fn() };
    const context = { ...lab } as unknown as DocumentRegistry.Context;
    guardAgainstLabSaves(context, handlers);
    return { lab, handlers, context };
  }

  it('never lets the lab write the empty model: its save and save-as explain instead', async () => {
    const { lab, handlers, context } = guarded();
    await expect(context.save()).resolves.toBeUndefined();
    expect(handlers.save).toHaveBeenCalledTimes(1);
    await expect(context.saveAs()).resolves.toBe(false);
    expect(handlers.saveAs).toHaveBeenCalledTimes(1);
    expect(lab.save).not.toHaveBeenCalled();
    expect(lab.saveAs).not.toHaveBeenCalled();
  });

  it('makes "Reload from Disk" reload the editor, not the empty model', async () => {
    const { lab, handlers, context } = guarded();
    await context.revert();
    expect(handlers.revert).toHaveBeenCalledTimes(1);
    expect(lab.revert).not.toHaveBeenCalled();
  });

  it('keeps lab checkpoints out: none made, none to revert to', async () => {
    const { lab, context } = guarded();
    await context.createCheckpoint();
    await expect(context.listCheckpoints()).resolves.toEqual([]);
    expect(lab.createCheckpoint).not.toHaveBeenCalled();
    expect(lab.listCheckpoints).not.toHaveBeenCalled();
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
