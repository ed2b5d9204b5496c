// JSON number text as the real API (.NET) writes it: doubles that are whole keep a `.0`
// (samples: "price":0.0), integers are plain.

export function float(x: number, decimals: number): string {
  const r = Math.round(x * 10 ** decimals) / 10 ** decimals;
  const v = r === 0 ? 0 : r; // never "-0.0"
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

export function int(x: number): string {
  const r = Math.round(x);
  return r === 0 ? '0' : String(r);
}

export const str = (s: string): string => JSON.stringify(s);
