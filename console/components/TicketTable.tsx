import { useStores } from '../stores/context.ts';
import { TicketRow, type RowAction } from './TicketRow.tsx';

interface TableProps {
  onChat: RowAction;
  onHistory: RowAction;
  onNotify: RowAction;
}

const COLUMNS = ['N.º', 'Usuario', 'Asunto', 'Categoría', 'Estado', 'Prioridad', 'SLA', 'Último mensaje', 'Sin leer', 'Acciones'];

export function TicketTable(actions: TableProps) {
  const { tickets } = useStores();
  const list = tickets.tickets.value;
  const empty = !tickets.loaded.value ? 'Cargando tickets…' : 'No hay tickets que coincidan con el filtro.';
  return (
    <div class="table-wrap">
      <table class="tickets" data-testid="tickets-table">
        <caption class="visually-hidden">Tickets de soporte, el de actividad más reciente primero</caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS.length} class="table__empty">
                {empty}
              </td>
            </tr>
          ) : (
            list.map((ticket) => <TicketRow key={ticket.id} ticket={ticket} {...actions} />)
          )}
        </tbody>
      </table>
      <Pager />
    </div>
  );
}

/** The table shows 200 tickets at a time; older activity is a page further. */
function Pager() {
  const { tickets } = useStores();
  const page = tickets.page.value;
  if (page === 1 && !tickets.hasMore.value) return null;
  return (
    <nav class="pager" aria-label="Páginas de tickets">
      <button type="button" class="button button--small button--light" disabled={page === 1} onClick={() => tickets.goToPage(page - 1)}>
        ← Más recientes
      </button>
      <span data-testid="ticket-page">Página {page}</span>
      <button type="button" class="button button--small button--light" disabled={!tickets.hasMore.value} onClick={() => tickets.goToPage(page + 1)}>
        Anteriores →
      </button>
    </nav>
  );
}
