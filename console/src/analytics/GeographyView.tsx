// Geography: customers and buyers by country as bars, with revenue and conversion; a country's
// regions the same way once it is chosen.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useGeography } from '../api/analytics-queries';
import { Empty, Loading, ProblemView } from '../components/states';
import { money, percent } from './period';

interface Place {
  name: string;
  customers: number;
  buyers: number;
  revenue: number;
  conversion: number;
}

function PlaceChart(props: { places: Place[]; label: string }) {
  return (
    <figure className="chart" aria-label={props.label}>
      <figcaption>{props.label}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={props.places}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="name" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          <Legend />
          <Bar dataKey="customers" name="Customers" fill="#94a3b8" isAnimationActive={false} />
          <Bar dataKey="buyers" name="Ordered in the period" fill="#2563eb" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <table className="compact">
        <tbody>
          {props.places.map((p) => (
            <tr key={p.name} data-place={p.name}>
              <th scope="row">{p.name}</th>
              <td className="number">{p.customers} customers</td>
              <td className="number">{p.buyers} ordered</td>
              <td className="number">{percent(p.conversion)}</td>
              <td className="number">revenue {money(p.revenue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

const named = (name: string | null) => name ?? 'unknown';

export function GeographyView(props: { period: { from: string; to: string } }) {
  const geography = useGeography(props.period);
  const [country, setCountry] = useState<string>();
  const countries = geography.data?.countries ?? [];
  const chosen = countries.find((c) => named(c.country) === country) ?? countries[0];
  return (
    <section aria-label="Geography">
      <h2>Geography</h2>
      {geography.isPending && <Loading what="the geography" />}
      {geography.isError && <ProblemView error={geography.error} />}
      {geography.data && countries.length === 0 && <Empty>No customer has a country yet.</Empty>}
      {chosen && (
        <>
          <PlaceChart label="By country" places={countries.map((c) => ({ ...c, name: named(c.country) }))} />
          <label>
            Show regions of{' '}
            <select value={named(chosen.country)} onChange={(e) => setCountry(e.target.value)}>
              {countries.map((c) => (
                <option key={named(c.country)}>{named(c.country)}</option>
              ))}
            </select>
          </label>
          <PlaceChart
            label={`Regions of ${named(chosen.country)}`}
            places={chosen.regions.map((r) => ({ ...r, name: named(r.region) }))}
          />
        </>
      )}
    </section>
  );
}
