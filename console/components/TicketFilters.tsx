import { PRIORITY_LABEL, STATUS_LABEL } from '../lib/labels.ts';
import { PRIORITIES, STATUSES, type Priority, type TicketStatus } from '../lib/types.ts';
import { useStores } from '../stores/context.ts';

export function TicketFilters() {
  const { tickets, session, categories } = useStores();
  const { status, priority = '', query, assigned, category } = tickets.filter.value;
  const me = session.user.value?.id ?? null;
  const assignedValue = assigned === '' ? '' : assigned === 'ninguno' ? 'ninguno' : 'mios';
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
      <div class="field">
        <label for="filtro-prioridad">Prioridad</label>
        <select id="filtro-prioridad" value={priority} onChange={(event) => tickets.setPriority(event.currentTarget.value as Priority | '')}>
          <option value="">Todas</option>
          {PRIORITIES.map((value) => (
            <option key={value} value={value}>
              {PRIORITY_LABEL[value]}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filtro-asignado">Asignación</label>
        <select
          id="filtro-asignado"
          value={assignedValue}
          onChange={(event) => {
            const value = event.currentTarget.value;
            tickets.setAssigned(value === 'mios' && me !== null ? me : value === 'ninguno' ? 'ninguno' : '');
          }}
        >
          <option value="">Todos</option>
          <option value="mios">Mis tickets</option>
          <option value="ninguno">Sin asignar</option>
        </select>
      </div>
      <div class="field">
        <label for="filtro-categoria">Categoría</label>
        <select id="filtro-categoria" value={category} onChange={(event) => tickets.setCategory(event.currentTarget.value)}>
          <option value="">Todas</option>
          {categories.names.value.map((name) => (
            <option key={name} value={name}>
              {name}
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
