import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Logger } from 'pino';
import { columnTitle, CSV_COLUMNS, DATE_COLUMNS, type ExportRow } from './export.ts';
import { wallDate } from './local-time.ts';
const WIDTH: Partial<Record<(typeof CSV_COLUMNS)[number], number>> = { numero: 14, telefono: 16, nombre: 24, asunto: 40, tecnico: 20 };

/**
 * A real workbook, written row by row as the pages arrive (exceljs' streaming writer commits
 * each row to the zip): numbers are numbers and dates are Excel dates, not text. An Excel date
 * has no zone and exceljs writes a Date's UTC fields, so each cell gets a Date whose UTC fields
 * are the wall time in `zone`; the header of those columns names the zone.
 */
export function xlsxStream(rows: AsyncIterable<ExportRow>, zone: string, log: Logger): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Tickets', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = CSV_COLUMNS.map((key) => ({
    header: columnTitle(key, zone),
    key,
    width: WIDTH[key] ?? (DATE_COLUMNS.has(key) ? 30 : 12),
    style: DATE_COLUMNS.has(key) ? { numFmt: 'yyyy-mm-dd hh:mm' } : {},
  }));
  void (async () => {
    for await (const row of rows) {
      sheet
        .addRow({
          ...row,
          creado: wallDate(row.creado, zone),
          ultimo_mensaje: row.ultimo_mensaje ? wallDate(row.ultimo_mensaje, zone) : null,
          resuelto: row.resuelto ? wallDate(row.resuelto, zone) : null,
        })
        .commit();
    }
    sheet.commit();
    await workbook.commit();
  })().catch((err) => {
    log.error({ err }, 'xlsx export failed');
    out.destroy(err as Error);
  });
  return out;
}
