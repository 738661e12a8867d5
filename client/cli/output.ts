/**
 * How the CLI prints: borderless aligned tables for people (kubectl's look), JSON or YAML for
 * scripts, and the small formatters (age, duration) tables use. Pure, so it is unit-tested.
 *
 * @module
 */
import Table from 'cli-table3';
import { stringify } from 'yaml';
import { formatDuration } from '../../api/meta.js';
import type { OutputFormat } from './context.js';

const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
};

/** An aligned table with an upper-case header and no borders; trailing spaces trimmed. */
export function renderTable(head: string[], rows: string[][]): string {
  const table = new Table({
    head: head.map((h) => h.toUpperCase()),
    chars: NO_BORDER,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows);
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

/** Data for scripts: JSON (two-space indent) or YAML. */
export function renderData(format: Exclude<OutputFormat, 'table'>, data: unknown): string {
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : stringify(data);
}

/**
 * Age as kubectl shows it: `45s`, `12m`, `5h`, `3d`; `-` when unknown.
 *
 * @example formatAge('2026-01-01T00:00:00Z', new Date('2026-01-01T00:05:00Z')) // '5m'
 */
export function formatAge(since: string | undefined, now: Date): string {
  if (!since) return '-';
  const seconds = Math.floor((now.getTime() - Date.parse(since)) / 1000);
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 120) return `${Math.max(0, seconds)}s`;
  if (seconds < 7_200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3_600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/**
 * A duration rounded for reading: `850ms`, `1.2s`, `2m3s`.
 *
 * @example formatElapsed(1234) // '1.2s'
 */
export function formatElapsed(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toFixed(1)}s`;
  return formatDuration(Math.round(ms / 1_000) * 1_000);
}

/** Cuts `text` to `max` characters with an ellipsis; one line. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
