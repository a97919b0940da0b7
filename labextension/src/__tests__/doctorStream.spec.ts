/**
 * The connection doctor's streamed answer: lines split anywhere, and lines
 * that are not the doctor's.
 */

import { DoctorLines } from '../doctorStream';

import { REPORT } from './fixtures';

describe('DoctorLines', () => {
  it('reads lines split anywhere across chunks', () => {
    const steps: string[] = [];
    const lines = new DoctorLines(step => steps.push(step));
    const text = `{"progress": "one"}\n{"progress": "two"}\n{"result": ${JSON.stringify(REPORT)}}`;
    for (const chunk of [text.slice(0, 7), text.slice(7, 25), text.slice(25)]) {
      lines.push(chunk);
    }
    expect(steps).toEqual(['one', 'two']);
    expect(lines.end()).toEqual(REPORT);
  });

  it('skips lines that are not its own', () => {
    const lines = new DoctorLines(() => undefined);
    lines.push('<html>\n42\n{"other": 1}\n');
    expect(lines.end()).toBeNull();
  });
});
