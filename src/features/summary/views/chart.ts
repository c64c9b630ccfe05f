import type * as NapiCanvas from '@napi-rs/canvas';
import type * as ChartJs from 'chart.js';
import { createRequire } from 'node:module';
import type { Canvas } from '@napi-rs/canvas';
import type { ChartConfiguration } from 'chart.js';
import { canvasKit } from '../../../render/canvas';

/**
 * The summary's chart as a PNG: reports by category this week and last (bars) above an
 * eight-week trend of the three rates (lines). chart.js draws on @napi-rs/canvas in-process,
 * with the CJK font of src/render/canvas.ts.
 */
/**
 * Sized for a phone: Telegram shows a photo about 360 px wide, so this 960 px page is drawn at
 * ~0.4 scale and its 30 px letters read as 12 px ones. Portrait (960 × 1440), as a wider page
 * would shrink further; categories are horizontal bars so long CJK names stay on one line.
 */
const WIDTH = 960;
const PART_HEIGHT = 720;
export const FONT = { body: 30, title: 36 } as const;
/** The committee's target for the three rates (满意率 ≥ 90%): the chart draws it as a dashed line. */
export const TARGET_RATE = 90;

export interface ChartInput {
  title: string;
  categories: { label: string; thisWeek: number; lastWeek: number }[];
  /** Oldest first; rates in percent, null when nothing was due or rated that week. */
  trend: { label: string; response: number | null; resolution: number | null; satisfaction: number | null }[];
  labels: {
    byCategory: string;
    thisWeek: string;
    lastWeek: string;
    trend: string;
    response: string;
    resolution: string;
    satisfaction: string;
    nothing: string;
    target: string;
  };
}

type Libraries = { canvas: typeof NapiCanvas; chart: typeof ChartJs };
let libraries: Libraries | undefined;

/** Loads chart.js on first use, not at start: the bot draws once a week. */
function setUp(): Libraries {
  if (libraries) return libraries;
  const require = createRequire(import.meta.url);
  const { canvas, fontStack } = canvasKit();
  const chart = require('chart.js') as Libraries['chart'];
  const { Chart, registerables } = chart;
  Chart.register(...registerables);
  Chart.defaults.font.family = fontStack;
  Chart.defaults.font.size = FONT.body;
  Chart.defaults.color = '#333';
  libraries = { canvas, chart };
  return libraries;
}

/** Draws one chart onto the page at a height (destroying a chart clears its canvas, so copy first). */
function draw({ canvas: { createCanvas }, chart: { Chart } }: Libraries, page: Canvas, top: number, config: ChartConfiguration): void {
  const canvas = createCanvas(WIDTH, PART_HEIGHT);
  const chart = new Chart(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 },
  });
  chart.draw();
  page.getContext('2d').drawImage(canvas, 0, top);
  chart.destroy();
}

/**
 * A phone-sized page of charts, one above the other, each PART_HEIGHT tall, as a PNG with the
 * CJK fonts set up. The summary draws two; a poll's result (src/features/polls) draws its own.
 */
export function renderCharts(configs: ChartConfiguration[]): Buffer {
  const libs = setUp();
  const page = libs.canvas.createCanvas(WIDTH, PART_HEIGHT * configs.length);
  const ctx = page.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, WIDTH, PART_HEIGHT * configs.length);
  configs.forEach((config, i) => draw(libs, page, PART_HEIGHT * i, config));
  return page.toBuffer('image/png');
}

export function renderChart(input: ChartInput): Buffer {
  const categories = input.categories.length > 0 ? input.categories : [{ label: input.labels.nothing, thisWeek: 0, lastWeek: 0 }];
  const bars: ChartConfiguration = {
    type: 'bar',
    data: {
      // The eight largest: more bars would be too thin to read on a phone.
      labels: categories.slice(0, 8).map((c) => c.label),
      datasets: [
        {
          label: input.labels.thisWeek,
          data: categories.slice(0, 8).map((c) => c.thisWeek),
          backgroundColor: '#e53935',
          maxBarThickness: 48,
        },
        {
          label: input.labels.lastWeek,
          data: categories.slice(0, 8).map((c) => c.lastWeek),
          backgroundColor: '#b0bec5',
          maxBarThickness: 48,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      layout: { padding: { left: 16, right: 48, top: 8 } },
      plugins: {
        title: { display: true, text: [input.title, input.labels.byCategory], font: { size: FONT.title, weight: 'bold' } },
        legend: { position: 'bottom', labels: { boxWidth: 36, padding: 24 } },
      },
      scales: { x: { beginAtZero: true, grace: '5%', ticks: { precision: 0 } } },
    },
  };
  const line = (label: string, key: 'response' | 'resolution' | 'satisfaction', color: string) => ({
    label,
    data: input.trend.map((w) => w[key]),
    borderColor: color,
    backgroundColor: color,
    borderWidth: 5,
    pointRadius: 8,
    spanGaps: true,
    // A point at 100% is drawn whole, over the chart's top edge.
    clip: false as const,
  });
  const trend: ChartConfiguration = {
    type: 'line',
    data: {
      labels: input.trend.map((w) => w.label),
      datasets: [
        line(input.labels.response, 'response', '#1e88e5'),
        line(input.labels.resolution, 'resolution', '#43a047'),
        line(input.labels.satisfaction, 'satisfaction', '#fb8c00'),
        {
          label: input.labels.target,
          data: input.trend.map(() => TARGET_RATE),
          borderColor: '#616161',
          backgroundColor: '#616161',
          borderWidth: 3,
          borderDash: [14, 10],
          pointRadius: 0,
        },
      ],
    },
    options: {
      layout: { padding: { left: 16, right: 48, top: 8 } },
      plugins: {
        title: { display: true, text: input.labels.trend, font: { size: FONT.title, weight: 'bold' } },
        legend: { position: 'bottom', labels: { boxWidth: 36, padding: 20 } },
      },
      scales: { x: { offset: true }, y: { min: 0, max: 100, ticks: { stepSize: 20, callback: (v) => `${v}%` } } },
    },
  };
  return renderCharts([bars, trend]);
}
