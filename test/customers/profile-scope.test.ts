// pickFields: a profile cut down to the paths a condition reads, for the workflow's history.
import { pickFields } from '../../src/customers/profile-scope';

const scope = {
  profile: {
    email: 'simona@example.com',
    tier: 'gold',
    address: { city: 'Ljubljana', street: 'Trubarjeva 1' },
    timezone: null,
  },
  traits: { orderCount: 3, totalSpent: 240 },
};

test('keeps only the named profile and traits paths, nested ones included, and nulls as null', () => {
  expect(pickFields(scope, ['profile.tier', 'profile.address.city', 'traits.orderCount', 'profile.timezone'])).toEqual({
    profile: { tier: 'gold', address: { city: 'Ljubljana' }, timezone: null },
    traits: { orderCount: 3 },
  });
});

test('ignores event paths, missing paths and paths through prototypes', () => {
  expect(
    pickFields(scope, [
      'event.properties.total',
      'profile.missing.deeper',
      'profile.__proto__',
      'profile.toString',
      'traits',
    ]),
  ).toEqual({
    profile: {},
    traits: {},
  });
});
