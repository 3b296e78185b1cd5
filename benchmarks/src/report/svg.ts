import { formatRatio } from '../comparison.js';
import type { Comparison, ComparisonGroup } from '../results.js';

/** Returns the latchkey ratio that the group's target requires, which the chart draws as a dashed line. */
export function groupTarget(groupId: string): number | undefined {
  if (groupId.endsWith('-distinct')) return 0.95;
  if (groupId.endsWith('-same')) return 20;
  if (groupId.startsWith('http-express')) return 0.85;
  if (groupId.startsWith('http-fastify')) return 0.6;
  return undefined;
}

const layout = {
  width: 960,
  margin: 16,
  labelWidth: 340,
  barAreaWidth: 470,
  barHeight: 16,
  rowGap: 6,
  titleHeight: 30,
  axisHeight: 22,
  panelGap: 18,
};

const colors = {
  latchkey: '#2563eb',
  reference: '#9ca3af',
  peer: '#f59e0b',
  target: '#dc2626',
  text: '#111827',
  muted: '#6b7280',
  range: '#111827',
};

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function barColor(comparison: Comparison): string {
  if (comparison.id.includes('latchkey')) return colors.latchkey;
  if (comparison.id.startsWith('floor')) return colors.reference;
  return colors.peer;
}

/** Largest value a panel must show: every ratio and range end, the target and the baseline at 1. */
function panelMaximum(group: ComparisonGroup): number {
  const values = group.comparisons.flatMap((comparison) => [comparison.ratio, comparison.roundRatio.max]).filter(Number.isFinite);

  return Math.max(1, groupTarget(group.id) ?? 0, ...values) * 1.08;
}

function panelHeight(group: ComparisonGroup): number {
  return layout.titleHeight + group.comparisons.length * (layout.barHeight + layout.rowGap) + layout.axisHeight;
}

type Anchor = 'start' | 'end';

/** Draws a dashed vertical line with its label below, on the side that `anchor` picks so that two close lines keep readable labels. */
function verticalLine(x: number, top: number, bottom: number, color: string, dash: string, label: string, anchor: Anchor): string {
  const textX = anchor === 'start' ? x + 3 : x - 3;

  return [
    `<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="${color}" stroke-width="1.5" stroke-dasharray="${dash}"/>`,
    `<text x="${textX.toFixed(1)}" y="${bottom + 14}" fill="${color}" text-anchor="${anchor}">${escapeXml(label)}</text>`,
  ].join('\n');
}

function barRow(comparison: Comparison, y: number, scale: (value: number) => number): string {
  const x0 = scale(0);
  const label = `<text x="${layout.margin + layout.labelWidth - 8}" y="${y + layout.barHeight - 4}" fill="${colors.text}" text-anchor="end">${escapeXml(comparison.label)}</text>`;

  if (!Number.isFinite(comparison.ratio)) {
    return `${label}\n<text x="${x0 + 4}" y="${y + layout.barHeight - 4}" fill="${colors.target}">not measured: see the tables</text>`;
  }

  const width = Math.max(1, scale(comparison.ratio) - x0);
  const middle = y + layout.barHeight / 2;
  const rangeStart = scale(comparison.roundRatio.min);
  const rangeEnd = scale(comparison.roundRatio.max);

  return [
    label,
    `<rect x="${x0}" y="${y}" width="${width.toFixed(1)}" height="${layout.barHeight}" fill="${barColor(comparison)}"/>`,
    `<line x1="${rangeStart.toFixed(1)}" y1="${middle}" x2="${rangeEnd.toFixed(1)}" y2="${middle}" stroke="${colors.range}" stroke-width="1"/>`,
    `<text x="${(Math.max(x0 + width, rangeEnd) + 6).toFixed(1)}" y="${y + layout.barHeight - 4}" fill="${colors.text}">${formatRatio(comparison.ratio)}</text>`,
  ].join('\n');
}

function panel(group: ComparisonGroup, top: number): string {
  const maximum = panelMaximum(group);
  const left = layout.margin + layout.labelWidth;
  const scale = (value: number) => left + (Math.max(0, value) / maximum) * layout.barAreaWidth;
  const barsTop = top + layout.titleHeight;
  const barsBottom = barsTop + group.comparisons.length * (layout.barHeight + layout.rowGap);
  const parts = [`<text x="${layout.margin}" y="${top + 18}" font-weight="bold" fill="${colors.text}">${escapeXml(`${group.title}, ratio to ${group.baselineLabel}`)}</text>`];

  group.comparisons.forEach((comparison, index) => {
    parts.push(barRow(comparison, barsTop + index * (layout.barHeight + layout.rowGap), scale));
  });

  const target = groupTarget(group.id);
  const targetBelowOne = target !== undefined && target < 1;

  parts.push(verticalLine(scale(1), barsTop - 4, barsBottom, colors.muted, '2 3', '1', targetBelowOne ? 'start' : 'end'));

  if (target !== undefined) {
    parts.push(verticalLine(scale(target), barsTop - 4, barsBottom, colors.target, '6 3', `target ${formatRatio(target)}`, targetBelowOne ? 'end' : 'start'));
  }

  return parts.join('\n');
}

function legend(top: number): string {
  const items: Array<[string, string]> = [
    [colors.latchkey, 'latchkey'],
    [colors.peer, 'peer library or middleware'],
    [colors.reference, 'threadpool floor'],
  ];

  return items
    .map(([color, text], index) => {
      const x = layout.margin + index * 230;
      return `<rect x="${x}" y="${top}" width="12" height="12" fill="${color}"/><text x="${x + 18}" y="${top + 11}" fill="${colors.text}">${escapeXml(text)}</text>`;
    })
    .join('\n');
}

/**
 * Renders a horizontal bar chart with one panel per group: each bar is an entry's ratio of medians,
 * the thin line across it spans the per-round ratios, and dashed lines mark 1 and the target.
 */
export function renderRatioChart(groups: readonly ComparisonGroup[], subtitle: string): string {
  const parts: string[] = [];
  let top = layout.margin;

  parts.push(`<text x="${layout.margin}" y="${top + 16}" font-size="16" font-weight="bold" fill="${colors.text}">latchkey benchmarks: ratio to the floor or to the plain framework</text>`);
  parts.push(`<text x="${layout.margin}" y="${top + 36}" fill="${colors.muted}">${escapeXml(subtitle)}</text>`);
  parts.push(legend(top + 48));
  top += 76;

  for (const group of groups) {
    parts.push(panel(group, top));
    top += panelHeight(group) + layout.panelGap;
  }

  const height = top + layout.margin;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${height}" viewBox="0 0 ${layout.width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    '<title>latchkey benchmarks: ratio of each entry to the node:crypto floor or to the framework without authentication</title>',
    `<rect width="${layout.width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
