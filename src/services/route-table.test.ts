import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../core/errors.js';
import { FakeModelProvider } from '../../test/doubles/fake-model-provider.js';
import { chatRoute, embedRoute } from '../../test/doubles/gateway-harness.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { RouteTable } from './route-table.js';

function providers(...ids: string[]) {
  return new Map(ids.map((id) => [id, new FakeModelProvider(id)]));
}

describe('RouteTable', () => {
  it('resolves a public model name to its route', () => {
    const table = new RouteTable({
      routes: [chatRoute(), embedRoute()],
      providers: providers('primary', 'secondary', 'big'),
      clock: new ManualClock(),
    });
    expect(table.resolve('embed').kind).toBe('embeddings');
    expect(table.current().routes.map((route) => route.model)).toEqual(['chat', 'embed']);
  });

  it('answers not_found naming the model, with param model', () => {
    const table = new RouteTable({
      routes: [chatRoute()],
      providers: providers('primary', 'secondary', 'big'),
      clock: new ManualClock(),
    });
    expect(() => table.resolve('gpt-5')).toThrow(SlipwayError);
    try {
      table.resolve('gpt-5');
    } catch (error) {
      expect(error).toMatchObject({ code: 'not_found', param: 'model' });
      expect((error as Error).message).toContain('gpt-5');
    }
  });

  it('swaps atomically: a request keeps the version it started with', () => {
    const clock = new ManualClock(1_000);
    const first = providers('primary', 'secondary', 'big');
    const table = new RouteTable({ routes: [chatRoute()], providers: first, clock });
    const inFlight = table.current();

    clock.advance(5_000);
    const second = providers('other');
    const previous = table.replace(
      [chatRoute({ targets: [{ providerId: 'other', model: 'o', weight: 1 }], contextFallbacks: [] })],
      second,
    );

    expect(previous).toBe(inFlight);
    expect(inFlight.resolve('chat').targets[0]?.providerId).toBe('primary');
    expect(inFlight.provider('primary')).toBe(first.get('primary'));
    expect(table.current().resolve('chat').targets[0]?.providerId).toBe('other');
    expect(table.current().provider('other')).toBe(second.get('other'));
    expect(table.current().loadedAt).toBe(6_000);
    expect(() => table.current().provider('primary')).toThrow(/primary/);
  });

  it('refuses inconsistent routes and keeps the current version', () => {
    const table = new RouteTable({
      routes: [chatRoute()],
      providers: providers('primary', 'secondary', 'big'),
      clock: new ManualClock(),
    });
    const before = table.current();
    expect(() => table.replace([chatRoute(), chatRoute()], providers('primary', 'secondary', 'big'))).toThrow(
      /Two routes/,
    );
    expect(() =>
      table.replace([chatRoute({ targets: [] })], providers('primary', 'secondary', 'big')),
    ).toThrow(/no target/);
    expect(() => table.replace([chatRoute()], providers('primary', 'secondary'))).toThrow(
      /unknown provider big/,
    );
    expect(table.current()).toBe(before);
  });

  it('copies and freezes the routes it is given', () => {
    const route = chatRoute();
    const table = new RouteTable({
      routes: [route],
      providers: providers('primary', 'secondary', 'big'),
      clock: new ManualClock(),
    });
    route.targets.pop();
    const held = table.resolve('chat');
    expect(held.targets).toHaveLength(2);
    expect(Object.isFrozen(held.targets[0])).toBe(true);
  });
});
