import qrcode from 'qrcode-generator';

/**
 * An SVG QR code (ISO/IEC 18004, error correction M) for an `otpauth://` URI, drawn by
 * qrcode-generator (pure JS, no native build). Scalable: the console sizes it with CSS.
 */
export function qrSvg(text: string): string {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  return qr.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}
