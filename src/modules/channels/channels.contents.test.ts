import { describe, expect, it } from 'vitest';
import { createContentCache } from './channels.contents.ts';

describe('content cache', () => {
  it('hands a content out once', () => {
    const c = createContentCache();
    c.remember('msg_1', '{"subject":"Hi"}');
    expect(c.take('msg_1')).toBe('{"subject":"Hi"}');
    expect(c.take('msg_1')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('drops the oldest contents when over its byte budget', () => {
    const c = createContentCache(100); // 50 characters
    c.remember('a', 'x'.repeat(20));
    c.remember('b', 'y'.repeat(20));
    c.remember('c', 'z'.repeat(20));
    expect(c.take('a')).toBeUndefined();
    expect(c.take('b')).toBe('y'.repeat(20));
    expect(c.take('c')).toBe('z'.repeat(20));
    c.remember('big', 'w'.repeat(60));
    expect(c.take('big')).toBeUndefined();
  });
});
