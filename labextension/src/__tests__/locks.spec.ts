/**
 * Lock badges name people, and say "you" for the current user's own lock.
 */

import { nullTranslator } from '@jupyterlab/translation';

import type { ILockInfo } from '../wire';
import { describeLock, labelBadge } from '../locks';

const trans = nullTranslator.load('jupyter_wopi');

function lock(overrides: Partial<ILockInfo>): ILockInfo {
  return {
    holder_name: 'Ada',
    locked_at: Date.now() / 1000 - 300,
    expires_at: Date.now() / 1000 + 1500,
    ...overrides
  };
}

describe('describeLock', () => {
  it('says "you" for the current user’s own lock', () => {
    const text = describeLock(trans, lock({ you: true, others: '' }));
    expect(text).toMatch(/^Being edited by you \(locked 5 minutes ago\)$/);
  });

  it('names the others who edit with you', () => {
    const text = describeLock(
      trans,
      lock({ holder_name: 'me, Ada, Grace', you: true, others: 'Ada, Grace' })
    );
    expect(text).toMatch(/^Being edited by you and Ada, Grace \(locked /);
  });

  it('names the holders of someone else’s lock', () => {
    expect(describeLock(trans, lock({ you: false, others: 'Ada' }))).toMatch(
      /^Being edited by Ada \(locked /
    );
  });

  it('names the holders when the server says nothing about "you"', () => {
    expect(describeLock(trans, lock({}))).toMatch(/^Being edited by Ada \(/);
    expect(describeLock(trans, lock({ holder_name: '' }))).toMatch(
      /^Being edited \(locked /
    );
  });
});

describe('labelBadge', () => {
  it('names the badge as an image, for screen readers and as a tooltip', () => {
    const badge = document.createElement('span');
    labelBadge(badge, 'Being edited by Ada (locked now)');
    expect(badge.className).toBe('jp-wopi-lock-badge');
    expect(badge.getAttribute('role')).toBe('img');
    expect(badge.getAttribute('aria-label')).toBe(
      'Being edited by Ada (locked now)'
    );
    expect(badge.title).toBe('Being edited by Ada (locked now)');
  });
});
