import QRCode from 'qrcode';
import { SafeHtml } from './html.js';

// The otpauth:// URI as a QR code in inline SVG markup: no image URL (the CSP keeps img-src
// 'self'), no script, nothing written to disk. The markup is the library's, made of path data
// only; the URI is in it as modules, never as text.

export async function qrSvg(uri: string): Promise<SafeHtml> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  if (!svg.startsWith('<svg ') || /<script|\bon[a-z]+=/i.test(svg)) throw new Error('unexpected QR code markup');
  return new SafeHtml(svg.trim());
}
