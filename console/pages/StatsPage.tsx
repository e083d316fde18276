import { useEffect, useMemo } from 'preact/hooks';
import { ExportLinks } from '../components/ExportLinks.tsx';
import { PRIORITY_LABEL, STATUS_LABEL } from '../lib/labels.ts';
import { useStores } from '../stores/context.ts';
import { createStatsStore, type Statistics } from '../stores/stats.ts';

const number = new Intl.NumberFormat('es-MX', { maximumFractionDigits: 1 });
const orDash = (value: number | null, unit: string) => (value === null ? '—' : `${number.format(value)} ${unit}`);

/** The manager's weekly view: figures for a period as bar charts, each with its table beneath. */
export default function StatsPage() {
  const { api } = useStores();
  const store = useMemo(() => createStatsStore(api), [api]);
  useEffect(() => {
    store.start();
    return store.stop;
  }, [store]);
  const stats = store.stats.value;

  return (
    <section class="page" aria-labelledby="stats-title">
      <div class="page__header">
        <div>
          <h1 id="stats-title">Estadísticas</h1>
          <p class="muted">
            Tickets creados en el periodo (días completos{stats ? `, zona horaria ${stats.zona_horaria}` : ''}).
          </p>
        </div>
        <form
          class="stats__period"
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            void store.setPeriod(String(form.get('desde')), String(form.get('hasta')));
          }}
        >
          <div class="field">
            <label for="stats-desde">Desde</label>
            <input id="stats-desde" name="desde" type="date" required value={store.desde.value} />
          </div>
          <div class="field">
            <label for="stats-hasta">Hasta</label>
            <input id="stats-hasta" name="hasta" type="date" required value={store.hasta.value} />
          </div>
          <button type="submit" class="button">Ver periodo</button>
        </form>
      </div>
      {store.error.value && <p class="banner banner--error" role="alert">{store.error.value}</p>}
      {!stats ? (
        <p role="status">Cargando…</p>
      ) : (
        <>
          <dl class="stats__figures" data-testid="stats-figures">
            <Figure label="Tickets" value={number.format(stats.total)} />
            <Figure label="Con mensajes sin leer" value={number.format(stats.sin_leer)} />
            <Figure label="Primera respuesta (mediana)" value={orDash(stats.primera_respuesta_mediana_min, 'min')} />
            <Figure label="Resolución (mediana)" value={orDash(stats.resolucion_mediana_h, 'h')} />
            <Figure label="SLA vencido: 1.ª respuesta" value={number.format(stats.sla_incumplidos.primera_respuesta)} breach={stats.sla_incumplidos.primera_respuesta > 0} />
            <Figure label="SLA vencido: resolución" value={number.format(stats.sla_incumplidos.resolucion)} breach={stats.sla_incumplidos.resolucion > 0} />
            <Figure
              label={`Satisfacción (${stats.valoraciones} ${stats.valoraciones === 1 ? 'respuesta' : 'respuestas'})`}
              value={orDash(stats.satisfaccion_media, 'de 5')}
            />
          </dl>
          <div class="card-grid">
            <BarChart id="por-estado" title="Por estado" rows={Object.entries(stats.por_estado).map(([k, n]) => [STATUS_LABEL[k as keyof typeof STATUS_LABEL] ?? k, n])} />
            <BarChart id="por-prioridad" title="Por prioridad" rows={Object.entries(stats.por_prioridad).map(([k, n]) => [PRIORITY_LABEL[k as keyof typeof PRIORITY_LABEL] ?? k, n])} />
          </div>
          <Technicians stats={stats} />
          <ExportLinks />
        </>
      )}
    </section>
  );
}

/** A breach count above zero is drawn red; its label already says what it counts. */
function Figure({ label, value, breach = false }: { label: string; value: string; breach?: boolean }) {
  return (
    <div class={`card stats__figure${breach ? ' stats__figure--breach' : ''}`}>
      <dt class="muted">{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** A bar chart drawn with CSS (hidden from screen readers) and the same numbers as a table. */
function BarChart({ id, title, rows }: { id: string; title: string; rows: [string, number][] }) {
  const max = Math.max(1, ...rows.map(([, n]) => n));
  return (
    <figure class="card stats__chart" aria-labelledby={`${id}-title`} data-testid={`chart-${id}`}>
      <figcaption id={`${id}-title`}>
        <h2>{title}</h2>
      </figcaption>
      <div class="bars" aria-hidden="true">
        {rows.map(([label, n]) => (
          <div class="bars__row" key={label}>
            <span class="bars__label">{label}</span>
            <span class="bars__track">
              <span class="bars__bar" style={{ width: `${(n / max) * 100}%` }} />
            </span>
            <span class="bars__value">{n}</span>
          </div>
        ))}
      </div>
      <table class="tickets stats__table">
        <caption class="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{title.replace('Por ', '').replace(/^./, (c) => c.toUpperCase())}</th>
            <th scope="col">Tickets</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, n]) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              <td>{n}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Technicians({ stats }: { stats: Statistics }) {
  return (
    <div class="card stats__people">
      <h2 id="por-tecnico-title">Por técnico</h2>
      <table class="tickets" aria-labelledby="por-tecnico-title" data-testid="stats-technicians">
        <thead>
          <tr>
            <th scope="col">Técnico</th>
            <th scope="col">Tickets asignados</th>
            <th scope="col">Respuestas</th>
            <th scope="col">Primera respuesta (mediana)</th>
          </tr>
        </thead>
        <tbody>
          {stats.por_tecnico.map((person) => (
            <tr key={person.id}>
              <th scope="row">{person.nombre}</th>
              <td>{person.tickets}</td>
              <td>{person.respuestas}</td>
              <td>{orDash(person.primera_respuesta_mediana_min, 'min')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
