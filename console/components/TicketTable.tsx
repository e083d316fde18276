import { useStores } from '../stores/context.ts';
import { TicketRow, type RowAction } from './TicketRow.tsx';

interface TableProps {
  onChat: RowAction;
  onHistory: RowAction;
  onNotify: RowAction;
}

const COLUMNS = ['N.º', 'Usuario', 'Asunto', 'Categoría', 'Estado', 'Prioridad', 'Último mensaje', 'Sin leer', 'Acciones'];

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
    </div>
  );
}
