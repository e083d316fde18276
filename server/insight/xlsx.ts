import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Logger } from 'pino';
import { CSV_COLUMNS, type ExportRow } from './export.ts';

const DATE_COLUMNS = new Set<string>(['creado', 'ultimo_mensaje', 'resuelto']);
const WIDTH: Partial<Record<(typeof CSV_COLUMNS)[number], number>> = { numero: 14, telefono: 16, nombre: 24, asunto: 40, tecnico: 20 };

/**
 * A real workbook, written row by row as the pages arrive (exceljs' streaming writer commits
 * each row to the zip): numbers are numbers and dates are Excel dates, not text.
 */
export function xlsxStream(rows: AsyncIterable<ExportRow>, log: Logger): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Tickets', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = CSV_COLUMNS.map((key) => ({
    header: key,
    key,
    width: WIDTH[key] ?? (DATE_COLUMNS.has(key) ? 18 : 12),
    style: DATE_COLUMNS.has(key) ? { numFmt: 'yyyy-mm-dd hh:mm' } : {},
  }));
  void (async () => {
    for await (const row of rows) {
      sheet
        .addRow({
          ...row,
          creado: new Date(row.creado),
          ultimo_mensaje: row.ultimo_mensaje ? new Date(row.ultimo_mensaje) : null,
          resuelto: row.resuelto ? new Date(row.resuelto) : null,
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
