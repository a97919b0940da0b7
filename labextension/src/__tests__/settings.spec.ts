/**
 * Settings and formats: which mode a file opens in.
 */

import {
  editableCopyExtension,
  extensionOf,
  groupOf,
  OFFICE_FORMATS
} from '../formats';
import { DEFAULT_SETTINGS, modeFor, readSettings } from '../settings';

describe('readSettings', () => {
  it('uses the defaults for a missing or broken value', () => {
    expect(readSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(
      readSettings({ followLabTheme: 'yes', defaultMode: ['view'] })
    ).toEqual(DEFAULT_SETTINGS);
  });

  it('takes valid values and ignores the rest', () => {
    const settings = readSettings({
      followLabTheme: false,
      defaultMode: { spreadsheet: 'view', document: 'read', pdf: 'view' }
    });
    expect(settings.followLabTheme).toBe(false);
    expect(settings.defaultMode).toEqual({
      document: 'edit',
      spreadsheet: 'view',
      presentation: 'edit',
      pdf: 'view'
    });
  });

  it('reads what an open file does on a change on disk, and how often it looks', () => {
    const settings = readSettings({
      onDiskChange: { edit: 'reload', view: 'never' },
      diskCheckSeconds: 60
    });
    expect(settings.onDiskChange).toEqual({ view: 'reload', edit: 'reload' });
    expect(settings.diskCheckSeconds).toBe(60);
    for (const wrong of [0, 4000, '5', null]) {
      expect(readSettings({ diskCheckSeconds: wrong }).diskCheckSeconds).toBe(
        3
      );
    }
  });
});

describe('modes and groups', () => {
  const settings = readSettings({ defaultMode: { spreadsheet: 'view' } });

  it.each([
    ['report.docx', 'document', 'edit'],
    ['Results.XLSX', 'spreadsheet', 'view'],
    ['data.csv', 'spreadsheet', 'view'],
    ['notes.txt', 'document', 'edit'],
    ['slides.odp', 'presentation', 'edit'],
    ['paper.pdf', 'pdf', 'edit'],
    ['plan.vsdx', 'diagram', 'view']
  ] as const)('%s is a %s and opens for %s', (name, group, mode) => {
    expect(groupOf(name)).toBe(group);
    expect(modeFor(settings, groupOf(name))).toBe(mode);
  });

  it('offers an editable copy only for view-only office formats', () => {
    expect(editableCopyExtension('old.doc')).toBe('docx');
    expect(editableCopyExtension('old.XLS')).toBe('xlsx');
    expect(editableCopyExtension('old.ppt')).toBe('pptx');
    expect(editableCopyExtension('new.docx')).toBeUndefined();
    expect(editableCopyExtension('scan.djvu')).toBeUndefined();
    expect(editableCopyExtension('notes.txt')).toBeUndefined();
  });

  it('reads extensions the way the lab does', () => {
    expect(extensionOf('a.tar.DOCX')).toBe('docx');
    expect(extensionOf('.docx')).toBe('');
    expect(extensionOf('README')).toBe('');
  });

  it('lists each extension once, with a MIME type', () => {
    const exts = OFFICE_FORMATS.map(f => f.ext);
    expect(new Set(exts).size).toBe(exts.length);
    for (const format of OFFICE_FORMATS) {
      expect(format.mimeType).toMatch(/^[a-z]+\/[\w.+-]+$/);
    }
    // Private keys (.key) must never open in an office editor.
    expect(exts).not.toContain('key');
  });
});
