// After a failed signal, ingestion skips inline delivery (the relay has the event) until one
// probe, let through after the pause, succeeds.
import { createDeliveryBreaker } from '../../src/ingestion/delivery-breaker';

test('a failure stops inline delivery; after the pause one probe goes through, and its success reopens the way', () => {
  let now = 0;
  const breaker = createDeliveryBreaker(1000, () => now);
  expect([breaker.allow(), breaker.allow(), breaker.open()]).toEqual([true, true, false]);
  breaker.failed();
  now = 999;
  expect([breaker.open(), breaker.allow()]).toEqual([true, false]);
  now = 1000;
  expect([breaker.allow(), breaker.allow()]).toEqual([true, false]); // one probe at a time
  breaker.failed(); // the probe failed: another pause
  now = 1500;
  expect(breaker.allow()).toBe(false);
  now = 2000;
  expect(breaker.allow()).toBe(true);
  breaker.succeeded();
  expect([breaker.open(), breaker.allow(), breaker.allow()]).toEqual([false, true, true]);
});
