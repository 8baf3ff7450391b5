import { encode } from 'uqr';

/**
 * A QR code for a pairing code or a share link, drawn as one SVG path (no innerHTML: the value can come from a
 * peer). The quiet zone is the library's border; colours are fixed black on white whatever the theme, because
 * phone cameras read inverted codes badly.
 */
export function QrCode({ value, label, size = 192 }: { value: string; label: string; size?: number }) {
  const qr = encode(value, { border: 2, ecc: 'M' });
  let d = '';
  qr.data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    }),
  );
  return (
    <svg
      className="qr-code"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${qr.size} ${qr.size}`}
      shapeRendering="crispEdges"
    >
      <rect width={qr.size} height={qr.size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
