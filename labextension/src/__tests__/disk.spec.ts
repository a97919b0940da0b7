/**
 * compareStatus: what a difference between two looks at a file means.
 */

import type { IFileStatus } from '../wire';
import { compareStatus } from '../disk';

const BEFORE: IFileStatus = {
  file_id: 'f',
  path: 'a.docx',
  name: 'a.docx',
  size: 1,
  content_stamp: 's1',
  lock: null,
  last_save: null,
  conflicts: [],
  copies: []
};

const save = (stamp: string, at: number, keptAs = '') => ({
  content_stamp: stamp,
  user_name: 'Ada',
  saved_at: at,
  kept_as: keptAs
});

describe('compareStatus', () => {
  it('sees nothing when nothing changed', () => {
    expect(compareStatus(BEFORE, { ...BEFORE })).toEqual([]);
  });

  it('sees a lock being taken as no change', () => {
    const lock = { holder_name: 'Ada', locked_at: 1, expires_at: 2 };
    expect(compareStatus(BEFORE, { ...BEFORE, lock })).toEqual([]);
  });

  it('tells the editor’s save from a change by someone else', () => {
    const saved = { ...BEFORE, content_stamp: 's2', last_save: save('s2', 5) };
    expect(compareStatus(BEFORE, saved)).toEqual([
      { kind: 'saved', save: save('s2', 5) }
    ]);
    const rewritten = { ...saved, content_stamp: 's3' };
    expect(compareStatus(saved, rewritten)).toEqual([
      { kind: 'changed-on-disk' }
    ]);
  });

  it('reports both when the editor saved and then a kernel wrote', () => {
    const next = { ...BEFORE, content_stamp: 's3', last_save: save('s2', 5) };
    expect(compareStatus(BEFORE, next).map(e => e.kind)).toEqual([
      'saved',
      'changed-on-disk'
    ]);
  });

  it('reports a save kept as a conflict copy', () => {
    const kept = save('s1', 6, 'a (conflict).docx');
    expect(compareStatus(BEFORE, { ...BEFORE, last_save: kept })).toEqual([
      { kind: 'kept-as-copy', save: kept }
    ]);
  });

  it('reports a rename without calling it a change of content', () => {
    expect(
      compareStatus(BEFORE, { ...BEFORE, path: 'b/c.docx', name: 'c.docx' })
    ).toEqual([{ kind: 'renamed', from: 'a.docx', to: 'b/c.docx' }]);
  });

  it('reports copies saved under other names, oldest first', () => {
    const old = { path: 'a.pdf', created_at: 1 };
    const before = { ...BEFORE, copies: [old] };
    const next = {
      ...BEFORE,
      copies: [
        { path: 'a (3).pdf', created_at: 3 },
        { path: 'a (2).pdf', created_at: 2 },
        old
      ]
    };
    expect(compareStatus(before, next)).toEqual([
      { kind: 'copied', path: 'a (2).pdf' },
      { kind: 'copied', path: 'a (3).pdf' }
    ]);
  });
});
