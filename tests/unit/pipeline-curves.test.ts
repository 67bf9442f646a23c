import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curvesFromLog } from '../../main/services/pipeline-service.ts';

test('loss curves from trainer logs: one curve per sub-model, resumed epochs replaced, junk ignored', () => {
  const log = [
    '{"event":"start","epochs":2}',
    '{"event":"epoch","epoch":1,"train_loss":1.5,"val_loss":1.7}',
    '! [12s] stage-import: {"event":"epoch","epoch":1,"train_loss":2.0,"val_loss":2.2}',
    '! [20s] stage-import: {"event":"epoch","epoch":2,"train_loss":1.0,"val_loss":1.4}',
    'not json {"event":"epoch", broken',
    '{"event":"epoch","epoch":1,"train_loss":1.4,"val_loss":1.6}',
  ].join('\n');
  const curves = curvesFromLog(log, 'classifier');
  assert.deepEqual(curves.map((c) => c.model).sort(), ['classifier', 'stage-import']);
  const clf = curves.find((c) => c.model === 'classifier')!;
  assert.deepEqual(clf.points, [{ epoch: 1, trainLoss: 1.4, valLoss: 1.6 }]);
  assert.equal(curves.find((c) => c.model === 'stage-import')!.points.length, 2);
});
