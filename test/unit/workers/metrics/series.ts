import type { Registry } from 'prom-client';

/** The value of the first series of `name` whose labels include `labels` (bucket bounds as strings, e.g. le: '+Inf'). */
export async function seriesValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>
): Promise<number | undefined> {
  const metric = await registry.getSingleMetric(name)?.get();
  const match = metric?.values.find((v) =>
    Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want)
  );
  return match?.value;
}
