import { describe, expect, it } from 'vitest';
import { colourDiff } from './colour-diff.js';

describe('colourDiff', () => {
  it('colours additions, removals and hunk headers, and leaves context lines alone', () => {
    const diff = '--- v1\n+++ v2\n@@ -1,2 +1,2 @@\n same\n-old\n+new\n';
    expect(colourDiff(diff)).toBe(
      '\u001b[1m--- v1\u001b[0m\n\u001b[1m+++ v2\u001b[0m\n\u001b[36m@@ -1,2 +1,2 @@\u001b[0m\n same\n' +
        '\u001b[31m-old\u001b[0m\n\u001b[32m+new\u001b[0m\n',
    );
  });

  it('returns an empty diff unchanged', () => {
    expect(colourDiff('')).toBe('');
  });
});
