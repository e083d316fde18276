import { exportUrl } from '../stores/tickets.ts';
import { useStores } from '../stores/context.ts';

/** CSV, Excel and PDF of exactly the tickets the table's filters select (all pages of them). */
export function ExportLinks() {
  const { tickets } = useStores();
  const filter = tickets.filter.value;
  const filtered = filter.status || filter.priority || filter.category || filter.assigned !== '' || filter.query.trim();
  return (
    <p class="exports" data-testid="export-links">
      {filtered ? 'Exportar los tickets del filtro de la tabla: ' : 'Exportar todos los tickets: '}
      <a href={exportUrl('csv', filter)} download>
        CSV
      </a>{' '}
      ·{' '}
      <a href={exportUrl('xlsx', filter)} download>
        Excel
      </a>{' '}
      ·{' '}
      <a href={exportUrl('pdf', filter)} download>
        PDF
      </a>
    </p>
  );
}
