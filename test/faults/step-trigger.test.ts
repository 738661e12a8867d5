import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findBoundary } from './step-trigger.js';

const scheduled = (id: number, name: string) => ({
  eventId: id,
  activityTaskScheduledEventAttributes: { activityType: { name } },
});
const completed = (id: number, scheduledEventId: number) => ({
  eventId: id,
  activityTaskCompletedEventAttributes: { scheduledEventId },
});
const localMarker = (id: number, activityType: string) => ({
  eventId: id,
  markerRecordedEventAttributes: {
    markerName: 'core_local_activity',
    details: { data: { payloads: [{ data: Buffer.from(JSON.stringify({ seq: 1, activity_type: activityType })) }] } },
  },
});

describe('fault step boundaries in a workflow history', () => {
  it('finds a normal activity while it runs and after it closed', () => {
    const at = { step: 'apply', activity: 'applyKustomization', occurrence: 1 };
    assert.equal(findBoundary([scheduled(5, 'applyKustomization')], at), 'during');
    assert.equal(findBoundary([scheduled(5, 'applyKustomization'), completed(7, 5)], at), 'after');
    assert.equal(findBoundary([scheduled(5, 'buildKustomization')], at), undefined);
  });

  it('counts local activities by their completion markers, in order with normal ones', () => {
    const at = { step: 'status', activity: 'writeStatus', occurrence: 2 };
    const events = [
      localMarker(3, 'loadKustomization'),
      localMarker(4, 'writeStatus'),
      scheduled(5, 'buildKustomization'),
    ];
    assert.equal(findBoundary(events, at), undefined, 'only one writeStatus so far');
    assert.equal(findBoundary([...events, localMarker(9, 'writeStatus')], at), 'after');
    assert.equal(findBoundary([...events, scheduled(9, 'writeStatus')], at), 'during', 'an older worker schedules it');
  });
});
