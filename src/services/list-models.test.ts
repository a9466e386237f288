import { describe, expect, it } from 'vitest';
import { FakeModelProvider } from '../../test/doubles/fake-model-provider.js';
import { chatRoute, embedRoute } from '../../test/doubles/gateway-harness.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { makeListModels } from './list-models.js';
import { RouteTable } from './route-table.js';

describe('listModels', () => {
  const routeTable = new RouteTable({
    routes: [chatRoute({ description: 'Chat, with a fallback' }), embedRoute()],
    providers: new Map(['primary', 'secondary', 'big'].map((id) => [id, new FakeModelProvider(id)])),
    clock: new ManualClock(1_736_942_400_500),
  });
  const listModels = makeListModels({ routeTable });

  it('lists every route as an OpenAI model owned by slipway, with its description', () => {
    expect(listModels({ allowedModels: null })).toEqual({
      object: 'list',
      data: [
        {
          id: 'chat',
          object: 'model',
          created: 1_736_942_400,
          owned_by: 'slipway',
          description: 'Chat, with a fallback',
        },
        { id: 'embed', object: 'model', created: 1_736_942_400, owned_by: 'slipway' },
      ],
    });
  });

  it('lists only the models the key may use', () => {
    expect(listModels({ allowedModels: ['embed', 'missing'] }).data.map((model) => model.id)).toEqual([
      'embed',
    ]);
  });
});
