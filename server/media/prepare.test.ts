import ExcelJS from 'exceljs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { docx, exe, pdf, pdfOfSize, photoWithGps, pixelFloodPng, smallPng } from '../../test/support/files.ts';
import { MAX_FILE_BYTES, prepareFile } from './prepare.ts';
import { sanitizeFilename } from './names.ts';

async function xlsx(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('Hoja').addRow(['equipo', 'falla']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('prepareFile', () => {
  it('scales a 4000×3000 photo to fit 1920 px, re-encodes it as JPEG q80 and drops EXIF and GPS', async () => {
    const input = await photoWithGps();
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const result = await prepareFile(input, 'IMG_2031.JPG');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const meta = await sharp(result.file.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1920, 1440]);
    expect(meta.exif).toBeUndefined();
    expect(result.file.bytes.includes(Buffer.from('PuentePhone'))).toBe(false);
    expect(result.file).toMatchObject({ mimetype: 'image/jpeg', filename: 'IMG_2031.jpg' });
  });

  it('strips EXIF from a photo within bounds without resizing it', async () => {
    const result = await prepareFile(await photoWithGps(800, 600), 'foto.jpeg');
    if (!result.ok) throw new Error(result.reason);
    const meta = await sharp(result.file.bytes).metadata();
    expect([meta.width, meta.height, meta.exif]).toEqual([800, 600, undefined]);
    expect(result.file.filename).toBe('foto.jpg');
  });

  it('keeps a clean small PNG byte for byte', async () => {
    const input = await smallPng();
    const result = await prepareFile(input, 'captura.png');
    if (!result.ok) throw new Error(result.reason);
    expect(result.file.bytes.equals(input)).toBe(true);
    expect(result.file.mimetype).toBe('image/png');
  });

  it('re-encodes an oversize PNG as JPEG and renames it to match', async () => {
    const result = await prepareFile(await smallPng(3000, 1000), 'pantalla.png');
    if (!result.ok) throw new Error(result.reason);
    expect(result.file).toMatchObject({ mimetype: 'image/jpeg', filename: 'pantalla.jpg' });
    expect((await sharp(result.file.bytes).metadata()).width).toBe(1920);
  });

  it.each([
    ['a PDF', () => pdf(), 'guia.pdf', 'application/pdf'],
    ['a Word document', async () => docx(), 'carta.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['an Excel workbook', xlsx, 'inventario.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ])('accepts %s by its content, unchanged', async (_, make, name, mime) => {
    const input = await make();
    const result = await prepareFile(input, name);
    if (!result.ok) throw new Error(result.reason);
    expect(result.file).toEqual({ bytes: input, mimetype: mime, filename: name });
  });

  it('refuses an executable renamed to .pdf: the content decides', async () => {
    expect(await prepareFile(exe(), 'factura.pdf')).toEqual({ ok: false, reason: 'not_allowed' });
  });

  it('refuses a real PDF named as something else', async () => {
    expect(await prepareFile(await pdf(), 'foto.jpg')).toEqual({ ok: false, reason: 'name_mismatch' });
    expect(await prepareFile(await pdf(), 'guia.pdf.exe')).toEqual({ ok: false, reason: 'name_mismatch' });
  });

  it('refuses plain text and HTML, which have no magic bytes to trust', async () => {
    expect(await prepareFile(Buffer.from('<html><script>alert(1)</script></html>'), 'nota.pdf')).toEqual({ ok: false, reason: 'not_allowed' });
  });

  it('refuses a file one byte over 10 MB before looking at it, and accepts exactly 10 MB', async () => {
    expect(await prepareFile(await pdfOfSize(MAX_FILE_BYTES + 1), 'grande.pdf')).toEqual({ ok: false, reason: 'too_large' });
    expect((await prepareFile(await pdfOfSize(MAX_FILE_BYTES), 'grande.pdf')).ok).toBe(true);
  });

  it('refuses a pixel flood (a small PNG declaring 50,000 × 50,000) without decoding it', async () => {
    const flood = pixelFloodPng();
    expect(flood.length).toBeLessThan(100_000);
    const before = process.memoryUsage().rss;
    expect(await prepareFile(flood, 'bomba.png')).toEqual({ ok: false, reason: 'too_many_pixels' });
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses an image whose header is a PNG but whose body is not', async () => {
    const broken = Buffer.concat([(await smallPng()).subarray(0, 40), Buffer.alloc(200, 7)]);
    expect(await prepareFile(broken, 'rota.png')).toMatchObject({ ok: false });
  });
});

describe('sanitizeFilename', () => {
  it.each([
    ['../../etc/passwd.pdf', 'pdf', 'passwd.pdf'],
    ['C:\\Users\\ana\\informe.pdf', 'pdf', 'informe.pdf'],
    ['.htaccess', 'pdf', 'htaccess.pdf'],
    ['informe\u202Efdp.exe', 'pdf', 'informefdp.exe.pdf'],
    ['a<b>:"c|?*.pdf', 'pdf', 'a_b___c___.pdf'],
    ['informe.final', 'pdf', 'informe.final.pdf'],
    ['', 'jpg', 'archivo.jpg'],
    ['   ', 'jpg', 'archivo.jpg'],
  ])('%j → %j', (raw, ext, expected) => {
    expect(sanitizeFilename(raw, ext)).toBe(expected);
  });

  it('keeps names within 120 characters, counting characters not bytes', () => {
    const name = sanitizeFilename(`${'ñ'.repeat(300)}.pdf`, 'pdf');
    expect([...name].length).toBe(120);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});
