/**
 * The words of the Version History panel: sizes, times, what made a
 * version, who made it, and the rule a restore follows. Pure functions, so
 * each is unit-tested on its own.
 */

import type { TranslationBundle } from '@jupyterlab/translation';

import type { IVersion, IVersionList, VersionKind } from './wire';

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/** "512 bytes", "1 byte", "1.5 KB", "12 KB", "3.4 MB" (1 KB = 1024 bytes). */
export function formatSize(trans: TranslationBundle, bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) {
    const whole = Math.max(0, Math.round(Number.isFinite(bytes) ? bytes : 0));
    return trans._n('%1 byte', '%1 bytes', whole);
  }
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal under 10 ("1.5 KB"), none above ("12 KB"); never "10.0".
  const rounded =
    value < 9.95 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} ${UNITS[unit]}`;
}

/** The steps of a relative time: the largest that fits is used. */
const STEPS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60]
];

/**
 * "just now", "5 minutes ago", "yesterday", "3 weeks ago".
 *
 * @param seconds - the time, in seconds since the epoch
 * @param now - milliseconds since the epoch
 */
export function formatRelative(
  trans: TranslationBundle,
  seconds: number,
  now: number = Date.now(),
  locale?: string
): string {
  const ago = now / 1000 - seconds;
  if (Math.abs(ago) < 45) {
    return trans.__('just now');
  }
  const format = relativeFormat(locale);
  for (const [unit, size] of STEPS) {
    if (Math.abs(ago) >= size) {
      return format.format(-Math.round(ago / size), unit);
    }
  }
  return format.format(-Math.max(1, Math.round(ago / 60)), 'minute');
}

/** "Dec 7, 2026, 2:03 PM" in the lab's language. */
export function formatAbsolute(seconds: number, locale?: string): string {
  const options: Intl.DateTimeFormatOptions = {
    dateStyle: 'medium',
    timeStyle: 'short'
  };
  const when = new Date(seconds * 1000);
  try {
    return new Intl.DateTimeFormat(locale, options).format(when);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(when); // an unknown locale
  }
}

/** An ISO time for a `<time datetime>` attribute. */
export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** What made a version's bytes, in words. */
export function kindLabel(trans: TranslationBundle, kind: VersionKind): string {
  switch (kind) {
    case 'save':
      return trans.__('Saved in the editor');
    case 'restore':
      return trans.__('Restored from an earlier version');
    case 'conflict':
      return trans.__('Save kept as a conflict copy');
    case 'loaded':
      return trans.__('Opened in the editor');
    case 'external':
      return trans.__('Changed outside the editor');
    default:
      // A kind from a newer server: say nothing wrong.
      return String(kind);
  }
}

/** "Ada", or "unknown author". */
export function authorText(trans: TranslationBundle, author: string): string {
  return author.trim() ? author : trans.__('unknown author');
}

/** "with Ada, Grace", or "" when nobody else edited. */
export function coEditorsText(
  trans: TranslationBundle,
  coEditors: readonly string[]
): string {
  const names = coEditors.filter(name => name.trim());
  return names.length ? trans.__('with %1', names.join(', ')) : '';
}

/** "Now: 12 KB · modified 5 minutes ago · by Ada" (no "by" when unknown). */
export function describeNow(
  trans: TranslationBundle,
  list: Pick<IVersionList, 'size' | 'modified_at' | 'author'>,
  now: number = Date.now(),
  locale?: string
): string {
  const size = formatSize(trans, list.size);
  const when = formatRelative(trans, list.modified_at, now, locale);
  return list.author.trim()
    ? trans.__('Now: %1 · modified %2 · by %3', size, when, list.author)
    : trans.__('Now: %1 · modified %2', size, when);
}

/** The server's rule, said while someone edits the file: restore in place. */
export function editingRule(
  trans: TranslationBundle,
  lockedBy: string
): string {
  return lockedBy.trim()
    ? trans.__(
        'Being edited by %1. Restoring replaces it for everyone: open ' +
          'editors are asked to reload, and anything they save before ' +
          'reloading is kept as a conflict copy beside the file.',
        lockedBy
      )
    : '';
}

/** Why Restore is disabled ("" when it is not). */
export function restoreBlockedReason(
  trans: TranslationBundle,
  list: Pick<IVersionList, 'can_restore' | 'name'>
): string {
  return list.can_restore
    ? ''
    : trans.__(
        'You may not change %1 (it is read-only for you, or its folder ' +
          'does not allow it), so no version can be restored into it. ' +
          'Download a version instead.',
        list.name
      );
}

/** The name of a version in sentences: its time. */
export function versionTime(version: IVersion, locale?: string): string {
  return formatAbsolute(version.created_at, locale);
}

function relativeFormat(locale?: string): Intl.RelativeTimeFormat {
  try {
    return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  } catch {
    return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  }
}
