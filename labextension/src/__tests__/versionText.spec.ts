/**
 * The words of the Version History panel: sizes, times, what made a
 * version, who, and the rule a restore follows.
 */

import { nullTranslator } from '@jupyterlab/translation';

import {
  authorText,
  coEditorsText,
  describeNow,
  editingRule,
  formatAbsolute,
  formatRelative,
  formatSize,
  kindLabel,
  restoreBlockedReason
} from '../versionText';
import type { VersionKind } from '../wire';

const trans = nullTranslator.load('jupyter_wopi');
/** 2026-12-07 14:03:00 UTC, in milliseconds. */
const NOW = Date.UTC(2026, 11, 7, 14, 3);
const nowSeconds = NOW / 1000;

describe('formatSize', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [512, '512 bytes'],
    [1023, '1023 bytes'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [10 * 1024 - 1, '10 KB'],
    [12_345, '12 KB'],
    [3.4 * 1024 * 1024, '3.4 MB'],
    [250 * 1024 * 1024, '250 MB'],
    [2 * 1024 ** 3, '2 GB'],
    [5 * 1024 ** 4, '5 TB'],
    [3 * 1024 ** 5, '3072 TB']
  ])('%s bytes is "%s"', (bytes, text) => {
    expect(formatSize(trans, bytes)).toBe(text);
  });

  it('says nothing wrong about a size that is not a number', () => {
    expect(formatSize(trans, NaN)).toBe('0 bytes');
    expect(formatSize(trans, -3)).toBe('0 bytes');
  });
});

describe('formatRelative', () => {
  it.each([
    [0, 'just now'],
    [30, 'just now'],
    [60, '1 minute ago'],
    [5 * 60, '5 minutes ago'],
    [59 * 60, '59 minutes ago'],
    [3 * 3600, '3 hours ago'],
    [86_400, 'yesterday'],
    [3 * 86_400, '3 days ago'],
    [14 * 86_400, '2 weeks ago'],
    [61 * 86_400, '2 months ago'],
    [800 * 86_400, '2 years ago']
  ])('%s seconds ago is "%s"', (ago, text) => {
    expect(formatRelative(trans, nowSeconds - ago, NOW, 'en-US')).toBe(text);
  });

  it('speaks the lab’s language, and falls back for an unknown one', () => {
    expect(formatRelative(trans, nowSeconds - 300, NOW, 'fr-FR')).toBe(
      'il y a 5 minutes'
    );
    expect(
      formatRelative(trans, nowSeconds - 300, NOW, 'not a locale!')
    ).toMatch(/5/);
  });
});

describe('formatAbsolute', () => {
  it('gives the date and the time of day', () => {
    const text = formatAbsolute(nowSeconds, 'en-US');
    expect(text).toMatch(/Dec \d+, 2026/);
    expect(text).toMatch(/\d:\d\d/);
  });

  it('falls back for an unknown language', () => {
    expect(formatAbsolute(nowSeconds, 'not a locale!')).toMatch(/2026/);
  });
});

describe('kindLabel', () => {
  it.each([
    ['save', 'Saved in the editor'],
    ['restore', 'Restored from an earlier version'],
    ['conflict', 'Save kept as a conflict copy'],
    ['loaded', 'Opened in the editor'],
    ['external', 'Changed outside the editor']
  ] as const)('%s is "%s"', (kind, label) => {
    expect(kindLabel(trans, kind)).toBe(label);
  });

  it('shows a kind from a newer server as it is', () => {
    expect(kindLabel(trans, 'merged' as VersionKind)).toBe('merged');
  });
});

describe('people', () => {
  it('names the author, or says it is unknown', () => {
    expect(authorText(trans, 'Ada')).toBe('Ada');
    expect(authorText(trans, '')).toBe('unknown author');
    expect(authorText(trans, '  ')).toBe('unknown author');
  });

  it('names the co-editors, or nothing', () => {
    expect(coEditorsText(trans, ['Ada', 'Grace'])).toBe('with Ada, Grace');
    expect(coEditorsText(trans, [])).toBe('');
    expect(coEditorsText(trans, [''])).toBe('');
  });
});

describe('describeNow', () => {
  it('gives size, time and author of the file now', () => {
    expect(
      describeNow(
        trans,
        { size: 12_345, modified_at: nowSeconds - 300, author: 'Ada' },
        NOW,
        'en-US'
      )
    ).toBe('Now: 12 KB · modified 5 minutes ago · by Ada');
  });

  it('leaves out an unknown author', () => {
    expect(
      describeNow(
        trans,
        { size: 1, modified_at: nowSeconds, author: '' },
        NOW,
        'en-US'
      )
    ).toBe('Now: 1 byte · modified just now');
  });
});

describe('the rules', () => {
  it('says what a restore does to whoever is editing', () => {
    expect(editingRule(trans, 'Ada, Grace')).toBe(
      'Being edited by Ada, Grace. Restoring replaces it for everyone: ' +
        'open editors are asked to reload, and anything they save before ' +
        'reloading is kept as a conflict copy beside the file.'
    );
    expect(editingRule(trans, '')).toBe('');
  });

  it('says why Restore is disabled, only when it is', () => {
    expect(
      restoreBlockedReason(trans, { can_restore: true, name: 'a.docx' })
    ).toBe('');
    expect(
      restoreBlockedReason(trans, { can_restore: false, name: 'a.docx' })
    ).toMatch(/^You may not change a\.docx .*Download a version instead\.$/);
  });
});
