import { svg } from '../dom.js';

const WIDTH = 160;
const HEIGHT = 36;
const PAD = 2;

/**
 * A small line chart of the last values (null = no value then, drawn as a gap), scaled from 0 (or the lowest value,
 * if negative) to the highest. A dashed line marks the alert threshold when it is within view.
 */
export function sparkline(
  values: readonly (number | null)[],
  capacity: number,
  threshold?: number,
): SVGSVGElement {
  const chart = svg('svg', {
    class: 'sparkline',
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    width: WIDTH,
    height: HEIGHT,
    role: 'img',
    preserveAspectRatio: 'none',
  });
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return chart;
  const low = Math.min(0, ...present);
  const high = Math.max(...present, low + Number.EPSILON);
  const x = (i: number) =>
    PAD + ((WIDTH - 2 * PAD) * (i + capacity - values.length)) / Math.max(1, capacity - 1);
  const y = (v: number) => HEIGHT - PAD - ((HEIGHT - 2 * PAD) * (v - low)) / (high - low);

  if (threshold !== undefined && threshold <= high) {
    chart.append(svg('line', { class: 'threshold', x1: 0, x2: WIDTH, y1: y(threshold), y2: y(threshold) }));
  }
  let run: [number, number][] = [];
  const flush = () => {
    const [only] = run;
    // A value with no neighbour is a dot; a line needs two.
    if (run.length === 1 && only) chart.append(svg('circle', { cx: only[0], cy: only[1], r: 1.5 }));
    if (run.length > 1)
      chart.append(svg('polyline', { points: run.map(([px, py]) => `${px},${py}`).join(' ') }));
    run = [];
  };
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) flush();
    else run.push([Number(x(i).toFixed(1)), Number(y(value).toFixed(1))]);
  });
  flush();
  return chart;
}
