/**
 * The user settings (`schema/plugin.json`), read defensively: a hand-edited
 * settings file must not break opening documents.
 */

import type { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import type { FormatGroup } from './formats';

export type EditorMode = 'edit' | 'view';

/** Groups whose mode the user chooses; diagrams only ever open for viewing. */
export type ModeGroup = Exclude<FormatGroup, 'diagram'>;

/** What an open file does when it changes on disk and holds no unsaved changes. */
export type OnDiskChange = 'reload' | 'ask';

export interface IOfficeSettings {
  /** Open the editor in the lab's light or dark theme. */
  readonly followLabTheme: boolean;
  /** The mode a file opens in, per editor. */
  readonly defaultMode: Readonly<Record<ModeGroup, EditorMode>>;
  /** Per mode the file is open in. */
  readonly onDiskChange: Readonly<Record<EditorMode, OnDiskChange>>;
  /** Seconds between looks at an open file (writes that send no event). */
  readonly diskCheckSeconds: number;
}

export const DEFAULT_SETTINGS: IOfficeSettings = {
  followLabTheme: true,
  defaultMode: {
    document: 'edit',
    spreadsheet: 'edit',
    presentation: 'edit',
    pdf: 'edit'
  },
  onDiskChange: { view: 'reload', edit: 'ask' },
  diskCheckSeconds: 3
};

/** The settings from the registry's composite value, defaults where invalid. */
export function readSettings(
  composite: ReadonlyPartialJSONObject | undefined
): IOfficeSettings {
  const follow = composite?.followLabTheme;
  const seconds = composite?.diskCheckSeconds;
  return {
    followLabTheme:
      typeof follow === 'boolean' ? follow : DEFAULT_SETTINGS.followLabTheme,
    defaultMode: readChoices(
      composite?.defaultMode,
      DEFAULT_SETTINGS.defaultMode,
      ['edit', 'view']
    ),
    onDiskChange: readChoices(
      composite?.onDiskChange,
      DEFAULT_SETTINGS.onDiskChange,
      ['reload', 'ask']
    ),
    diskCheckSeconds:
      typeof seconds === 'number' && seconds >= 1 && seconds <= 3600
        ? seconds
        : DEFAULT_SETTINGS.diskCheckSeconds
  };
}

/** `defaults`, with each key the setting gives one of `allowed` for. */
function readChoices<K extends string, V extends string>(
  setting: unknown,
  defaults: Readonly<Record<K, V>>,
  allowed: readonly V[]
): Record<K, V> {
  const given: Readonly<Record<string, unknown>> =
    setting !== null && typeof setting === 'object' && !Array.isArray(setting)
      ? (setting as ReadonlyPartialJSONObject)
      : {};
  const chosen: Record<K, V> = { ...defaults };
  for (const key of Object.keys(chosen) as K[]) {
    const value = given[key];
    if (allowed.includes(value as V)) {
      chosen[key] = value as V;
    }
  }
  return chosen;
}

/** The mode for a file of a group under the given settings. */
export function modeFor(
  settings: IOfficeSettings,
  group: FormatGroup
): EditorMode {
  return group === 'diagram' ? 'view' : settings.defaultMode[group];
}
