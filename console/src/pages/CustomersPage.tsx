// Find a customer by email, loyalty id, anonymous id or id, then open their page.
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ROUTES } from '../../../src/contracts/routes';
import { call } from '../api/client';
import { useSession } from '../api/session';
import { ProblemView } from '../components/states';

const KINDS = [
  ['email', 'Email'],
  ['loyaltyId', 'Loyalty id'],
  ['anonymousId', 'Anonymous id'],
  ['id', 'Customer id'],
] as const;

export function CustomersPage() {
  const { key } = useSession();
  const navigate = useNavigate();
  const [kind, setKind] = useState<(typeof KINDS)[number][0]>('email');
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const find = async () => {
    setError(null);
    try {
      const customer =
        kind === 'id'
          ? await call(key, ROUTES.customers.get, { id: value.trim() })
          : await call(key, ROUTES.customers.lookup, {}, undefined, { [kind]: value.trim() });
      void navigate(`/customers/${encodeURIComponent(customer.id)}`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <>
      <h1>Customers</h1>
      <form
        className="search"
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <label>
          Find by{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
            {KINDS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <input aria-label="Identifier" required value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit" className="primary">
          Find
        </button>
      </form>
      {error !== null && <ProblemView error={error} />}
    </>
  );
}
