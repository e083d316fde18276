import { STATUS_LABEL } from '../lib/labels.ts';
import { STATUSES, type TicketStatus } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';

export function TicketFilters() {
  const { tickets } = useStores();
  const { status, query } = tickets.filter.value;
  return (
    <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <div class="field">
        <label for="filtro-estado">Estado</label>
        <select
          id="filtro-estado"
          value={status}
          onChange={(event) => tickets.setStatus(event.currentTarget.value as TicketStatus | '')}
        >
          <option value="">Todos</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {STATUS_LABEL[value]}
            </option>
          ))}
        </select>
      </div>
      <div class="field field--grow">
        <label for="filtro-texto">Buscar</label>
        <input
          id="filtro-texto"
          type="search"
          placeholder="Número, nombre, teléfono o asunto"
          value={query}
          onInput={(event) => tickets.setQuery(event.currentTarget.value)}
        />
      </div>
    </form>
  );
}
