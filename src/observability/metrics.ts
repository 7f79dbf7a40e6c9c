/**
 * A tiny Prometheus registry: counters, gauges and summaries (sum and count)
 * with labels, rendered in the text exposition format. Enough for the
 * consumer's /metrics without pulling in a client library.
 */
type Labels = Record<string, string | number>;

interface Series {
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  values: Map<string, { labels: Labels; value: number; count: number }>;
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${String(v).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

export class MetricsRegistry {
  private readonly series = new Map<string, Series>();

  private entry(name: string, type: Series['type'], help: string, labels: Labels) {
    let series = this.series.get(name);
    if (!series) {
      series = { help, type, values: new Map() };
      this.series.set(name, series);
    }
    const key = labelText(labels);
    let value = series.values.get(key);
    if (!value) {
      value = { labels, value: 0, count: 0 };
      series.values.set(key, value);
    }
    return value;
  }

  increment(name: string, help: string, labels: Labels = {}, by = 1): void {
    this.entry(name, 'counter', help, labels).value += by;
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.entry(name, 'gauge', help, labels).value = value;
  }

  observe(name: string, help: string, labels: Labels, value: number): void {
    const entry = this.entry(name, 'summary', help, labels);
    entry.value += value;
    entry.count += 1;
  }

  /** The text exposition format (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    for (const [name, series] of this.series) {
      lines.push(`# HELP ${name} ${series.help}`, `# TYPE ${name} ${series.type}`);
      for (const { labels, value, count } of series.values.values()) {
        if (series.type === 'summary') {
          lines.push(`${name}_sum${labelText(labels)} ${value}`, `${name}_count${labelText(labels)} ${count}`);
        } else {
          lines.push(`${name}${labelText(labels)} ${value}`);
        }
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
