import { describe, expect, it } from 'vitest';
import { CRON_MARKER, hasUpdateLine, isUpdateLine, withoutUpdateLines, withUpdateLine } from '../../src/adapters/crontab.js';
import { cronLine } from '../../src/cli/cron/run.js';

const LINE = '*/5 * * * * cd /opt/bmrs && /usr/bin/node /opt/bmrs/bin/bmrs.js update >> /opt/bmrs/logs/realtime_cron.log 2>&1';

describe('crontab text', () => {
  it('recognises a bmrs update line, not a comment, not another bmrs command', () => {
    expect(isUpdateLine(LINE)).toBe(true);
    expect(isUpdateLine('*/5 * * * * cd /x && npx bmrs update --datasets MID')).toBe(true);
    expect(isUpdateLine('# */5 * * * * bmrs update')).toBe(false);
    expect(isUpdateLine('0 1 * * * bmrs backfill --dataset FUELINST --from 2025-01-01')).toBe(false);
    expect(isUpdateLine('0 1 * * * /usr/bin/apt-get update')).toBe(false);
    expect(hasUpdateLine(`MAILTO=x\n${LINE}\n`)).toBe(true);
    expect(hasUpdateLine('MAILTO=x\n')).toBe(false);
  });

  it('adds after the other lines and removes exactly what it added', () => {
    const before = 'MAILTO=me\n0 1 * * * /bin/true';
    const added = withUpdateLine(before, LINE);
    expect(added).toBe(`${before}\n${CRON_MARKER}\n${LINE}\n`);
    expect(withUpdateLine(null, LINE)).toBe(`${CRON_MARKER}\n${LINE}\n`);
    expect(withoutUpdateLines(added)).toEqual({ text: `${before}\n`, removed: [LINE], others: [] });
  });

  it('the line: absolute paths, quoted where needed, % escaped for cron', () => {
    expect(cronLine('/opt/bmrs', '/usr/bin/node', '/opt/bmrs/bin/bmrs.js')).toBe(LINE);
    expect(cronLine('/srv/my data/50%', '/usr/bin/node', '/b/bmrs.js')).toBe(
      "*/5 * * * * cd '/srv/my data/50\\%' && /usr/bin/node /b/bmrs.js update >> '/srv/my data/50\\%/logs/realtime_cron.log' 2>&1",
    );
    expect(isUpdateLine(cronLine('/srv/my data', '/usr/bin/node', "/b/it's/bmrs.js"))).toBe(true);
  });
});
