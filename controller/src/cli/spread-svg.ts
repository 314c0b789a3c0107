/**
 * The load-spread view as a self-contained SVG: an hour x minute heat map of one day (one row
 * per 60 minutes that pass, as in the terminal chart), runs per hour as bars on the right, a
 * title, axis labels and a legend. Only generic font families are named, so it renders the
 * same without downloading anything; every cell has a <title> tooltip naming its CronJobs.
 */
import { MinuteSlot, minuteLabel, spreadRows } from './spread';
import { dayLengthNote, dayTitle, SpreadReport, verdict } from './spread-report';

const WIDTH = 1040;
const LEFT = 60;
const TOP = 100;
const CELL_W = 14;
const CELL_H = 16;
const CELLS = 60;
const GRID_W = CELLS * CELL_W;
const BARS_X = LEFT + GRID_W + 20;
const BAR_MAX_W = 80;
// The generic family only: every renderer maps it to a font it has, nothing is downloaded.
const FONT = 'font-family="sans-serif"';
const BACKGROUND = '#ffffff';
const TEXT = '#1f2328';
const MUTED = '#57606a';
const BAR = '#4c78a8';

/** Fill per number of runs in a minute: none, one (fine), then warmer as more runs collide. */
const SCALE: ReadonlyArray<{ readonly min: number; readonly fill: string; readonly label: string }> = [
  { min: 0, fill: '#eef1f5', label: 'no run' },
  { min: 1, fill: '#6fbf73', label: '1 run' },
  { min: 2, fill: '#ffd54f', label: '2 runs' },
  { min: 3, fill: '#fb8c00', label: '3 runs' },
  { min: 4, fill: '#d32f2f', label: '4 or more' },
];

/** The SVG document for `report`. */
export function renderSpreadSvg(report: SpreadReport): string {
  const rows = spreadRows(report.spread);
  const gridBottom = TOP + rows.length * CELL_H;
  const height = gridBottom + 70;
  const maxTotal = Math.max(1, ...rows.map(row => rowTotal(row.minutes)));
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="${WIDTH}" height="${height}" fill="${BACKGROUND}"/>`,
    ...titleLines(report),
    ...minuteAxis(),
    ...rows.flatMap((row, r) => {
      const y = TOP + r * CELL_H;
      const total = rowTotal(row.minutes);
      const barWidth = Math.round((total / maxTotal) * BAR_MAX_W);
      return [
        text(LEFT - 8, y + 12, row.label, 11, 'end', MUTED),
        ...(row.newOffset ? offsetMarker(y, row.newOffset) : []),
        ...row.minutes.map((slot, m) => cellRect(report, slot, LEFT + m * CELL_W, y)),
        `<rect x="${BARS_X}" y="${y + 2}" width="${barWidth}" height="${CELL_H - 4}" fill="${BAR}"><title>${escape(`${row.label}: ${total} runs`)}</title></rect>`,
        text(BARS_X + barWidth + 4, y + 12, String(total), 10, 'start', MUTED),
      ];
    }),
    text(LEFT + GRID_W / 2, gridBottom + 22, 'minute of the hour', 12, 'middle', MUTED),
    `<text x="16" y="${(TOP + gridBottom) / 2}" ${FONT} font-size="12" fill="${MUTED}" text-anchor="middle" transform="rotate(-90 16 ${(TOP + gridBottom) / 2})">${escape(`hour (${report.spread.zone})`)}</text>`,
    ...legend(gridBottom + 50),
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}

function titleLines(report: SpreadReport): string[] {
  const details = [`${report.spread.workloadCount} CronJobs`, dayLengthNote(report.spread), ...report.leftOut.map(l => `not counted: ${l.id} (${l.reason})`)]
    .filter((s): s is string => s !== undefined);
  return [
    `<text x="20" y="30" ${FONT} font-size="18" font-weight="bold" fill="${TEXT}">${escape(`Runs per minute on ${dayTitle(report.spread)}`)}</text>`,
    text(20, 52, verdict(report), 13, 'start', report.summary.peak > 1 ? '#b35900' : '#2e7d32'),
    text(20, 70, details.join(' · '), 11, 'start', MUTED),
  ];
}

/** A dashed line over the row where the clocks change, labelled with the new UTC offset. */
function offsetMarker(y: number, offset: string): string[] {
  return [
    `<line x1="${LEFT - 30}" y1="${y - 0.5}" x2="${LEFT + GRID_W}" y2="${y - 0.5}" stroke="${TEXT}" stroke-width="1.5" stroke-dasharray="4 3"><title>${escape(`clocks now at ${offset}`)}</title></line>`,
  ];
}

function minuteAxis(): string[] {
  const labels: string[] = [];
  for (let m = 0; m < CELLS; m += 5) {
    labels.push(text(LEFT + m * CELL_W + CELL_W / 2, TOP - 6, String(m), 10, 'middle', MUTED));
  }
  labels.push(text(BARS_X, TOP - 6, 'runs per hour', 10, 'start', MUTED));
  return labels;
}

function cellRect(report: SpreadReport, slot: MinuteSlot, x: number, y: number): string {
  const count = slot.workloads.length;
  const tip = count === 0
    ? `${minuteLabel(report.spread, slot)}: no run`
    : `${minuteLabel(report.spread, slot)}: ${count} run${count === 1 ? '' : 's'}: ${slot.workloads.join(', ')}`;
  return `<rect x="${x}" y="${y}" width="${CELL_W - 1}" height="${CELL_H - 1}" fill="${fillFor(count)}"><title>${escape(tip)}</title></rect>`;
}

function legend(y: number): string[] {
  return SCALE.flatMap((step, i) => {
    const x = LEFT + i * 120;
    return [
      `<rect x="${x}" y="${y - 11}" width="${CELL_W - 1}" height="${CELL_H - 1}" fill="${step.fill}"/>`,
      text(x + CELL_W + 4, y, step.label, 11, 'start', MUTED),
    ];
  });
}

function fillFor(count: number): string {
  return [...SCALE].reverse().find(step => count >= step.min)!.fill;
}

function rowTotal(minutes: readonly MinuteSlot[]): number {
  return minutes.reduce((sum, slot) => sum + slot.workloads.length, 0);
}

function text(x: number, y: number, content: string, size: number, anchor: 'start' | 'middle' | 'end', fill: string): string {
  return `<text x="${x}" y="${y}" ${FONT} font-size="${size}" fill="${fill}" text-anchor="${anchor}">${escape(content)}</text>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
