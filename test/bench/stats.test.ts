import {
  interleave,
  markdownTable,
  median,
  ratio,
  resourceCounts,
  summarize,
} from '../../bench/harness/stats';

describe('benchmark statistics', () => {
  test.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('median of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  test('median of nothing throws', () => {
    expect(() => median([])).toThrow(/no values/);
  });

  test('summary and ratio of medians', () => {
    const a = summarize([110, 100, 130]);
    const b = summarize([100, 90, 200]);
    expect(a).toEqual({ median: 110, min: 100, max: 130, n: 3 });
    expect(ratio(a, b)).toBeCloseTo(1.1);
    expect(ratio(a, undefined)).toBeUndefined();
  });

  test('runs are interleaved A B C A B C after the warm-up', () => {
    const order = interleave(['A', 'B', 'C'], 1, 2);
    expect(order.map((o) => o.app).join('')).toBe('ABCABCABC');
    expect(order.filter((o) => o.warmup).map((o) => o.app)).toEqual(['A', 'B', 'C']);
  });

  test('resource counts by type, sorted', () => {
    const counts = resourceCounts({
      Resources: {
        B: { Type: 'AWS::S3::Bucket' },
        A: { Type: 'AWS::EC2::VPC' },
        C: { Type: 'AWS::S3::Bucket' },
      },
    });
    expect([...counts.entries()]).toEqual([
      ['AWS::EC2::VPC', 1],
      ['AWS::S3::Bucket', 2],
    ]);
  });

  test('markdown table with right-aligned columns', () => {
    expect(markdownTable(['a', 'b'], [['x', '1']], 'lr')).toBe('| a | b |\n| --- | ---: |\n| x | 1 |');
  });
});
